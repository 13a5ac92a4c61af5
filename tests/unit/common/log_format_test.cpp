// Date formats as PM2 users write them (moment tokens, strftime), in UTC and
// in local time, and how an app's log options become its line format.
#include <doctest/doctest.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "common/app_spec.h"
#include "common/errors.h"
#include "common/log_format.h"

using namespace tend;

namespace {

// 2026-11-23T18:59:01.123Z, a Monday.
constexpr std::int64_t kMs = 1795460341123;

// Sets TZ for one test and puts it back.
class ZoneGuard {
  public:
    explicit ZoneGuard(const char* zone) {
        if (const char* old = std::getenv("TZ")) saved_ = old, had_ = true;
        ::setenv("TZ", zone, 1);
        ::tzset();
    }
    ~ZoneGuard() {
        if (had_) {
            ::setenv("TZ", saved_.c_str(), 1);
        } else {
            ::unsetenv("TZ");
        }
        ::tzset();
    }

  private:
    std::string saved_;
    bool had_ = false;
};

std::string utc(std::string_view format, std::int64_t ms = kMs) {
    return DateFormat::parse(format).format(ms, true);
}

std::string format_error(std::string_view format) {
    try {
        DateFormat::parse(format);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("date format: moment tokens") {
    CHECK(utc("YYYY-MM-DD HH:mm:ss.SSS") == "2026-11-23 18:59:01.123");
    CHECK(utc("YY/M/D H:m:s") == "26/11/23 18:59:1");
    CHECK(utc("hh:mm A, h a") == "06:59 PM, 6 pm");
    CHECK(utc("Z ZZ") == "+00:00 +0000");
    CHECK(utc(std::string(kTimeFlagFormat)) == "2026-11-23T18:59:01");
    CHECK(utc(std::string(kJsonTimeFormat)) == "2026-11-23T18:59:01.123Z");
    // Midnight and noon on a 12-hour clock; single digits unpadded.
    CHECK(utc("h A", 1795392000000) == "12 AM");      // 2026-11-23T00:00:00Z
    CHECK(utc("h:m A", 1795435260000) == "12:1 PM");  // 12:01
    CHECK(utc("SSS", 1795460341007) == "007");
}

TEST_CASE("date format: [brackets] and other characters are kept as they are") {
    CHECK(utc("[at] HH[h] [YYYY]") == "at 18h YYYY");
    CHECK(utc("YYYY-MM-DDTHH") == "2026-11-23T18");
    CHECK(utc("[[x]") == "[x");
    CHECK(utc("") == "");
}

TEST_CASE("date format: strftime directives, with %L and %3N for milliseconds") {
    CHECK(utc("%Y-%m-%d %H:%M:%S.%L") == "2026-11-23 18:59:01.123");
    CHECK(utc("%F %T,%3N") == "2026-11-23 18:59:01,123");
    CHECK(utc("%a %b %e %I%p 100%%") == "Mon Nov 23 06PM 100%");
    CHECK(utc("%z") == "+0000");
    CHECK(utc("%-m/%-d") == "11/23");
    CHECK(utc("[%H]") == "[18]");  // brackets are moment's, not strftime's
}

TEST_CASE("date format: local time by default, UTC when asked") {
    ZoneGuard zone("XST-5:30");  // a POSIX zone: no tzdata needed
    DateFormat f = DateFormat::parse("YYYY-MM-DD HH:mm:ss.SSS Z");
    CHECK(f.format(kMs, false) == "2026-11-24 00:29:01.123 +05:30");
    CHECK(f.format(kMs, true) == "2026-11-23 18:59:01.123 +00:00");
    DateFormat s = DateFormat::parse("%H:%M %z");
    CHECK(s.format(kMs, false) == "00:29 +0530");
    CHECK(s.format(kMs, true) == "18:59 +0000");
}

TEST_CASE("date format: rendered once a second, the milliseconds patched in") {
    DateFormat f = DateFormat::parse("ss.SSS|SSS");
    std::string text;
    std::vector<std::size_t> ms_at;
    f.render(static_cast<std::time_t>(kMs / 1000), true, text, ms_at);
    CHECK(text == "01.000|000");
    CHECK(ms_at == std::vector<std::size_t>{3, 7});
    write_millis(text, ms_at, kMs + 876);
    CHECK(text == "01.999|999");
    write_millis(text, ms_at, 5);
    CHECK(text == "01.005|005");
}

TEST_CASE("date format: what tend cannot render is refused, saying what") {
    CHECK(format_error("MMM D") ==
          "unknown token 'MMM' (tokens: YYYY YY MM M DD D HH H hh h mm m ss s SSS A a Z ZZ; "
          "[text] is kept as it is)");
    CHECK(format_error("Do").find("unknown token 'Do'") == 0);
    CHECK(format_error("dddd").find("unknown token 'dddd'") == 0);
    CHECK(format_error("HH:mm:ss.SS").find("unknown token 'SS'") == 0);
    CHECK(format_error("X").find("unknown token 'X'") == 0);
    CHECK(format_error("[HH") == "'[' at 1 has no closing ']'");
    CHECK(format_error("%Y %q") ==
          "unknown directive '%q' (strftime's, with %L or %3N for milliseconds)");
    CHECK(format_error("%H %").find("unknown directive '%'") == 0);
    CHECK(format_error("%6N").find("unknown directive '%6'") == 0);
    CHECK(format_error(std::string(kMaxDateFormatLength + 1, '-')) == "longer than 256 characters");
    CHECK(format_error(std::string(kMaxDateFormatLength, '-')) == "(no error)");
}

TEST_CASE("log format: from an app's log options") {
    LogOptions logs;
    CHECK(log_format_of(logs).plain());
    logs.time = true;
    CHECK(log_format_of(logs) == LogFormat{LogType::kText, std::string(kTimeFlagFormat), false});
    logs.date_format = "HH:mm";
    logs.date_utc = true;
    CHECK(log_format_of(logs) == LogFormat{LogType::kText, "HH:mm", true});  // wins over --time
    logs = LogOptions{};
    logs.log_type = "json";
    CHECK(log_format_of(logs) == LogFormat{LogType::kJson, std::string(kJsonTimeFormat), true});
    logs.date_format = "%s";
    CHECK(log_format_of(logs) == LogFormat{LogType::kJson, "%s", false});
    logs.log_type = "text";
    logs.date_format.clear();
    CHECK(log_format_of(logs).plain());
}

TEST_CASE("log format: validate() refuses a bad type or date format") {
    AppSpec spec;
    spec.name = "api";
    spec.script = "/srv/api";
    auto error = [&] {
        try {
            validate(spec);
        } catch (const TendError& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    spec.logs.log_type = "xml";
    CHECK(error() == "log_type: expected 'text' or 'json', got 'xml'");
    spec.logs.log_type = "json";
    spec.logs.date_format = "YYYY [x";
    CHECK(error() == "log_date_format: '[' at 6 has no closing ']'");
    spec.logs.date_format = "YYYY";
    CHECK(error() == "(no error)");
}

TEST_CASE("log format: the spec's keys on the wire") {
    AppSpec spec;
    spec.logs.log_type = "json";
    spec.logs.date_format = "HH:mm";
    spec.logs.date_utc = true;
    json j = spec;
    CHECK(j["log_type"] == "json");
    CHECK(j["log_date_format"] == "HH:mm");
    CHECK(j["log_date_utc"] == true);
    AppSpec back = j.get<AppSpec>();
    CHECK(back.logs.log_type == "json");
    CHECK(back.logs.date_format == "HH:mm");
    CHECK(back.logs.date_utc);
    j["log_date_utc"] = "yes";
    CHECK_THROWS_AS(j.get<AppSpec>(), TendError);
}
