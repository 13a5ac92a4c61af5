// The dashboard's requests besides its subscription: restart, stop, start
// and delete from the keys, and describe for the details pane's command
// line. Each goes on a short connection of its own; replies are read when
// the loop's poll() says so, since a stop or restart answers only once the
// instance has exited (up to its kill_timeout), and the screen must not wait.
#pragma once

#include <list>
#include <set>
#include <string>
#include <vector>

#include "cli/client.h"
#include "cli/monit/monit_input.h"
#include "cli/monit/monit_model.h"
#include "common/paths.h"

namespace tend {

class ActionRunner {
  public:
    explicit ActionRunner(Paths paths);

    // Sends the intent's request and says so on the status line; the outcome
    // replaces that message when the reply comes.
    void start(const Intent& intent, MonitModel& model);

    // Asks once per instance for its spec (command line, cwd) when the
    // selected instance's is not known yet.
    void fetch_spec_of_selected(MonitModel& model);

    // The sockets waiting for replies, for poll().
    std::vector<int> fds() const;

    // Reads the reply on fd, if complete, and reports it on the model.
    void on_readable(int fd, MonitModel& model);

  private:
    struct Pending {
        Client client;
        IntentKind kind;  // kNone for a describe
        int id;
        std::string label;
    };

    // Sends one request; false (with a message on the model) when the
    // daemon cannot be reached.
    bool send(IntentKind kind, int id, std::string label, MonitModel& model);
    void report(const Pending& pending, const Response& reply, MonitModel& model);

    Paths paths_;
    std::list<Pending> pending_;
    std::set<int> specs_asked_;
};

}  // namespace tend
