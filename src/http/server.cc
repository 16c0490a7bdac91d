// The HTTP/1.1 server. This is the only translation unit that includes Beast and Asio.
//
// One io_context runs on `threads` I/O threads; every connection is a Session on its own strand, so
// a session's state is touched by one thread at a time and the hot path takes no locks (the access
// log sink's mutex aside). A parsed request goes to the WorkerPool (worker_threads, at most
// worker_queue waiting: 503 with Retry-After beyond), whose thread runs the handler and posts the
// response back to the session's strand; while it runs, nothing on the strand touches the request
// or the response. The inline handler (cached reads that never block) answers on the I/O thread
// and skips the two thread hand-offs. Requests are parsed with Beast's request_parser; responses are written
// as two buffers (a header block built in a per-session string whose capacity is reused, and the
// handler's body), which avoids Beast's per-field allocations for the dozen headers every response
// carries.
//
// Request framing is strict (RFC 9112), so that no proxy in front can read a request's length
// differently from us (request smuggling): the header block is collected and checked for obs-fold
// and bare line feeds before Beast parses it; then exactly one Host in HTTP/1.1, Content-Length
// at most once and never with Transfer-Encoding, and no transfer coding but a lone `chunked`
// (501 otherwise). Every such error answers and closes the connection.
//
// Connections are limited in total (max_connections) and per client address
// (max_connections_per_address; not applied behind a trusted proxy, whose address every
// connection has). At a limit, a new connection makes room by closing the longest-idle connection
// of the address with the most connections (of its own address, for the per-address limit); with
// nothing idle it is closed at once. When accept fails for want of descriptors (EMFILE), idle
// connections are closed and accepting resumes after a short, growing pause instead of spinning.
// Repeated warnings (refusals, accept failures) are rate-limited to a line per 10 s.
//
// Connection phases and timeouts (beast::tcp_stream expiry):
//   idle     waiting for the first byte of the next request   idle_timeout_seconds
//   reading  header and body of one request                   read_timeout_seconds, whole request
//   handling the handler runs (no I/O pending)
//   writing  the response                                     write_timeout_seconds
// Shutdown (SIGTERM/SIGINT) closes the acceptor, closes idle sessions, lets the others finish the
// request in flight and answer it with `Connection: close`, and stops the io_context when the last
// session is gone or when shutdown_grace_seconds have passed.
#include "http/server.h"

#include "http/wire.h"
#include "http/worker_pool.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <sys/resource.h>

#include <cerrno>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace tongban::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kMaxHeaderBytes = 32 * 1024;  // bearer tokens and cookies fit comfortably
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::string_view kServerName = "Tongban";
constexpr auto kWarningInterval = std::chrono::seconds(10);  // one line per repeated warning
constexpr auto kFirstAcceptPause = std::chrono::milliseconds(10);
constexpr auto kLongestAcceptPause = std::chrono::seconds(1);
constexpr size_t kReservedDescriptors = 256;  // files, database connections, the process itself

// Sent on every response unless the handler set the same header itself.
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kSecurityHeaders = {{
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
     "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
    {"X-Frame-Options", "DENY"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
}};

// Headers the server owns; a handler's copy is dropped.
constexpr std::array<std::string_view, 6> kServerOwnedHeaders = {
    "content-length", "transfer-encoding", "connection", "date", "server", "x-request-id"};

// Writes access-log lines to stdout as they are (LogAccess formats the whole JSON line, time and
// newline included), without flushing each one: the server flushes once a second and at shutdown,
// so a busy server does not pay a write(2) per request. No sink mutex (the pattern formatter, which
// would need one, is not used); one fwrite per line keeps lines whole under stdio's own lock.
class BufferedStdoutSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::fwrite(msg.payload.data(), 1, msg.payload.size(), stdout);
  }
  void flush_() override { std::fflush(stdout); }
};

using wire::AppendJsonEscaped;
using wire::AppendNumber;
using wire::AppendUtcTimestamp;
using wire::EqualsIgnoreCase;
using wire::ErrorBody;
using wire::HttpDate;
using wire::IsAcceptableRequestId;
using wire::NewRequestId;

// An error the server answers by itself: status, API error code, message key and the English
// text used when no translation hook is set.
struct ServerError {
  int status;
  std::string_view code;
  std::string_view key;
  std::string_view english;
};

constexpr ServerError kMalformed{400, "invalid_argument", "error.http.malformed", "The request is not valid HTTP/1.1."};
constexpr ServerError kBodyTooLarge{
    413, "payload_too_large", "error.http.body_too_large",
    "The request body is too large. Send a smaller body or upload the files one by one."};
constexpr ServerError kHeadersTooLarge{431, "invalid_argument", "error.http.headers_too_large",
                                       "The request headers are too large."};
constexpr ServerError kHostRequired{400, "invalid_argument", "error.http.host",
                                    "Send exactly one Host header; HTTP/1.1 requires it."};
constexpr ServerError kFoldedHeader{400, "invalid_argument", "error.http.folded_header",
                                    "A header is folded over several lines. Send each header on one line."};
constexpr ServerError kAmbiguousLength{
    400, "invalid_argument", "error.http.framing",
    "The request's length is ambiguous. Send one Content-Length, or Transfer-Encoding: chunked, not both."};
constexpr ServerError kBusy{503, "unavailable", "error.http.busy", "The server is busy. Try again in a moment."};
constexpr ServerError kTransferCoding{
    501, "invalid_argument", "error.http.transfer_coding",
    "This transfer coding is not supported. Send the body with Content-Length or Transfer-Encoding: chunked."};

// Writes `message` as a warning unless `limiter` held it back; says how many were held back.
void WarnLimited(wire::LogLimiter& limiter, std::string_view message) {
  uint64_t suppressed = 0;
  if (!limiter.Allow(Clock::now(), suppressed)) return;
  if (suppressed == 0) {
    spdlog::warn("{}", message);
  } else {
    spdlog::warn("{} (and {} more like this since the previous line)", message, suppressed);
  }
}

class Session;

// The open connections of one client address.
struct AddressConnections {
  size_t open = 0;
  size_t claimed = 0;  // of which picked to be closed to make room
  std::vector<Session*> sessions;
};

// Everything the sessions share. Outlives the io_context (declared before it in RunServer).
struct ServerState {
  ServerOptions options;
  std::function<Response(Request&)> handler;
  std::function<std::optional<Response>(Request&)> inline_handler;
  std::function<std::string(const Request&, std::string_view key)> error_text;
  std::shared_ptr<spdlog::logger> access_log;  // null when access logging is off
  net::io_context* ioc = nullptr;
  WorkerPool* pool = nullptr;

  std::atomic<bool> stopping{false};
  // Sessions whose handler answered Later (it waits on another system, holding no thread): kept
  // alive here until resumed; dropped when RunServer tears down, after which a late Resume is a
  // no-op (the gate is closed).
  struct Waiting {
    std::mutex mutex;
    bool open = true;
    std::unordered_map<Session*, std::shared_ptr<Session>> sessions;
  };
  std::shared_ptr<Waiting> waiting = std::make_shared<Waiting>();
  // Taken when a connection opens or closes (and to make room), never per request.
  std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::unordered_map<std::string, AddressConnections> addresses;
  size_t claimed = 0;  // sessions picked to be closed to make room that are not gone yet
  bool io_running = true;  // false once RunServer is tearing the io_context down

  wire::LogLimiter refused_log{kWarningInterval};
  wire::LogLimiter accept_log{kWarningInterval};
  wire::LogLimiter busy_log{kWarningInterval};
  Clock::duration accept_pause{};  // the accept loop's current pause after running out of descriptors

  enum class Admission { kAdmitted, kShuttingDown, kAddressFull, kServerFull };
  // Registers a new session, first picking idle sessions to close when a limit is reached (added
  // to `to_close`; the caller closes them once the lock is released).
  Admission Register(Session* session, std::vector<std::shared_ptr<Session>>& to_close);
  void Unregister(Session* session);
  // Picks up to `count` idle sessions to close, of the addresses with the most connections and
  // the longest idle first (when descriptors run out). Returns how many.
  size_t ClaimIdle(size_t count, std::vector<std::shared_ptr<Session>>& to_close);

 private:
  bool Claim(Session* session, std::vector<std::shared_ptr<Session>>& to_close);  // needs sessions_mutex
  size_t ClaimIdleLocked(size_t count, std::vector<std::shared_ptr<Session>>& to_close);
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerState& state) : stream_(std::move(socket)), state_(state) {
    beast::error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_address_ = peer.address().to_string();
  }
  ~Session() {
    if (registered_) state_.Unregister(this);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Admits the connection (closing idle ones to make room) or closes it.
  void Start() {
    std::vector<std::shared_ptr<Session>> to_close;
    const auto admission = state_.Register(this, to_close);
    CloseToMakeRoom(to_close);
    if (admission != ServerState::Admission::kAdmitted) {
      beast::error_code ec;
      stream_.socket().close(ec);
      if (admission == ServerState::Admission::kAddressFull) {
        WarnLimited(state_.refused_log,
                    fmt::format("refused a connection: {} connections from its address are open, none idle "
                                "(max_connections_per_address)",
                                state_.options.max_connections_per_address));
      } else if (admission == ServerState::Admission::kServerFull) {
        WarnLimited(state_.refused_log,
                    fmt::format("refused a connection: {} connections are open, none idle (max_connections)",
                                state_.options.max_connections));
      }
      return;
    }
    registered_ = true;
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
  }

  // Asks each session, on its strand, to close (outside sessions_mutex: the last reference to a
  // session may go here, and its destructor takes the mutex).
  static void CloseToMakeRoom(std::vector<std::shared_ptr<Session>>& sessions) {
    for (auto& session : sessions) net::post(session->Executor(), [session] { session->OnClaimed(); });
    sessions.clear();
  }

  net::any_io_executor Executor() { return stream_.get_executor(); }
  const std::string& PeerAddress() const { return peer_address_; }

  // Read by the connection table under sessions_mutex; written on the strand.
  Clock::rep IdleSince() const { return idle_since_.load(std::memory_order_relaxed); }
  bool Claimed() const { return claimed_.load(std::memory_order_relaxed); }
  // Written under sessions_mutex only.
  void SetClaimed() { claimed_.store(true, std::memory_order_relaxed); }
  AddressConnections* address_connections = nullptr;

  // Called on the session's strand when shutdown begins: an idle connection is closed now; one
  // in the middle of a request finishes it (the response says `Connection: close`).
  void OnShutdown() {
    if (phase_ == Phase::kIdle) stream_.close();
  }

 private:
  enum class Phase { kIdle, kReading, kHandling, kWriting, kClosing };

  // Called on the strand once the connection table picked this session to make room: an idle
  // (or lingering) connection closes now; a busy one after its response (Connection: close).
  void OnClaimed() {
    if (phase_ == Phase::kIdle || phase_ == Phase::kClosing) Close();
  }

  void MarkIdle() {
    idle_since_.store(std::max<Clock::rep>(1, Clock::now().time_since_epoch().count()), std::memory_order_relaxed);
  }
  void MarkBusy() { idle_since_.store(0, std::memory_order_relaxed); }

  void WaitForRequest() {
    if (state_.stopping.load() || Claimed()) return Close();
    if (buffer_.size() > 0) return ReadHeader();  // a pipelined request is already buffered
    phase_ = Phase::kIdle;
    MarkIdle();
    stream_.expires_after(std::chrono::seconds(state_.options.idle_timeout_seconds));
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->MarkBusy();
                              self->buffer_.commit(n);
                              if (ec) return self->Close();  // timeout, EOF, reset or shutdown
                              self->ReadHeader();
                            });
  }

  void ReadHeader() {
    phase_ = Phase::kReading;
    started_ = Clock::now();
    parser_.emplace();
    parser_->body_limit(state_.options.max_body_bytes);
    parser_->header_limit(kMaxHeaderBytes);
    stream_.expires_after(std::chrono::seconds(state_.options.read_timeout_seconds));
    header_scanned_ = 0;
    CollectHeader();
  }

  std::string_view Buffered() const {
    return {static_cast<const char*>(buffer_.data().data()), buffer_.size()};
  }

  // Reads until the buffer holds the whole header block, checks its raw lines, then parses it.
  void CollectHeader() {
    const std::string_view data = Buffered();
    const size_t end = data.find("\r\n\r\n", header_scanned_ > 3 ? header_scanned_ - 3 : 0);
    if (end == std::string_view::npos) {
      if (wire::HasBareLineFeed(data.substr(header_scanned_ > 0 ? header_scanned_ - 1 : 0))) {
        return RespondWithError(kMalformed);
      }
      if (data.size() >= kMaxHeaderBytes) return RespondWithError(kHeadersTooLarge);
      header_scanned_ = data.size();
      stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t n) {
        self->buffer_.commit(n);
        if (ec) return self->Close();  // timeout, EOF, reset or shutdown in the middle of a header
        self->CollectHeader();
      });
      return;
    }
    const std::string_view block = data.substr(0, end + 4);
    if (block.size() > kMaxHeaderBytes) return RespondWithError(kHeadersTooLarge);
    if (wire::HasBareLineFeed(block)) return RespondWithError(kMalformed);
    // Beast reads obs-fold as spaces; parse anyway so that the answer is in the request's language.
    folded_ = wire::HasObsFold(block);
    beast::error_code ec;
    const size_t used = parser_->put(net::buffer(block.data(), block.size()), ec);
    buffer_.consume(used);
    if (!ec && !parser_->is_header_done()) ec = bhttp::error::partial_message;
    OnHeader(ec);
  }

  // The framing rules Beast does not enforce; nullptr when the header is acceptable.
  const ServerError* CheckFraming() const {
    if (folded_) return &kFoldedHeader;
    const auto& msg = parser_->get();
    size_t hosts = 0, lengths = 0, codings = 0;
    bool length_list = false;
    std::string transfer_encoding;
    for (const auto& field : msg) {
      switch (field.name()) {
        case bhttp::field::host:
          ++hosts;
          break;
        case bhttp::field::content_length:
          ++lengths;
          length_list = length_list || field.value().find(',') != beast::string_view::npos;
          break;
        case bhttp::field::transfer_encoding:
          if (codings++ > 0) transfer_encoding += ',';
          transfer_encoding.append(field.value().data(), field.value().size());
          break;
        default:
          break;
      }
    }
    if (lengths > 1 || length_list || (lengths > 0 && codings > 0)) return &kAmbiguousLength;
    if (hosts > 1 || (hosts == 0 && msg.version() >= 11)) return &kHostRequired;
    if (codings > 0) {
      if (msg.version() < 11) return &kAmbiguousLength;  // HTTP/1.0 has no transfer codings
      if (!wire::IsChunkedOnly(transfer_encoding)) return &kTransferCoding;
    }
    return nullptr;
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    if (const ServerError* error = CheckFraming()) return RespondWithError(*error);
    if (parser_->is_done()) return Handle();
    const auto expect = parser_->get()[bhttp::field::expect];
    if (EqualsIgnoreCase(std::string_view(expect.data(), expect.size()), "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         if (ec) return self->Close();
                         self->ReadBody();
                       });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->OnReadError(ec);
                        self->Handle();
                      });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return RespondWithError(kBodyTooLarge);
    if (ec == bhttp::error::header_limit) return RespondWithError(kHeadersTooLarge);
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return RespondWithError(kMalformed);
    }
    Close();  // timeout, the peer went away, or shutdown
  }

  // The message text of `error` in the request's language (when the header was read).
  std::string ErrorText(const ServerError& error) const {
    if (state_.error_text) return state_.error_text(request_, error.key);
    return std::string(error.english);
  }

  // Answers an error found while reading a request and closes the connection afterwards.
  void RespondWithError(const ServerError& error) {
    phase_ = Phase::kHandling;
    http_10_ = false;
    if (parser_ && parser_->is_header_done()) {
      FillRequest();
      http_10_ = parser_->get().version() == 10;
    } else {
      request_ = Request{};
      NewRequestId(request_.request_id);
      request_.remote_address = peer_address_;
    }
    response_ = Response{};
    response_.status = error.status;
    response_.body = ErrorBody(error.code, ErrorText(error), request_.request_id);
    WriteResponse(/*keep_alive=*/false, /*head_only=*/false);
  }

  void FillRequest() {
    auto& msg = parser_->get();
    Request& req = request_;
    req.method.assign(msg.method_string().data(), msg.method_string().size());
    req.target.assign(msg.target().data(), msg.target().size());
    const std::string_view target(req.target);
    const size_t question = target.find('?');
    req.path = PercentDecode(target.substr(0, question), false);
    req.query.clear();
    if (question != std::string_view::npos) req.query = ParseFormEncoded(target.substr(question + 1));

    // Reuse the header strings' capacity from the previous request on this connection.
    size_t count = 0;
    for (const auto& field : msg) {
      const auto name = field.name_string();
      const auto value = field.value();
      if (count == req.headers.size()) req.headers.emplace_back();
      auto& [lower, text] = req.headers[count++];
      lower.assign(name.data(), name.size());
      for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      text.assign(value.data(), value.size());
    }
    req.headers.resize(count);
    req.body = std::move(msg.body());
    req.params.clear();

    const std::string_view incoming_id = req.Header("x-request-id");
    if (IsAcceptableRequestId(incoming_id)) {
      req.request_id.assign(incoming_id);
    } else {
      NewRequestId(req.request_id);
    }

    req.remote_address = peer_address_;
    if (state_.options.trust_forwarded_for) {
      std::string_view forwarded = req.Header("x-forwarded-for");
      forwarded = forwarded.substr(0, forwarded.find(','));
      while (!forwarded.empty() && forwarded.front() == ' ') forwarded.remove_prefix(1);
      while (!forwarded.empty() && forwarded.back() == ' ') forwarded.remove_suffix(1);
      if (!forwarded.empty()) req.remote_address.assign(forwarded);
    }
  }

  void Handle() {
    phase_ = Phase::kHandling;
    request_keep_alive_ = parser_->get().keep_alive();
    http_10_ = parser_->get().version() == 10;
    FillRequest();
    head_only_ = request_.method == "HEAD";
    if (state_.inline_handler && RunHandler(state_.inline_handler)) {
      return WriteResponse(request_keep_alive_, head_only_);
    }
    auto self = shared_from_this();
    const bool queued = state_.pool->TrySubmit([self] {
      // On a worker thread: the strand leaves request_ and response_ alone until the post.
      self->RunOnWorker([&self](Request& req) { return std::optional<Response>(self->state_.handler(req)); });
    });
    if (!queued) RespondBusy();
  }

  // On a worker thread: runs `handler`, then posts the write, or parks the session when the
  // handler answered Later.
  template <typename Handler>
  void RunOnWorker(const Handler& handler) {
    RunHandler(handler);
    if (response_.later) return Park();
    net::post(stream_.get_executor(),
              [self = shared_from_this()] { self->WriteResponse(self->request_keep_alive_, self->head_only_); });
  }

  // Starts the handler's asynchronous work; its Resume runs the continuation on a worker thread.
  void Park() {
    auto start = std::move(response_.later);
    response_.later = nullptr;
    const auto waiting = state_.waiting;
    {
      std::lock_guard lock(waiting->mutex);
      if (!waiting->open) return;
      waiting->sessions[this] = shared_from_this();
    }
    start([waiting, key = this](std::function<Response()> next) {
      std::shared_ptr<Session> self;
      {
        std::lock_guard lock(waiting->mutex);
        auto it = waiting->sessions.find(key);
        if (!waiting->open || it == waiting->sessions.end()) return;
        self = std::move(it->second);
        waiting->sessions.erase(it);
      }
      const bool queued = self->state_.pool->TrySubmit([self, next = std::move(next)] {
        self->RunOnWorker([&next](Request&) { return std::optional<Response>(next()); });
      });
      if (!queued) net::post(self->stream_.get_executor(), [self] { self->RespondBusy(); });
    });
  }

  // Runs `handler` on request_ into response_ (500 when it throws or answers a status that is not
  // one). False when the handler declined (returned nullopt).
  template <typename Handler>
  bool RunHandler(const Handler& handler) {
    try {
      std::optional<Response> answer = handler(request_);
      if (!answer) return false;
      response_ = std::move(*answer);
      if (response_.status < 100 || response_.status > 599) {
        throw std::runtime_error("handler answered status " + std::to_string(response_.status));
      }
    } catch (const std::exception& e) {
      spdlog::error("request {} {} {} failed: {}", request_.request_id, request_.method, request_.path, e.what());
      response_ = InternalError();
    } catch (...) {
      spdlog::error("request {} {} {} failed with a non-standard exception", request_.request_id, request_.method,
                    request_.path);
      response_ = InternalError();
    }
    return true;
  }

  // Every worker is busy and worker_queue requests wait already: answer now, on the I/O thread.
  void RespondBusy() {
    WarnLimited(state_.busy_log,
                fmt::format("answered 503: {} requests are waiting for a worker thread (worker_queue)",
                            state_.options.worker_queue));
    response_ = Response{};
    response_.status = kBusy.status;
    response_.AddHeader("Retry-After", "1");
    response_.body = ErrorBody(kBusy.code, ErrorText(kBusy), request_.request_id);
    WriteResponse(request_keep_alive_, head_only_);
  }

  Response InternalError() const {
    Response res;
    res.status = 500;
    res.body = ErrorBody("internal", "Internal error; quote the request id", request_.request_id);
    return res;
  }

  void WriteResponse(bool keep_alive, bool head_only) {
    phase_ = Phase::kWriting;
    // Read after the handler returned: a request that was in flight when shutdown began closes.
    keep_alive_ = keep_alive && !state_.stopping.load() && !Claimed();
    const Response& res = response_;
    const int status = res.status;
    const bool no_body_allowed = status < 200 || status == 204 || status == 304;

    std::string& head = head_;
    head.clear();
    head += "HTTP/1.1 ";
    AppendNumber(head, static_cast<uint64_t>(status));
    head += ' ';
    const auto reason = bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(status)));
    head.append(reason.data(), reason.size());
    head += "\r\nServer: ";
    head += kServerName;
    head += "\r\nDate: ";
    head += HttpDate();
    head += "\r\n";
    if (!res.content_type.empty() && !no_body_allowed) {
      head += "Content-Type: ";
      head += res.content_type;
      head += "\r\n";
    }
    if (status >= 200 && status != 204) {
      head += "Content-Length: ";
      AppendNumber(head, res.body.size());
      head += "\r\n";
    }
    head += "X-Request-Id: ";
    head += request_.request_id;
    head += "\r\n";

    uint32_t handler_set = 0;  // bit i: the handler set kSecurityHeaders[i]; bit 31: Cache-Control
    for (const auto& [name, value] : res.headers) {
      if (name.empty() || name.find_first_of("\r\n:") != std::string::npos ||
          value.find_first_of("\r\n") != std::string::npos) {
        spdlog::warn("request {}: dropped a response header with an invalid name or value", request_.request_id);
        continue;
      }
      bool owned = false;
      for (const auto owned_name : kServerOwnedHeaders) owned = owned || EqualsIgnoreCase(name, owned_name);
      if (owned) continue;
      for (size_t i = 0; i < kSecurityHeaders.size(); ++i) {
        if (EqualsIgnoreCase(name, kSecurityHeaders[i].first)) handler_set |= 1u << i;
      }
      if (EqualsIgnoreCase(name, "cache-control")) handler_set |= 1u << 31;
      head += name;
      head += ": ";
      head += value;
      head += "\r\n";
    }
    for (size_t i = 0; i < kSecurityHeaders.size(); ++i) {
      if (handler_set & (1u << i)) continue;
      head += kSecurityHeaders[i].first;
      head += ": ";
      head += kSecurityHeaders[i].second;
      head += "\r\n";
    }
    if (!(handler_set & (1u << 31))) head += "Cache-Control: no-store\r\n";
    if (!keep_alive_) {
      head += "Connection: close\r\n";
    } else if (http_10_) {
      head += "Connection: keep-alive\r\n";
    }
    head += "\r\n";

    const bool send_body = !head_only && !no_body_allowed;
    body_bytes_ = send_body ? res.body.size() : 0;
    const std::array<net::const_buffer, 2> buffers = {net::buffer(head), net::buffer(res.body.data(), body_bytes_)};
    stream_.expires_after(std::chrono::seconds(state_.options.write_timeout_seconds));
    net::async_write(stream_, buffers, [self = shared_from_this()](beast::error_code ec, size_t) {
      self->LogAccess();
      if (ec) return self->Close();
      if (!self->keep_alive_) return self->CloseGracefully();
      self->WaitForRequest();
    });
  }

  // One JSON line per request. Never the query string, body, cookies or Authorization.
  void LogAccess() {
    if (!state_.access_log) return;
    const double duration_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
    thread_local std::string line;
    line.clear();
    line += R"({"time":")";
    AppendUtcTimestamp(line);
    line += R"(","type":"access","method":")";
    AppendJsonEscaped(line, request_.method);
    line += R"(","path":")";
    AppendJsonEscaped(line, request_.path);
    line += R"(","status":)";
    AppendNumber(line, static_cast<uint64_t>(response_.status));
    line += R"(,"bytes":)";
    AppendNumber(line, body_bytes_);
    line += R"(,"duration_ms":)";
    std::array<char, 32> number;
    const auto result = std::to_chars(number.data(), number.data() + number.size(), duration_ms,
                                      std::chars_format::fixed, 3);
    line.append(number.data(), result.ptr);
    line += R"(,"request_id":")";
    AppendJsonEscaped(line, request_.request_id);
    line += R"(","remote":")";
    AppendJsonEscaped(line, request_.remote_address);
    line += "\"}\n";
    state_.access_log->info(std::string_view(line));
  }

  // Half-closes and drains what the client is still sending (for instance the rest of a body that
  // got 413) for a short while, so that closing does not reset the connection before the client
  // has read the response.
  void CloseGracefully() {
    phase_ = Phase::kClosing;
    MarkIdle();  // lingering only: the first to go when room is needed
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    stream_.expires_after(kLingerTime);
    Drain();
  }

  void Drain() {
    stream_.async_read_some(net::buffer(drain_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      self->Drain();
    });
  }

  void Close() {
    phase_ = Phase::kClosing;
    MarkBusy();
    stream_.close();
  }

  beast::tcp_stream stream_;
  ServerState& state_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Request request_;
  Response response_;
  std::string head_;
  std::string peer_address_;
  std::array<char, 4096> drain_{};
  Clock::time_point started_{};
  size_t header_scanned_ = 0;  // bytes of the buffer already searched for the end of the header
  size_t body_bytes_ = 0;
  Phase phase_ = Phase::kIdle;
  bool keep_alive_ = false;
  bool request_keep_alive_ = false;  // the request asked to keep the connection
  bool head_only_ = false;
  bool http_10_ = false;
  bool folded_ = false;  // the header block being parsed has obs-fold
  bool registered_ = false;
  std::atomic<Clock::rep> idle_since_{0};  // when it began waiting for a request; 0 while busy
  std::atomic<bool> claimed_{false};       // picked to be closed to make room
};

ServerState::Admission ServerState::Register(Session* session, std::vector<std::shared_ptr<Session>>& to_close) {
  std::lock_guard lock(sessions_mutex);
  if (stopping.load()) return Admission::kShuttingDown;
  const std::string& address = session->PeerAddress();
  const size_t per_address = options.max_connections_per_address;
  auto existing = addresses.find(address);
  if (per_address > 0 && existing != addresses.end() && existing->second.open - existing->second.claimed >= per_address) {
    // Make room among the address's own connections: the one idle the longest.
    Session* oldest = nullptr;
    for (Session* candidate : existing->second.sessions) {
      const auto since = candidate->IdleSince();
      if (since == 0 || candidate->Claimed()) continue;
      if (oldest == nullptr || since < oldest->IdleSince()) oldest = candidate;
    }
    if (oldest == nullptr || !Claim(oldest, to_close)) return Admission::kAddressFull;
  }
  if (sessions.size() - claimed >= options.max_connections) {
    // A batch, so that a burst of new connections does not scan every session each time.
    const size_t batch = std::max<size_t>(1, options.max_connections / 64);
    if (ClaimIdleLocked(batch, to_close) == 0) return Admission::kServerFull;
  }
  sessions.emplace(session, session->weak_from_this());
  AddressConnections& entry = existing != addresses.end() ? existing->second : addresses[address];
  ++entry.open;
  entry.sessions.push_back(session);
  session->address_connections = &entry;  // unordered_map nodes do not move
  return Admission::kAdmitted;
}

void ServerState::Unregister(Session* session) {
  std::lock_guard lock(sessions_mutex);
  sessions.erase(session);
  if (session->Claimed()) --claimed;
  if (AddressConnections* entry = session->address_connections) {
    if (session->Claimed()) --entry->claimed;
    --entry->open;
    auto& list = entry->sessions;
    list.erase(std::find(list.begin(), list.end(), session));
    if (entry->open == 0) addresses.erase(session->PeerAddress());
  }
  if (stopping.load() && sessions.empty() && io_running) ioc->stop();
}

bool ServerState::Claim(Session* session, std::vector<std::shared_ptr<Session>>& to_close) {
  auto it = sessions.find(session);
  if (it == sessions.end()) return false;
  auto strong = it->second.lock();
  if (!strong) return false;  // being destroyed; it is about to leave anyway
  session->SetClaimed();
  ++claimed;
  if (session->address_connections != nullptr) ++session->address_connections->claimed;
  to_close.push_back(std::move(strong));
  return true;
}

size_t ServerState::ClaimIdle(size_t count, std::vector<std::shared_ptr<Session>>& to_close) {
  std::lock_guard lock(sessions_mutex);
  return ClaimIdleLocked(count, to_close);
}

size_t ServerState::ClaimIdleLocked(size_t count, std::vector<std::shared_ptr<Session>>& to_close) {
  struct Candidate {
    size_t address_open;
    Clock::rep idle_since;
    Session* session;
  };
  std::vector<Candidate> candidates;
  for (const auto& [session, weak] : sessions) {
    const auto since = session->IdleSince();
    if (since == 0 || session->Claimed()) continue;
    const AddressConnections* entry = session->address_connections;
    candidates.push_back({entry != nullptr ? entry->open - entry->claimed : 0, since, session});
  }
  const auto first = [](const Candidate& a, const Candidate& b) {
    return a.address_open != b.address_open ? a.address_open > b.address_open : a.idle_since < b.idle_since;
  };
  const size_t n = std::min(count, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(n), candidates.end(), first);
  size_t claimed_now = 0;
  for (size_t i = 0; i < n; ++i) claimed_now += Claim(candidates[i].session, to_close) ? 1 : 0;
  return claimed_now;
}

bool OutOfDescriptors(const beast::error_code& ec) {
  if (ec.category() != boost::system::system_category()) return false;
  const int value = ec.value();
  return value == EMFILE || value == ENFILE || value == ENOBUFS || value == ENOMEM;
}

void Accept(tcp::acceptor& acceptor, net::steady_timer& pause, ServerState& state) {
  acceptor.async_accept(net::make_strand(*state.ioc), [&acceptor, &pause, &state](beast::error_code ec,
                                                                                   tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;  // shutdown
    if (!ec) {
      state.accept_pause = {};
      std::make_shared<Session>(std::move(socket), state)->Start();
      return Accept(acceptor, pause, state);
    }
    if (!OutOfDescriptors(ec)) {
      // The connection failed (reset while queued, ...): the next one may be fine.
      WarnLimited(state.accept_log, fmt::format("accept failed: {}", ec.message()));
      return Accept(acceptor, pause, state);
    }
    // The connection stays queued in the kernel, so accepting again now would fail at once: free
    // descriptors by closing idle connections, then pause, longer each time nothing changes.
    std::vector<std::shared_ptr<Session>> to_close;
    size_t open = 0;
    {
      std::lock_guard lock(state.sessions_mutex);
      open = state.sessions.size();
    }
    const size_t closing = state.ClaimIdle(std::max<size_t>(8, open / 8), to_close);
    Session::CloseToMakeRoom(to_close);
    state.accept_pause = state.accept_pause == Clock::duration{}
                             ? Clock::duration(kFirstAcceptPause)
                             : std::min<Clock::duration>(state.accept_pause * 2, kLongestAcceptPause);
    WarnLimited(state.accept_log,
                fmt::format("accept failed: {} ({} connections open); closing {} idle connection(s), accepting again "
                            "in {} ms",
                            ec.message(), open, closing,
                            std::chrono::duration_cast<std::chrono::milliseconds>(state.accept_pause).count()));
    pause.expires_after(state.accept_pause);
    pause.async_wait([&acceptor, &pause, &state](beast::error_code ec) {
      if (ec || !acceptor.is_open()) return;
      Accept(acceptor, pause, state);
    });
  });
}

// Raises the soft open-file limit towards the hard one so that max_connections fit; warns when
// they cannot (running out is survivable: idle connections are closed to make room).
void FitOpenFileLimit(size_t max_connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return;
  const rlim_t wanted = static_cast<rlim_t>(max_connections) + kReservedDescriptors;
  if (limit.rlim_cur < wanted) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur < wanted) {
    spdlog::warn("the open-file limit ({}) is below max_connections + {} ({}); when descriptors run out, idle "
                 "connections are closed to make room (raise LimitNOFILE, or lower max_connections)",
                 limit.rlim_cur, kReservedDescriptors, wanted);
  }
}

void FlushAccessLogPeriodically(net::steady_timer& timer, ServerState& state) {
  timer.expires_after(std::chrono::seconds(1));
  timer.async_wait([&timer, &state](beast::error_code ec) {
    if (ec) return;
    state.access_log->flush();
    FlushAccessLogPeriodically(timer, state);
  });
}

std::optional<tcp::endpoint> ResolveListenAddress(net::io_context& ioc, const ServerOptions& options) {
  beast::error_code ec;
  const auto address = net::ip::make_address(options.host, ec);
  if (!ec) return tcp::endpoint(address, options.port);
  tcp::resolver resolver(ioc);
  const auto results = resolver.resolve(options.host, std::to_string(options.port), ec);
  if (ec || results.empty()) {
    spdlog::error("cannot listen on {}:{}: the host does not resolve ({})", options.host, options.port,
                  ec ? ec.message() : "no addresses");
    return std::nullopt;
  }
  return results.begin()->endpoint();
}

}  // namespace

int RunServer(const ServerOptions& options, std::function<Response(Request&)> handler,
              std::function<void(uint16_t port)> on_ready) {
  ServerHooks hooks;
  hooks.handler = std::move(handler);
  hooks.on_ready = std::move(on_ready);
  return RunServer(options, std::move(hooks));
}

int RunServer(const ServerOptions& options, ServerHooks hooks) {
  ServerState state;  // declared before the io_context: sessions reference it while it is destroyed
  state.options = options;
  state.options.threads = std::max(1, options.threads);
  state.options.max_connections = std::max<size_t>(1, options.max_connections);
  if (state.options.trust_forwarded_for && state.options.max_connections_per_address > 0) {
    // Every connection comes from the proxy; it limits its clients (nginx: limit_conn).
    spdlog::info("max_connections_per_address is not applied behind a proxy (trust_forwarded_for)");
    state.options.max_connections_per_address = 0;
  }
  FitOpenFileLimit(state.options.max_connections);
  state.options.worker_threads = std::max(1, options.worker_threads);
  state.options.worker_queue = std::max<size_t>(1, options.worker_queue);
  state.handler = std::move(hooks.handler);
  state.inline_handler = std::move(hooks.inline_handler);
  state.error_text = std::move(hooks.error_text);
  auto on_ready = std::move(hooks.on_ready);
  if (options.access_log) {
    auto sink = std::make_shared<BufferedStdoutSink>();
    state.access_log = std::make_shared<spdlog::logger>("access", std::move(sink));
    state.access_log->set_level(spdlog::level::info);
    state.access_log->flush_on(spdlog::level::off);
  }

  net::io_context ioc(state.options.threads);
  state.ioc = &ioc;
  // After the io_context: stopped (its queued requests dropped) while the io_context still exists.
  WorkerPool pool(state.options.worker_threads, state.options.worker_queue);
  state.pool = &pool;

  const auto endpoint = ResolveListenAddress(ioc, options);
  if (!endpoint) return 1;
  tcp::acceptor acceptor(ioc);
  beast::error_code ec;
  acceptor.open(endpoint->protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(*endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    spdlog::error("cannot listen on {}:{}: {}", options.host, options.port, ec.message());
    return 1;
  }
  const uint16_t port = acceptor.local_endpoint().port();

  net::signal_set signals(ioc, SIGTERM, SIGINT);
  net::steady_timer grace_timer(ioc);
  net::steady_timer flush_timer(ioc);
  net::steady_timer accept_pause(ioc);

  signals.async_wait([&](beast::error_code ec, int signal_number) {
    if (ec) return;
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(state.sessions_mutex);
      state.stopping.store(true);
      for (auto& [raw, weak] : state.sessions) {
        if (auto session = weak.lock()) live.push_back(std::move(session));
      }
    }
    spdlog::info("received signal {}: no longer accepting; finishing {} open connection(s), waiting at most {} s",
                 signal_number, live.size(), state.options.shutdown_grace_seconds);
    beast::error_code ignored;
    acceptor.close(ignored);
    flush_timer.cancel();
    accept_pause.cancel();
    grace_timer.expires_after(std::chrono::seconds(state.options.shutdown_grace_seconds));
    grace_timer.async_wait([&](beast::error_code ec) {
      if (ec) return;
      spdlog::warn("shutdown grace period over; closing the remaining connections");
      ioc.stop();
    });
    for (auto& session : live) {
      // Not dispatch: the session's strand may be busy in another thread.
      net::post(session->Executor(), [session] { session->OnShutdown(); });
    }
    live.clear();  // the sessions' own handlers keep them alive; the last one out stops ioc
    std::lock_guard lock(state.sessions_mutex);
    if (state.sessions.empty()) ioc.stop();
  });

  Accept(acceptor, accept_pause, state);
  if (state.access_log) FlushAccessLogPeriodically(flush_timer, state);
  spdlog::info("listening on http://{}:{} with {} I/O thread(s) and {} worker thread(s)",
               endpoint->address().to_string(), port, state.options.threads, state.options.worker_threads);
  if (on_ready) on_ready(port);

  std::vector<std::thread> io_threads;
  io_threads.reserve(static_cast<size_t>(state.options.threads - 1));
  for (int i = 1; i < state.options.threads; ++i) io_threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& thread : io_threads) thread.join();

  {
    std::lock_guard lock(state.sessions_mutex);
    state.io_running = false;
  }
  std::unordered_map<Session*, std::shared_ptr<Session>> parked;  // their late Resume is a no-op
  {
    std::lock_guard lock(state.waiting->mutex);
    state.waiting->open = false;
    parked.swap(state.waiting->sessions);
  }
  parked.clear();
  pool.Stop();  // requests still queued after the grace period are dropped; running ones finish
  if (state.access_log) state.access_log->flush();
  spdlog::info("server stopped");
  return 0;
}

}  // namespace tongban::http
