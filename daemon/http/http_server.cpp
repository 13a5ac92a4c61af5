// libmicrohttpd in tendd's loop: the library's callbacks, and its
// descriptor and timeouts driven by libuv.
#include "daemon/http/http_server.h"

#include <microhttpd.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "common/errors.h"
#include "daemon/http/mhd_library.h"
#include "daemon/uv/guard.h"

namespace tend {
namespace {

using Holder = std::shared_ptr<HttpExchange>;

// The block a stream is read in: one write of up to this much a turn.
constexpr std::size_t kStreamBlock = 16 * 1024;

MHD_Result collect_query(void* cls, MHD_ValueKind, const char* key, const char* value) {
    if (key) (*static_cast<std::map<std::string, std::string>*>(cls))[key] = value ? value : "";
    return MHD_YES;
}

std::string header(const MhdLibrary& mhd, MHD_Connection* c, const char* name) {
    const char* value = mhd.lookup_connection_value(c, MHD_HEADER_KIND, name);
    return value ? value : "";
}

void log_library(void*, const char* format, va_list args) {
    char text[512];
    std::vsnprintf(text, sizeof text, format, args);
    std::size_t n = std::strlen(text);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r')) text[--n] = '\0';
    spdlog::debug("http: {}", text);
}

HttpReply unavailable() {
    return HttpReply{
        503,
        "application/json",
        R"({"error":{"code":"shutting_down","message":"the daemon is shutting down"}})",
        {}};
}

}  // namespace

// The library's callbacks, with access to the server's and exchanges' insides.
struct HttpServer::Callbacks {
    static MHD_Result access(void* cls, MHD_Connection* c, const char* url, const char* method,
                             const char*, const char* upload, size_t* upload_size, void** con_cls) {
        auto* server = static_cast<HttpServer*>(cls);
        auto*& holder = reinterpret_cast<Holder*&>(*con_cls);
        if (!holder) {
            holder = new Holder(std::make_shared<HttpExchange>(*server, c));
            read_request(*server->mhd_, **holder, c, url, method);
            return MHD_YES;
        }
        HttpExchange& exchange = **holder;
        if (*upload_size != 0) {
            HttpRequest& r = exchange.request_;
            if (r.body.size() + *upload_size > http_limits::kMaxBody)
                r.body_too_large = true;
            else
                r.body.append(upload, *upload_size);
            *upload_size = 0;
            return MHD_YES;
        }
        if (!exchange.dispatched_) {
            exchange.dispatched_ = true;
            if (server->closing_) exchange.reply_ = unavailable();
            uv::guarded("http request", [&] {
                if (!exchange.reply_) server->on_request_(*holder);
            });
            if (!exchange.reply_ && !exchange.streaming_ && server->closing_)
                exchange.reply_ = unavailable();
        }
        return answer(*server, *holder, c);
    }

    static void read_request(const MhdLibrary& mhd, HttpExchange& exchange, MHD_Connection* c,
                             const char* url, const char* method) {
        HttpRequest& r = exchange.request_;
        r.method = method;
        r.path = url;
        r.host = header(mhd, c, MHD_HTTP_HEADER_HOST);
        r.authorization = header(mhd, c, MHD_HTTP_HEADER_AUTHORIZATION);
        mhd.get_connection_values(c, MHD_GET_ARGUMENT_KIND, &collect_query, &r.query);
    }

    // Queues what the exchange has, or suspends the connection until it has
    // something: the library would otherwise call again at once.
    static MHD_Result answer(HttpServer& server, const Holder& holder, MHD_Connection* c) {
        HttpExchange& exchange = *holder;
        if (exchange.queued_) return MHD_YES;
        if (exchange.reply_) return queue_reply(*server.mhd_, exchange, c);
        if (exchange.streaming_) return queue_stream(server, holder, c);
        suspend(server, exchange);
        return MHD_YES;
    }

    static MHD_Result queue_reply(const MhdLibrary& mhd, HttpExchange& exchange,
                                  MHD_Connection* c) {
        const HttpReply& reply = *exchange.reply_;
        MHD_Response* response = mhd.create_response_from_buffer(
            reply.body.size(), const_cast<char*>(reply.body.data()), MHD_RESPMEM_MUST_COPY);
        if (!response) return MHD_NO;
        if (!reply.content_type.empty())
            mhd.add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                                    reply.content_type.c_str());
        for (const auto& [name, value] : reply.headers)
            mhd.add_response_header(response, name.c_str(), value.c_str());
        MHD_Result result = mhd.queue_response(c, static_cast<unsigned>(reply.status), response);
        mhd.destroy_response(response);
        exchange.queued_ = true;
        return result;
    }

    static MHD_Result queue_stream(HttpServer& server, const Holder& holder, MHD_Connection* c) {
        HttpExchange& exchange = *holder;
        const MhdLibrary& mhd = *server.mhd_;
        MHD_Response* response = mhd.create_response_from_callback(
            MHD_SIZE_UNKNOWN, kStreamBlock, &read_stream, new Holder(holder),
            [](void* cls) { delete static_cast<Holder*>(cls); });
        if (!response) return MHD_NO;
        mhd.add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                                exchange.reply_content_type_.c_str());
        mhd.add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
        MHD_Result result = mhd.queue_response(c, MHD_HTTP_OK, response);
        mhd.destroy_response(response);
        exchange.queued_ = true;
        server.streams_.insert(&exchange);
        return result;
    }

    static ssize_t read_stream(void* cls, uint64_t, char* buf, size_t max) {
        HttpExchange& exchange = **static_cast<Holder*>(cls);
        if (exchange.dropped_ || exchange.gone_) return MHD_CONTENT_READER_END_WITH_ERROR;
        std::size_t waiting = exchange.pending_.size() - exchange.sent_;
        if (waiting > 0) {
            std::size_t n = std::min(waiting, max);
            std::memcpy(buf, exchange.pending_.data() + exchange.sent_, n);
            exchange.sent_ += n;
            if (exchange.sent_ == exchange.pending_.size()) {
                exchange.pending_.clear();
                exchange.sent_ = 0;
            }
            return static_cast<ssize_t>(n);
        }
        if (exchange.ended_ || exchange.server_->closing_) return MHD_CONTENT_READER_END_OF_STREAM;
        suspend(*exchange.server_, exchange);
        return 0;
    }

    static void suspend(HttpServer& server, HttpExchange& exchange) {
        server.mhd_->suspend_connection(exchange.connection_);
        exchange.suspended_ = true;
        server.suspended_.insert(&exchange);
    }

    static void completed(void*, MHD_Connection*, void** con_cls, MHD_RequestTerminationCode) {
        auto* holder = static_cast<Holder*>(*con_cls);
        if (!holder) return;
        *con_cls = nullptr;
        uv::guarded("http request end", [&] { (*holder)->mark_gone(); });
        delete holder;
    }
};

void HttpExchange::reply(HttpReply reply) {
    if (gone_ || reply_ || streaming_) return;
    reply_ = std::move(reply);
    server_->wake(*this);
}

void HttpExchange::begin_stream(std::string content_type) {
    if (gone_ || reply_ || streaming_) return;
    streaming_ = true;
    reply_content_type_ = std::move(content_type);
    server_->wake(*this);
}

bool HttpExchange::write(std::string_view bytes) {
    if (gone_ || ended_ || dropped_) return false;
    if (pending_.size() - sent_ + bytes.size() > http_limits::kMaxStreamBacklog) {
        dropped_ = true;
        spdlog::info("http: dropped a client that left {} bytes of {} unread",
                     pending_.size() - sent_, request_.path);
        server_->wake(*this);
        return false;
    }
    pending_.append(bytes);
    server_->wake(*this);
    return true;
}

void HttpExchange::end() {
    if (gone_ || ended_) return;
    ended_ = true;
    server_->wake(*this);
}

void HttpExchange::mark_gone() {
    if (gone_) return;
    gone_ = true;
    connection_ = nullptr;
    server_->streams_.erase(this);
    server_->suspended_.erase(this);
    auto hooks = std::move(gone_hooks_);
    for (auto& hook : hooks) hook();
}

HttpServer::HttpServer(uv_loop_t* loop, OnRequest on_request)
    : loop_(loop), on_request_(std::move(on_request)) {}

HttpServer::~HttpServer() {
    close();
}

void HttpServer::start(int listen_fd) {
    sockaddr_storage bound{};
    socklen_t size = sizeof bound;
    ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&bound), &size);
    if (!mhd_) {
        try {
            mhd_ = std::make_unique<MhdLibrary>(MhdLibrary::load());
        } catch (const TendError&) {
            ::close(listen_fd);
            throw;
        }
    }
    unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (bound.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    daemon_ = mhd_->start_daemon(
        flags, 0, nullptr, nullptr, &Callbacks::access, this, MHD_OPTION_LISTEN_SOCKET, listen_fd,
        MHD_OPTION_CONNECTION_LIMIT, http_limits::kMaxConnections, MHD_OPTION_CONNECTION_TIMEOUT,
        http_limits::kIdleTimeoutSeconds, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        http_limits::kConnectionMemory, MHD_OPTION_NOTIFY_COMPLETED, &Callbacks::completed, this,
        MHD_OPTION_EXTERNAL_LOGGER, &log_library, this, MHD_OPTION_END);
    if (!daemon_) {
        ::close(listen_fd);
        throw TendError(ErrorCode::kInternal, "cannot start the HTTP server");
    }
    const MHD_DaemonInfo* info = mhd_->get_daemon_info(daemon_, MHD_DAEMON_INFO_EPOLL_FD);
    poll_ = uv::Handle<uv_poll_t>("http poll", uv_poll_init, loop_, this, info->epoll_fd);
    timeout_ = uv::Handle<uv_timer_t>("http timer", uv_timer_init, loop_, this);
    soon_ = uv::Handle<uv_timer_t>("http timer", uv_timer_init, loop_, this);
    keep_alive_ = uv::Handle<uv_timer_t>("http timer", uv_timer_init, loop_, this);
    uv::check(uv_poll_start(poll_.get(), UV_READABLE,
                            [](uv_poll_t* p, int, int) {
                                uv::guarded("http poll",
                                            [p] { static_cast<HttpServer*>(p->data)->run(); });
                            }),
              "uv_poll_start");
    uv_timer_start(
        keep_alive_.get(),
        [](uv_timer_t* t) {
            uv::guarded("http keep-alive",
                        [t] { static_cast<HttpServer*>(t->data)->keep_streams_alive(); });
        },
        http_limits::kStreamKeepAliveMs, http_limits::kStreamKeepAliveMs);
    arm_timeout();
}

void HttpServer::close() {
    if (!daemon_) return;
    closing_ = true;
    // Every suspended connection is resumed (the library may not stop with
    // one) and answered: 503 for a request, the end for a stream.
    for (HttpExchange* exchange : std::unordered_set<HttpExchange*>(suspended_)) {
        exchange->suspended_ = false;
        mhd_->resume_connection(exchange->connection_);
    }
    suspended_.clear();
    mhd_->run(daemon_);
    uv_poll_stop(poll_.get());
    for (HttpExchange* exchange : std::unordered_set<HttpExchange*>(suspended_))
        mhd_->resume_connection(exchange->connection_);
    suspended_.clear();
    mhd_->stop_daemon(daemon_);  // closes the listening socket and every client
    daemon_ = nullptr;
    poll_.close();
    timeout_.close();
    soon_.close();
    keep_alive_.close();
}

void HttpServer::wake(HttpExchange& exchange) {
    if (!exchange.suspended_ || !exchange.connection_ || !daemon_) return;
    exchange.suspended_ = false;
    suspended_.erase(&exchange);
    mhd_->resume_connection(exchange.connection_);
    run_soon();
}

// After a resume the library must run, but not from inside one of its own
// callbacks (a reply may be given while it calls us): once this turn ends.
void HttpServer::run_soon() {
    if (run_pending_ || !soon_) return;
    run_pending_ = true;
    uv_timer_start(
        soon_.get(),
        [](uv_timer_t* t) {
            uv::guarded("http run", [t] {
                auto* server = static_cast<HttpServer*>(t->data);
                server->run_pending_ = false;
                server->run();
            });
        },
        0, 0);
}

void HttpServer::run() {
    if (!daemon_) return;
    mhd_->run(daemon_);
    arm_timeout();
}

void HttpServer::arm_timeout() {
    MHD_UNSIGNED_LONG_LONG ms = 0;
    if (mhd_->get_timeout(daemon_, &ms) != MHD_YES) {
        uv_timer_stop(timeout_.get());
        return;
    }
    uv_timer_start(
        timeout_.get(),
        [](uv_timer_t* t) {
            uv::guarded("http timeout", [t] { static_cast<HttpServer*>(t->data)->run(); });
        },
        ms, 0);
}

// A comment line of the event-stream format: clients ignore it, and a
// write to a client that left fails, which ends its stream.
void HttpServer::keep_streams_alive() {
    for (HttpExchange* exchange : std::unordered_set<HttpExchange*>(streams_))
        exchange->write(":\n\n");
}

}  // namespace tend
