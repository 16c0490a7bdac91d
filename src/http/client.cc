// The outbound HTTP client (see client.h). One of the three places that include Beast and Asio
// (with server.cc and net/).
//
// A call is a Call object on its own strand of the client's io_context: resolve (skipped for an IP
// literal), connect (beast::tcp_stream expiry: the connect timeout, counted from Send), the TLS
// handshake for https (peer chain and host name verified unless turned off), write, read the
// answer with Beast's response_parser (body_limit = max_response_bytes). One steady_timer holds the
// deadline of the whole call: when it fires it closes the socket and cancels the resolver, and the
// pending operation ends with an error that is reported as a timeout. Every path ends in Finish,
// which completes the callback exactly once. One connection per call, `Connection: close`: no reuse
// yet (a per-host pool can come when a capability needs the throughput).
#include "http/client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace tongban::http {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

constexpr uint32_t kMaxResponseHeaderBytes = 64 * 1024;

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

bool IsFieldValue(std::string_view s) {
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

Error BadUrl() { return MakeError(ErrorCode::kInvalidArgument, "error.outbound.bad_url"); }
Error BadRequest() { return MakeError(ErrorCode::kInvalidArgument, "error.outbound.bad_request"); }
Error Unavailable(const char* key) { return MakeError(ErrorCode::kUnavailable, key); }

}  // namespace

Result<OutboundUrl> ParseOutboundUrl(std::string_view url) {
  OutboundUrl out;
  const auto starts = [&url](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      if ((url[i] | 0x20) != prefix[i]) return false;
    }
    return true;
  };
  std::string_view rest;
  if (starts("https://")) {
    out.tls = true;
    out.port = 443;
    rest = url.substr(8);
  } else if (starts("http://")) {
    out.port = 80;
    rest = url.substr(7);
  } else {
    return BadUrl();
  }
  for (unsigned char c : rest) {
    if (c <= 0x20 || c >= 0x7f || c == '#') return BadUrl();  // no spaces, controls, raw UTF-8, fragments
  }
  const size_t end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, end);
  std::string_view target = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return BadUrl();
  std::string_view host;
  std::string_view port;
  if (authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl();
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return BadUrl();
      port = after.substr(1);
      if (port.empty()) return BadUrl();
    }
    beast::error_code ec;
    (void)net::ip::make_address_v6(std::string(host), ec);
    if (ec) return BadUrl();
  } else {
    const size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return BadUrl();
    }
    if (host.empty() || host.size() > 253) return BadUrl();
    for (char c : host) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
      if (!ok) return BadUrl();
    }
  }
  if (!port.empty()) {
    unsigned value = 0;
    const auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || p != port.data() + port.size() || value == 0 || value > 65535) return BadUrl();
    out.port = static_cast<uint16_t>(value);
  }
  out.host = std::string(host);
  out.target = target.empty() || target.front() == '?' ? "/" + std::string(target) : std::string(target);
  return out;
}

struct HttpClient::Impl {
  explicit Impl(const HttpClientOptions& opts)
      : options(opts), tls(ssl::context::tls_client), work(net::make_work_guard(ioc)) {}

  class Call;

  // Calls started and not yet completed; the destructor aborts them and waits for them.
  void Register(Call* call, const std::shared_ptr<Call>& strong);
  void Unregister(Call* call);

  HttpClientOptions options;
  net::io_context ioc;
  ssl::context tls;
  net::executor_work_guard<net::io_context::executor_type> work;
  std::vector<std::thread> threads;

  std::mutex mutex;
  std::condition_variable drained;
  std::unordered_map<Call*, std::weak_ptr<Call>> live;
  bool stopping = false;
};

class HttpClient::Impl::Call : public std::enable_shared_from_this<Call> {
 public:
  Call(Impl& client, OutboundUrl url, ports::OutboundRequest request, ports::OutboundLimits limits,
       ports::OutboundCallback done)
      : client_(client),
        strand_(net::make_strand(client.ioc)),
        resolver_(strand_),
        deadline_(strand_),
        url_(std::move(url)),
        request_(std::move(request)),
        limits_(limits),
        done_(std::move(done)),
        started_(SteadyClock::now()) {}

  void Start() {
    net::dispatch(strand_, [self = shared_from_this()] { self->Begin(); });
  }

  // Ends the call now (the client is being destroyed).
  void Abort() {
    net::post(strand_, [self = shared_from_this()] {
      self->Finish(Unavailable("error.outbound.unreachable"));
    });
  }

 private:
  tcp::socket& Socket() { return tls_ ? beast::get_lowest_layer(*tls_).socket() : plain_->socket(); }
  beast::tcp_stream& Lowest() { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }

  void Begin() {
    if (done_ == nullptr) return;
    if (url_.tls) {
      tls_.emplace(strand_, client_.tls);
    } else {
      plain_.emplace(strand_);
    }
    deadline_.expires_at(started_ + limits_.deadline);
    deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;  // cancelled: the call finished first
      self->timed_out_ = true;
      self->resolver_.cancel();
      beast::error_code ignored;
      self->Socket().close(ignored);
    });
    beast::error_code ec;
    const auto address = net::ip::make_address(url_.host, ec);
    if (!ec) {
      ip_literal_ = true;
      const tcp::endpoint endpoint(address, url_.port);
      endpoints_ = tcp::resolver::results_type::create(endpoint, url_.host, std::to_string(url_.port));
      return Connect();
    }
    resolver_.async_resolve(url_.host, std::to_string(url_.port),
                            [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type results) {
                              if (ec) return self->Fail(ec, "error.outbound.unreachable");
                              self->endpoints_ = std::move(results);
                              self->Connect();
                            });
  }

  void Connect() {
    if (done_ == nullptr) return;
    const auto connect_by = std::min(started_ + limits_.connect_timeout, started_ + limits_.deadline);
    Lowest().expires_at(connect_by);
    Lowest().async_connect(endpoints_, [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return self->Fail(ec, "error.outbound.unreachable");
      self->Lowest().expires_never();  // the deadline timer covers the rest
      if (self->tls_) return self->Handshake();
      self->Write();
    });
  }

  void Handshake() {
    SSL* handle = tls_->native_handle();
    if (client_.options.verify_peer) {
      tls_->set_verify_mode(ssl::verify_peer);
      if (ip_literal_) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), url_.host.c_str());
      } else {
        SSL_set1_host(handle, url_.host.c_str());
      }
    } else {
      tls_->set_verify_mode(ssl::verify_none);
    }
    if (!ip_literal_) SSL_set_tlsext_host_name(handle, url_.host.c_str());
    tls_->async_handshake(ssl::stream_base::client, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->Fail(ec, "error.outbound.tls");
      self->Write();
    });
  }

  void Write() {
    message_.version(11);
    const bhttp::verb verb = bhttp::string_to_verb(request_.method);
    if (verb == bhttp::verb::unknown) {
      message_.method_string(request_.method);
    } else {
      message_.method(verb);
    }
    message_.target(url_.target);
    const bool default_port = url_.port == (url_.tls ? 443 : 80);
    const bool ipv6 = url_.host.find(':') != std::string::npos;
    std::string host = ipv6 ? "[" + url_.host + "]" : url_.host;
    if (!default_port) host += ":" + std::to_string(url_.port);
    message_.set(bhttp::field::host, host);
    message_.set(bhttp::field::user_agent, client_.options.user_agent);
    for (const auto& [name, value] : request_.headers) message_.set(name, value);
    message_.keep_alive(false);
    message_.body() = std::move(request_.body);
    message_.prepare_payload();
    head_only_ = verb == bhttp::verb::head;
    const auto written = [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Fail(ec, "error.outbound.broken");
      self->Read();
    };
    if (tls_) {
      bhttp::async_write(*tls_, message_, written);
    } else {
      bhttp::async_write(*plain_, message_, written);
    }
  }

  void Read() {
    parser_.emplace();
    parser_->header_limit(kMaxResponseHeaderBytes);
    parser_->body_limit(limits_.max_response_bytes);
    if (head_only_) parser_->skip(true);
    // The header first: Beast 1.74's parser does not apply body_limit to a declared
    // Content-Length, so the declared length is checked here before the body is read.
    const auto header_read = [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Fail(ec, "error.outbound.broken");
      const auto declared = self->parser_->content_length();
      if (declared && *declared > self->limits_.max_response_bytes) return self->Fail(bhttp::error::body_limit, "");
      self->ReadBody();
    };
    if (tls_) {
      bhttp::async_read_header(*tls_, buffer_, *parser_, header_read);
    } else {
      bhttp::async_read_header(*plain_, buffer_, *parser_, header_read);
    }
  }

  void ReadBody() {
    const auto read = [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Fail(ec, "error.outbound.broken");
      self->Answer();
    };
    if (tls_) {
      bhttp::async_read(*tls_, buffer_, *parser_, read);
    } else {
      bhttp::async_read(*plain_, buffer_, *parser_, read);
    }
  }

  void Answer() {
    auto& message = parser_->get();
    ports::OutboundResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    response.body = std::move(message.body());
    Finish(std::move(response));
  }

  void Fail(const beast::error_code& ec, const char* key) {
    if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      return Finish(MakeError(ErrorCode::kPayloadTooLarge, "error.outbound.too_large"));
    }
    if (timed_out_ || ec == beast::error::timeout) return Finish(Unavailable("error.outbound.timeout"));
    Finish(Unavailable(key));
  }

  void Finish(Result<ports::OutboundResponse> result) {
    if (done_ == nullptr) return;
    auto done = std::move(done_);
    done_ = nullptr;
    deadline_.cancel();
    resolver_.cancel();
    if (tls_ || plain_) {
      beast::error_code ignored;
      Socket().shutdown(tcp::socket::shutdown_both, ignored);
      Socket().close(ignored);
    }
    // Unregister first: the callback may destroy what the client's owner waits on.
    client_.Unregister(this);
    done(std::move(result));
  }

  Impl& client_;
  net::strand<net::io_context::executor_type> strand_;
  tcp::resolver resolver_;
  net::steady_timer deadline_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  tcp::resolver::results_type endpoints_;
  OutboundUrl url_;
  ports::OutboundRequest request_;
  ports::OutboundLimits limits_;
  ports::OutboundCallback done_;
  SteadyClock::time_point started_;
  bhttp::request<bhttp::string_body> message_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  beast::flat_buffer buffer_;
  bool ip_literal_ = false;
  bool head_only_ = false;
  bool timed_out_ = false;
};

void HttpClient::Impl::Register(Call* call, const std::shared_ptr<Call>& strong) {
  live.emplace(call, strong);
}

void HttpClient::Impl::Unregister(Call* call) {
  std::lock_guard lock(mutex);
  live.erase(call);
  if (live.empty()) drained.notify_all();
}

Result<std::unique_ptr<HttpClient>> HttpClient::Create(const HttpClientOptions& options) {
  auto impl = std::make_unique<Impl>(options);
  beast::error_code ec;
  impl->tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (options.ca_file.empty()) {
    impl->tls.set_default_verify_paths(ec);
  } else {
    impl->tls.load_verify_file(options.ca_file, ec);
  }
  if (ec) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the outbound CA file '" + options.ca_file + "' cannot be read as PEM certificates");
  }
  const int threads = std::max(1, options.threads);
  for (int i = 0; i < threads; ++i) impl->threads.emplace_back([raw = impl.get()] { raw->ioc.run(); });
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpClient::~HttpClient() {
  std::vector<std::shared_ptr<Impl::Call>> in_flight;
  {
    std::unique_lock lock(impl_->mutex);
    impl_->stopping = true;
    for (auto& [raw, weak] : impl_->live) {
      if (auto call = weak.lock()) in_flight.push_back(std::move(call));
    }
  }
  for (auto& call : in_flight) call->Abort();
  in_flight.clear();
  {
    std::unique_lock lock(impl_->mutex);
    impl_->drained.wait_for(lock, std::chrono::seconds(5), [this] { return impl_->live.empty(); });
  }
  impl_->work.reset();
  impl_->ioc.stop();
  for (auto& thread : impl_->threads) thread.join();
}

void HttpClient::Send(ports::OutboundRequest request, ports::OutboundLimits limits, ports::OutboundCallback done) {
  auto url = ParseOutboundUrl(request.url);
  std::optional<Error> refused;
  if (!url.ok()) {
    refused = url.error();
  } else if (!IsToken(request.method)) {
    refused = BadRequest();
  } else {
    for (const auto& [name, value] : request.headers) {
      if (!IsToken(name) || !IsFieldValue(value)) refused = BadRequest();
    }
  }
  if (refused) {
    // Completed on the client's thread all the same, so callers have one threading rule.
    net::post(impl_->ioc, [done = std::move(done), error = std::move(*refused)]() mutable { done(std::move(error)); });
    return;
  }
  auto call = std::make_shared<Impl::Call>(*impl_, std::move(url).value(), std::move(request), limits, std::move(done));
  {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->stopping) {
      impl_->Register(call.get(), call);
      call->Start();
      return;
    }
  }
  call->Abort();
}

}  // namespace tongban::http
