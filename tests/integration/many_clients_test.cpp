// Two hundred clients at once, of every kind (lists, follows, monit,
// garbage, clients that vanish mid-request) while two apps flood their
// logs: every well-formed request is answered and the table is intact.
// How fast they are answered is measured in bench/many_clients.py.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <vector>

#include "harness.h"

using namespace tend::it;

namespace {

enum class ClientKind { kList, kPing, kFollow, kMonit, kGarbage, kHalfLine, kGoneBeforeReply };

// Ten kinds of client in turn: a list or ping in four of ten, and each
// other kind in one.
ClientKind kind_of(int i) {
    switch (i % 10) {
        case 0:
        case 1:
        case 2:
            return ClientKind::kList;
        case 3:
            return ClientKind::kPing;
        case 4:
        case 5:
            return ClientKind::kFollow;
        case 6:
            return ClientKind::kMonit;
        case 7:
            return ClientKind::kGarbage;
        case 8:
            return ClientKind::kHalfLine;
        default:
            return ClientKind::kGoneBeforeReply;
    }
}

std::string opening(int id, ClientKind kind) {
    switch (kind) {
        case ClientKind::kList:
        case ClientKind::kGoneBeforeReply:
            return request_line(id, "list", json::object());
        case ClientKind::kPing:
            return request_line(id, "ping", json::object());
        case ClientKind::kFollow:
            return request_line(id, "logs",
                                {{"targets", json::array()}, {"lines", 5}, {"follow", true}});
        case ClientKind::kMonit:
            return request_line(id, "monit", {{"tail_lines", 5}, {"lines_per_second", 20}});
        case ClientKind::kGarbage:
            return "{\"v\": 1, \"cmd\": [not json\n";
        case ClientKind::kHalfLine: {
            std::string line = request_line(id, "list", json::object());
            return line.substr(0, line.size() / 2);
        }
    }
    return "";
}

// The reply to request id on client, skipping events; nullopt if none came.
std::optional<json> reply_to(RawClient& client, Millis timeout) {
    while (auto line = client.read_line(timeout)) {
        json j = json::parse(*line, nullptr, false);
        if (j.is_object() && j.contains("ok")) return j;
    }
    return std::nullopt;
}

using InstanceRow = std::tuple<int, std::string, int, int>;

std::set<InstanceRow> instance_rows(const json& list) {
    std::set<InstanceRow> r;
    for (const auto& i : list)
        r.emplace(i.value("id", -1), i.value("status", ""), i.value("pid", 0),
                  i.value("restarts", 0));
    return r;
}

}  // namespace

TEST_CASE("200 clients at once while two apps flood: every well-formed request is answered") {
    TendHome t;
    t.run_ok(start_fixture("flood-a", {}, {"numbered"}));
    t.run_ok(start_fixture("flood-b", {}, {"numbered"}));
    t.wait_for("flood-a", all_online(1), "flood-a online");
    t.wait_for("flood-b", all_online(1), "flood-b online");
    std::set<InstanceRow> before = instance_rows(t.jlist());

    constexpr int kClients = 200;
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < kClients; ++i) clients.push_back(t.connect());
    for (int i = 0; i < kClients; ++i) {
        CHECK(clients[i]->send(opening(i, kind_of(i))));
        ClientKind kind = kind_of(i);
        if (kind == ClientKind::kHalfLine || kind == ClientKind::kGoneBeforeReply)
            clients[i].reset();
    }

    std::map<ClientKind, int> answered;
    for (int i = 0; i < kClients; ++i) {
        if (!clients[i]) continue;
        INFO("client " << i);
        auto reply = reply_to(*clients[i], 20s);
        REQUIRE(reply.has_value());
        ClientKind kind = kind_of(i);
        if (kind == ClientKind::kGarbage) {
            CHECK(reply->value("ok", true) == false);
        } else {
            CHECK(reply->value("ok", false));
            CHECK(reply->value("id", -1) == i);
        }
        ++answered[kind];
    }
    CHECK(answered[ClientKind::kList] == 60);
    CHECK(answered[ClientKind::kPing] == 20);
    CHECK(answered[ClientKind::kFollow] == 40);
    CHECK(answered[ClientKind::kMonit] == 20);
    CHECK(answered[ClientKind::kGarbage] == 20);

    // Followers keep getting the floods' lines.
    for (int i = 0; i < kClients; ++i) {
        if (kind_of(i) != ClientKind::kFollow) continue;
        INFO("follower " << i);
        bool got_log = false;
        while (!got_log) {
            auto line = clients[i]->read_line(20s);
            REQUIRE(line.has_value());
            json event = json::parse(*line, nullptr, false);
            got_log = event.is_object() && event.value("event", "") == "log";
        }
    }
    CHECK(instance_rows(t.jlist()) == before);
}
