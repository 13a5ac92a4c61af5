// InstanceInfo as JSON text, without an nlohmann tree: `list` at a thousand
// instances spent most of its time building and copying the tree. Keys come
// in dump_json's (sorted) order, so the text is the one to_json gives.
#include <array>
#include <nlohmann/json.hpp>

#include "common/instance_info.h"
#include "common/json_text.h"

namespace tend {
namespace {

// `,"key":` before every field but the first.
void instance_field(std::string& out, std::string_view key) {
    if (out.back() != '{') out += ',';
    append_json_key(out, key);
}

void instance_string_or_null(std::string& out, std::string_view key, std::string_view text) {
    instance_field(out, key);
    if (text.empty())
        out += "null";
    else
        append_json_string(out, text);
}

void instance_int(std::string& out, std::string_view key, std::int64_t value) {
    instance_field(out, key);
    append_json_number(out, value);
}

void instance_string(std::string& out, std::string_view key, std::string_view text) {
    instance_field(out, key);
    append_json_string(out, text);
}

template <typename T>
void instance_history(std::string& out, std::string_view key, const std::vector<T>& samples) {
    instance_field(out, key);
    out += '[';
    for (std::size_t k = 0; k < samples.size(); ++k) {
        if (k) out += ',';
        if constexpr (std::is_floating_point_v<T>)
            append_json_number(out, static_cast<double>(samples[k]));
        else
            append_json_number(out, static_cast<std::int64_t>(samples[k]));
    }
    out += ']';
}

}  // namespace

// The brief form is one array per instance, its values in this order: the
// table reads a thousand of them, and the keys were half the bytes to lex.
// Both ends are the same release (the daemon refuses another version).
namespace {
constexpr std::array<std::string_view, 13> kBriefFields{
    "id",        "name",     "namespace", "instance", "mode",  "pid",   "status",
    "uptime_ms", "restarts", "cpu",       "memory",   "ready", "health"};
}  // namespace

void append_instance_brief_json(std::string& out, const InstanceInfo& i) {
    out += '[';
    append_json_number(out, std::int64_t{i.id});
    out += ',';
    append_json_string(out, i.name);
    out += ',';
    append_json_string(out, i.ns);
    out += ',';
    append_json_number(out, std::int64_t{i.instance});
    out += ',';
    append_json_string(out, i.mode);
    out += ',';
    append_json_number(out, std::int64_t{i.pid});
    out += ',';
    append_json_string(out, to_string(i.status));
    out += ',';
    append_json_number(out, i.uptime_ms);
    out += ',';
    append_json_number(out, std::int64_t{i.restarts});
    out += ',';
    append_json_number(out, i.cpu);
    out += ',';
    append_json_number(out, i.memory);
    out += i.ready ? ",true," : ",false,";
    if (i.health.empty())
        out += "null";
    else
        append_json_string(out, i.health);
    out += ']';
}

void append_instance_json(std::string& out, const InstanceInfo& i) {
    bool history = !i.cpu_history.empty() || !i.memory_history.empty();
    out += '{';
    instance_field(out, "cpu");
    append_json_number(out, i.cpu);
    if (history) instance_history(out, "cpu_history", i.cpu_history);
    instance_int(out, "created_at", i.created_at);
    instance_string(out, "err_log", i.err_log);
    instance_field(out, "exit_code");
    if (i.exit_code)
        append_json_number(out, std::int64_t{*i.exit_code});
    else
        out += "null";
    instance_field(out, "exit_signal");
    if (i.exit_signal)
        append_json_string(out, *i.exit_signal);
    else
        out += "null";
    instance_string_or_null(out, "health", i.health);
    instance_int(out, "id", i.id);
    instance_int(out, "instance", i.instance);
    instance_int(out, "memory", i.memory);
    if (history) instance_history(out, "memory_history", i.memory_history);
    instance_string(out, "mode", i.mode);
    instance_string(out, "name", i.name);
    instance_string(out, "namespace", i.ns);
    instance_field(out, "next_run_at");
    if (i.next_run_at == 0)
        out += "null";
    else
        append_json_number(out, i.next_run_at);
    instance_string(out, "out_log", i.out_log);
    instance_int(out, "pid", i.pid);
    instance_field(out, "ready");
    out += i.ready ? "true" : "false";
    instance_string_or_null(out, "restart_reason", i.restart_reason);
    instance_string(out, "restart_reason_detail", i.restart_reason_detail);
    instance_int(out, "restarts", i.restarts);
    if (i.spec) {
        instance_field(out, "spec");
        out += dump_json(json(*i.spec));
    }
    instance_int(out, "started_at", i.started_at);
    instance_string(out, "status", to_string(i.status));
    instance_int(out, "unstable_restarts", i.unstable_restarts);
    instance_int(out, "uptime_ms", i.uptime_ms);
    if (!i.watch_status.empty()) instance_string(out, "watch_status", i.watch_status);
    out += '}';
}

}  // namespace tend

namespace tend {
namespace {

// nlohmann's SAX interface over `{"instances":[...]}`: depth 1 is the
// result, 2 the array, 3 an instance (an object, or the brief array whose
// values stand for kBriefFields in order); values nested deeper
// (histories, a spec) are passed over.
class BriefInstancesReader {
  public:
    std::vector<InstanceInfo> instances;

    bool null() {
        take_position();
        return true;
    }
    bool boolean(bool value) {
        take_position();
        if (in_instance() && key_ == "ready") instances.back().ready = value;
        return true;
    }
    bool number_integer(std::int64_t value) { return number(static_cast<double>(value), value); }
    bool number_unsigned(std::uint64_t value) {
        return number(static_cast<double>(value), static_cast<std::int64_t>(value));
    }
    bool number_float(double value, const std::string&) {
        return number(value, static_cast<std::int64_t>(value));
    }
    bool string(std::string& value) {
        take_position();
        if (in_instance()) text(std::move(value));
        return true;
    }
    bool binary(std::vector<std::uint8_t>&) { return true; }
    bool start_object(std::size_t) {
        take_position();
        ++depth_;
        if (depth_ == 3 && in_array_) start_instance(false);
        return true;
    }
    bool key(std::string& key) {
        if (depth_ == 1) top_key_ = key;
        if (depth_ == 3) key_ = std::move(key);
        return true;
    }
    bool end_object() {
        --depth_;
        return true;
    }
    bool start_array(std::size_t) {
        take_position();
        ++depth_;
        if (depth_ == 2 && top_key_ == "instances") in_array_ = true;
        if (depth_ == 3 && in_array_) start_instance(true);
        return true;
    }
    bool end_array() {
        if (depth_ == 2) in_array_ = false;
        --depth_;
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
        return false;
    }

  private:
    bool in_instance() const { return depth_ == 3 && in_array_ && !instances.empty(); }

    void start_instance(bool positional) {
        if (instances.empty()) instances.reserve(256);
        instances.emplace_back();
        positional_ = positional;
        position_ = 0;
        key_.clear();
    }

    // A value of a brief array: the field its position stands for.
    void take_position() {
        if (depth_ != 3 || !positional_) return;
        key_ = position_ < kBriefFields.size() ? kBriefFields[position_] : "";
        ++position_;
    }

    bool number(double real, std::int64_t whole) {
        take_position();
        if (!in_instance()) return true;
        InstanceInfo& i = instances.back();
        if (key_ == "id")
            i.id = static_cast<int>(whole);
        else if (key_ == "instance")
            i.instance = static_cast<int>(whole);
        else if (key_ == "pid")
            i.pid = static_cast<int>(whole);
        else if (key_ == "restarts")
            i.restarts = static_cast<int>(whole);
        else if (key_ == "uptime_ms")
            i.uptime_ms = whole;
        else if (key_ == "cpu")
            i.cpu = real;
        else if (key_ == "memory")
            i.memory = whole;
        return true;
    }

    void text(std::string&& value) {
        InstanceInfo& i = instances.back();
        if (key_ == "name")
            i.name = std::move(value);
        else if (key_ == "namespace")
            i.ns = std::move(value);
        else if (key_ == "mode")
            i.mode = std::move(value);
        else if (key_ == "status")
            i.status = instance_state_from_string(value);
        else if (key_ == "health")
            i.health = std::move(value);
    }

    int depth_ = 0;
    bool in_array_ = false;
    bool positional_ = false;
    std::size_t position_ = 0;
    std::string top_key_;
    std::string key_;
};

}  // namespace

std::optional<std::vector<InstanceInfo>> read_brief_instances(std::string_view text) {
    BriefInstancesReader reader;
    if (!json::sax_parse(text, &reader)) return std::nullopt;
    return std::move(reader.instances);
}

}  // namespace tend
