// Reading TEND_HOME/config.json.
#include "daemon/daemon_settings.h"

#include "common/errors.h"
#include "common/json_limits.h"
#include "daemon/home_file.h"

namespace tend {

namespace {

const char* const kLogKeys[] = {"max_size", "retain", "compress", "rotate_interval",
                                "rotate_date_format"};

void check_keys(const json& object, const std::string& where) {
    for (const auto& [key, value] : object.items()) {
        bool known = false;
        for (const char* k : kLogKeys) known = known || key == k;
        if (!known) throw TendError(ErrorCode::kBadRequest, "unknown key '" + where + key + "'");
    }
}

std::optional<HttpAddress> read_http(const json& object) {
    std::optional<HttpAddress> address;
    for (const auto& [key, value] : object.items()) {
        if (key != "listen")
            throw TendError(ErrorCode::kBadRequest, "unknown key 'http." + key + "'");
        if (value.is_null()) continue;
        if (!value.is_string() && !value.is_number_unsigned())
            throw TendError(ErrorCode::kBadRequest,
                            "'http.listen' must be an address such as \"127.0.0.1:9615\"");
        address = parse_http_address(value.is_string() ? value.get<std::string>()
                                                       : std::to_string(value.get<unsigned>()));
    }
    return address;
}

// "max_instances": N raises (or lowers) both limits to N.
InstanceLimits read_instance_limits(const json& value) {
    if (!value.is_number_integer() || value.get<std::int64_t>() < 1 ||
        value.get<std::int64_t>() > kInstancesCeiling)
        throw TendError(ErrorCode::kBadRequest, "'max_instances' must be a whole number 1.." +
                                                    std::to_string(kInstancesCeiling));
    int n = static_cast<int>(value.get<std::int64_t>());
    return InstanceLimits{n, n};
}

}  // namespace

DaemonSettings load_daemon_settings(const std::string& home) {
    std::string path = home + "/config.json";
    DaemonSettings settings;
    std::optional<std::string> text = read_home_file(path);
    if (!text) return settings;
    try {
        ParsedJson parsed = parse_json_limited(*text);
        if (!parsed.ok() || !parsed.value.is_object())
            throw TendError(ErrorCode::kBadRequest, "not a JSON object");
        for (const auto& [key, value] : parsed.value.items()) {
            if (key != "logs" && key != "http" && key != "max_instances")
                throw TendError(ErrorCode::kBadRequest, "unknown key '" + key + "'");
            if (key == "max_instances") {
                settings.instance_limits = read_instance_limits(value);
                continue;
            }
            if (!value.is_object())
                throw TendError(ErrorCode::kBadRequest, "'" + key + "' must be an object");
            if (key == "http") {
                settings.http = read_http(value);
                continue;
            }
            check_keys(value, "logs.");
            settings.log_rotation = read_rotation(value);
        }
    } catch (const TendError& e) {
        throw TendError(ErrorCode::kBadRequest, path + ": " + e.what());
    }
    return settings;
}

}  // namespace tend
