// Users and groups by name or number, through getpwnam_r / getgrnam_r.
#include "daemon/process/run_as.h"

#include <grp.h>
#include <pwd.h>

#include <vector>

#include "common/errors.h"
#include "common/text.h"

namespace tend {
namespace {

[[noreturn]] void bad_identity(const std::string& message) {
    throw TendError(ErrorCode::kBadRequest, message);
}

// The passwd entry of a name, or of a number; nullopt when there is none.
std::optional<passwd> find_user(const std::string& user, std::vector<char>& buf) {
    passwd entry{}, *found = nullptr;
    buf.resize(16384);
    auto number = parse_int(user);
    if (number)
        ::getpwuid_r(static_cast<uid_t>(*number), &entry, buf.data(), buf.size(), &found);
    else
        ::getpwnam_r(user.c_str(), &entry, buf.data(), buf.size(), &found);
    return found ? std::optional<passwd>(entry) : std::nullopt;
}

gid_t find_group(const std::string& group) {
    if (auto number = parse_int(group)) return static_cast<gid_t>(*number);
    std::vector<char> buf(16384);
    struct group entry {};
    struct group* found = nullptr;
    ::getgrnam_r(group.c_str(), &entry, buf.data(), buf.size(), &found);
    if (!found) bad_identity("unknown group '" + group + "' (gid)");
    return found->gr_gid;
}

// The uid a user names, and its primary group when it has a passwd entry.
std::pair<uid_t, std::optional<gid_t>> find_uid(const std::string& user) {
    std::vector<char> buf;
    if (auto entry = find_user(user, buf)) return {entry->pw_uid, entry->pw_gid};
    auto number = parse_int(user);
    if (!number) bad_identity("unknown user '" + user + "' (uid)");
    return {static_cast<uid_t>(*number), std::nullopt};
}

}  // namespace

std::optional<Identity> resolve_run_as(const RunAs& run_as, uid_t daemon_uid) {
    if (run_as.uid.empty() && run_as.gid.empty()) return std::nullopt;
    if (daemon_uid != 0)
        bad_identity("uid/gid need the daemon to run as root, and tendd runs as uid " +
                     std::to_string(daemon_uid) + ": start the app without --uid/--gid");
    Identity id{daemon_uid, 0};
    std::optional<gid_t> primary;
    if (!run_as.uid.empty()) std::tie(id.uid, primary) = find_uid(run_as.uid);
    if (!run_as.gid.empty())
        id.gid = find_group(run_as.gid);
    else if (primary)
        id.gid = *primary;
    else
        bad_identity("uid " + run_as.uid + " has no entry in the user database: give a gid too");
    return id;
}

}  // namespace tend
