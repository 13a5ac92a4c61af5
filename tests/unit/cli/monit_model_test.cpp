// monit's model and keys without a terminal: log rings and the merged view,
// snapshot and state events, history samples, selection through filters and
// list changes, scope and scroll, and what each key asks for.
#include <doctest/doctest.h>
// For the key codes only; no macros, which would clash with doctest and std.
#define NCURSES_NOMACROS
#include <curses.h>

#include "cli/monit/log_store.h"
#include "cli/monit/monit_input.h"
#include "cli/monit/monit_model.h"

using namespace tend;

namespace {

InstanceInfo instance(int id, const std::string& name,
                      InstanceState status = InstanceState::kOnline) {
    InstanceInfo info;
    info.id = id;
    info.name = name;
    info.status = status;
    return info;
}

LogLine line(int id, const std::string& text, const std::string& stream = "out") {
    return LogLine{id, "app", 0, stream, text, 0};
}

std::vector<std::string> texts(const std::vector<const LogEntry*>& entries) {
    std::vector<std::string> out;
    for (const auto* e : entries) out.push_back(e->line.line);
    return out;
}

// A model holding api (ids 0, 1), worker (2) and web (3).
MonitModel four_instances() {
    MonitModel model;
    MonitResult snapshot;
    snapshot.instances = {instance(0, "api"), instance(1, "api"), instance(2, "worker"),
                          instance(3, "web", InstanceState::kStopped)};
    model.load_snapshot(snapshot);
    model.take_dirty();
    return model;
}

MonitState state_of(const MonitModel& model) {
    return MonitState{model.instances(), false};
}

}  // namespace

TEST_CASE("a log ring keeps the newest lines of each instance") {
    LogStore store(3);
    for (int i = 0; i < 5; ++i) store.add(line(7, std::string("l").append(std::to_string(i))));
    CHECK(store.count(7) == 3);
    CHECK(texts(store.window(7, 10, 0)) == std::vector<std::string>{"l2", "l3", "l4"});
    CHECK(texts(store.window(7, 2, 0)) == std::vector<std::string>{"l3", "l4"});
    CHECK(texts(store.window(7, 2, 1)) == std::vector<std::string>{"l2", "l3"});
    CHECK(texts(store.window(7, 2, 9)).empty());
    CHECK(store.window(8, 2, 0).empty());
}

TEST_CASE("the merged view interleaves instances in arrival order") {
    LogStore store(100);
    store.add(line(1, "a1"));
    store.add(line(2, "b1"));
    store.add(line(1, "a2"));
    store.add(line(3, "c1"));
    store.add(line(2, "b2"));
    CHECK(store.count(std::nullopt) == 5);
    CHECK(texts(store.window(std::nullopt, 10, 0)) ==
          std::vector<std::string>{"a1", "b1", "a2", "c1", "b2"});
    CHECK(texts(store.window(std::nullopt, 2, 1)) == std::vector<std::string>{"a2", "c1"});
    store.forget(1);
    CHECK(texts(store.window(std::nullopt, 10, 0)) == std::vector<std::string>{"b1", "c1", "b2"});
}

TEST_CASE("the snapshot selects the first instance and its logs") {
    MonitModel model;
    MonitResult snapshot;
    snapshot.instances = {instance(4, "api"), instance(5, "web")};
    snapshot.tail = {line(4, "hello"), line(5, "other")};
    model.load_snapshot(snapshot);
    REQUIRE(model.selected());
    CHECK(model.selected()->id == 4);
    CHECK(model.log_target() == 4);
    CHECK(texts(model.logs().window(model.log_target(), 10, 0)) ==
          std::vector<std::string>{"hello"});
    CHECK(model.take_dirty().any());
    CHECK_FALSE(model.take_dirty().any());
}

TEST_CASE("state events grow each instance's history, capped, one sample per interval") {
    MonitModel model;
    MonitResult snapshot;
    snapshot.interval_ms = 1000;
    InstanceInfo api = instance(0, "api");
    api.cpu_history = {1, 2};
    api.memory_history = {10, 20};
    snapshot.instances = {api};
    model.load_snapshot(snapshot);
    MonitState state{{instance(0, "api")}, true};
    state.instances[0].cpu = 3;
    state.instances[0].memory = 30;
    model.apply_state(state);
    CHECK(model.instances()[0].cpu_history == std::vector<double>{1, 2, 3});
    CHECK(model.instances()[0].memory_history == std::vector<std::int64_t>{10, 20, 30});
    // An event after a change, not a sampling round, updates the newest sample.
    state.instances[0].cpu = 4;
    state.sample = false;
    model.apply_state(state);
    CHECK(model.instances()[0].cpu_history == std::vector<double>{1, 2, 4});
    state.sample = true;
    for (int i = 0; i < 100; ++i) model.apply_state(state);
    CHECK(model.instances()[0].cpu_history.size() == kMetricsHistory);
    CHECK(model.instances()[0].memory_history.size() == kMetricsHistory);
}

TEST_CASE("the selection follows its instance through list changes and deletions") {
    MonitModel model = four_instances();
    model.move_selection(2);
    CHECK(model.selected()->id == 2);
    MonitState state = state_of(model);
    state.instances.erase(state.instances.begin());  // id 0 deleted
    model.apply_state(state);
    CHECK(model.selected()->id == 2);
    CHECK(model.selected_row() == 1);
    state.instances.erase(state.instances.begin() + 1);  // the selected id 2 deleted
    model.apply_state(state);
    REQUIRE(model.selected());
    CHECK(model.selected()->id == 3);  // the row it was on
    model.apply_state(MonitState{});
    CHECK(model.selected() == nullptr);
    CHECK(model.selected_row() == -1);
}

TEST_CASE("moving the selection stops at both ends") {
    MonitModel model = four_instances();
    model.move_selection(-5);
    CHECK(model.selected_row() == 0);
    model.move_selection(10);
    CHECK(model.selected_row() == 3);
}

TEST_CASE("the filter keeps matching names, ignoring case, and keeps the selection when it can") {
    MonitModel model = four_instances();
    model.move_selection(1);
    model.set_filter("AP");
    CHECK(model.visible() == std::vector<std::size_t>{0, 1});
    CHECK(model.selected()->id == 1);
    model.set_filter("wor");
    CHECK(model.selected()->id == 2);
    model.set_filter("nothing");
    CHECK(model.visible().empty());
    CHECK(model.selected() == nullptr);
    model.set_filter("");
    CHECK(model.visible().size() == 4);
    CHECK(model.selected() != nullptr);
}

TEST_CASE("live lines in scope mark the log pane, and keep a scrolled view steady") {
    MonitModel model = four_instances();
    model.add_log(line(2, "not selected"));
    CHECK_FALSE(model.take_dirty().logs);
    for (int i = 0; i < 30; ++i) model.add_log(line(0, std::string("l").append(std::to_string(i))));
    CHECK(model.take_dirty().logs);
    model.scroll_logs(5, 10);
    CHECK(model.log_back() == 5);
    model.add_log(line(0, "new"));
    CHECK(model.log_back() == 6);
    model.scroll_logs(100, 10);
    CHECK(model.log_back() == 21);  // 31 lines, 10 shown
    model.follow_logs();
    CHECK(model.log_back() == 0);
}

TEST_CASE("the all scope shows every instance and survives selection changes") {
    MonitModel model = four_instances();
    model.toggle_scope();
    CHECK(model.scope() == LogScope::kAll);
    CHECK_FALSE(model.log_target().has_value());
    model.add_log(line(2, "worker line"));
    CHECK(model.take_dirty().logs);
    model.toggle_scope();
    CHECK(model.log_target() == 0);
}

TEST_CASE("a missed event becomes a notice in that instance's log") {
    MonitModel model = four_instances();
    model.add_missed(MissedEvent{12, 0});
    auto lines = model.logs().window(0, 5, 0);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]->line.stream == kMissedStream);
    CHECK(lines[0]->line.line == "[tend] 12 lines skipped");
    model.add_missed(MissedEvent{3, std::nullopt});
    CHECK(model.logs().count(std::nullopt) == 1);
}

TEST_CASE("keys move the selection, switch the scope and ask for actions") {
    MonitModel model = four_instances();
    CHECK(handle_key(model, 'j', 10).kind == IntentKind::kNone);
    CHECK(model.selected()->id == 1);
    handle_key(model, KEY_DOWN, 10);
    handle_key(model, 'k', 10);
    CHECK(model.selected()->id == 1);
    handle_key(model, '\t', 10);
    CHECK(model.scope() == LogScope::kAll);
    handle_key(model, 'l', 10);
    CHECK(model.scope() == LogScope::kSelected);
    Intent restart = handle_key(model, 'r', 10);
    CHECK(restart.kind == IntentKind::kRestart);
    CHECK(restart.id == 1);
    CHECK(restart.label == "api #0 (id 1)");
    CHECK(handle_key(model, 's', 10).kind == IntentKind::kStop);
    handle_key(model, 'G', 10);
    CHECK(model.selected()->id == 3);
    CHECK(handle_key(model, 's', 10).kind == IntentKind::kStart);  // web is stopped
    CHECK(handle_key(model, 'q', 10).kind == IntentKind::kQuit);
}

TEST_CASE("d asks first: y deletes, anything else cancels") {
    MonitModel model = four_instances();
    CHECK(handle_key(model, 'd', 10).kind == IntentKind::kNone);
    CHECK(model.mode() == InputMode::kConfirmDelete);
    CHECK(model.status() == "delete api #0 (id 0)? y/n");
    Intent yes = handle_key(model, 'y', 10);
    CHECK(yes.kind == IntentKind::kDelete);
    CHECK(yes.id == 0);
    CHECK(model.mode() == InputMode::kNormal);
    handle_key(model, 'd', 10);
    CHECK(handle_key(model, 'n', 10).kind == IntentKind::kNone);
    CHECK(model.status() == "delete cancelled");
    handle_key(model, 'd', 10);
    CHECK(handle_key(model, 'q', 10).kind == IntentKind::kNone);  // q answers no, it does not quit
}

TEST_CASE("/ edits the filter live, Enter keeps it, Esc clears it") {
    MonitModel model = four_instances();
    handle_key(model, '/', 10);
    CHECK(model.mode() == InputMode::kFilter);
    handle_key(model, 'w', 10);
    handle_key(model, 'e', 10);
    handle_key(model, 'x', 10);
    CHECK(model.filter() == "wex");
    handle_key(model, KEY_BACKSPACE, 10);
    handle_key(model, 127, 10);
    CHECK(model.filter() == "w");
    CHECK(model.visible().size() == 2);
    handle_key(model, 'q', 10);  // a letter of the filter, not quit
    CHECK(model.filter() == "wq");
    handle_key(model, KEY_BACKSPACE, 10);
    handle_key(model, '\r', 10);
    CHECK(model.mode() == InputMode::kNormal);
    CHECK(model.filter() == "w");
    handle_key(model, '/', 10);
    handle_key(model, 27, 10);
    CHECK(model.filter().empty());
    CHECK(model.mode() == InputMode::kNormal);
}

TEST_CASE("? shows the help and any key closes it") {
    MonitModel model = four_instances();
    handle_key(model, '?', 10);
    CHECK(model.mode() == InputMode::kHelp);
    CHECK(handle_key(model, 'q', 10).kind == IntentKind::kNone);
    CHECK(model.mode() == InputMode::kNormal);
}

TEST_CASE("page keys and the wheel scroll the logs") {
    MonitModel model = four_instances();
    for (int i = 0; i < 50; ++i) model.add_log(line(0, std::to_string(i)));
    handle_key(model, KEY_PPAGE, 10);
    CHECK(model.log_back() == 9);
    handle_wheel(model, 1, 10);
    CHECK(model.log_back() == 12);
    handle_wheel(model, -10, 10);
    CHECK(model.log_back() == 0);
    handle_key(model, KEY_PPAGE, 10);
    handle_key(model, 'f', 10);
    CHECK(model.log_back() == 0);
}
