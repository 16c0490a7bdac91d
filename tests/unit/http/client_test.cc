// The outbound HTTP client against small servers made here on 127.0.0.1: answers, timeouts,
// refusals, cut-off and oversized answers, many slow calls at once on one client thread, and
// https with a certificate made at test time (trusted, wrong host name, untrusted).
#include "http/client.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tongban::http {
namespace {

using namespace std::chrono_literals;
using ports::OutboundLimits;
using ports::OutboundRequest;
using ports::OutboundResponse;
using SteadyClock = std::chrono::steady_clock;

// Reads a request's header block (and a Content-Length body) from `read`; "" when the peer closed.
std::string ReadRequest(const std::function<ssize_t(char*, size_t)>& read) {
  std::string data;
  char chunk[4096];
  size_t header_end = std::string::npos;
  while (header_end == std::string::npos) {
    const ssize_t n = read(chunk, sizeof chunk);
    if (n <= 0) return {};
    data.append(chunk, static_cast<size_t>(n));
    header_end = data.find("\r\n\r\n");
  }
  size_t length = 0;
  const auto at = data.find("Content-Length: ");
  if (at != std::string::npos && at < header_end) length = std::stoul(data.substr(at + 16));
  while (data.size() < header_end + 4 + length) {
    const ssize_t n = read(chunk, sizeof chunk);
    if (n <= 0) break;
    data.append(chunk, static_cast<size_t>(n));
  }
  return data;
}

std::string ReadRequest(int fd) {
  return ReadRequest([fd](char* buf, size_t size) { return ::recv(fd, buf, size, 0); });
}

void WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

// A TCP server on 127.0.0.1 and a free port; each connection runs `handler` on its own thread.
class LocalServer {
 public:
  using Handler = std::function<void(int fd, const std::atomic<bool>& stopping)>;

  explicit LocalServer(Handler handler) : handler_(std::move(handler)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 1024), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }
  ~LocalServer() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    acceptor_.join();
    std::lock_guard lock(mutex_);
    for (auto& t : connections_) t.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }
  std::string Url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      std::lock_guard lock(mutex_);
      connections_.emplace_back([this, client] {
        handler_(client, stopping_);
        ::close(client);
      });
    }
  }

  Handler handler_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<std::thread> connections_;
};

// Waits (polling, so a stopping server is not held up) until `stopping`.
void WaitUntilStopping(const std::atomic<bool>& stopping) {
  while (!stopping) std::this_thread::sleep_for(10ms);
}

std::unique_ptr<HttpClient> MakeClient(HttpClientOptions options = {}) {
  auto client = HttpClient::Create(options);
  EXPECT_TRUE(client.ok()) << (client.ok() ? "" : client.error().message);
  return std::move(client).value();
}

// Sends and waits for the callback; also checks it ran on another thread than this one.
Result<OutboundResponse> Call(HttpClient& client, OutboundRequest request, OutboundLimits limits = {}) {
  auto promise = std::make_shared<std::promise<std::pair<Result<OutboundResponse>, std::thread::id>>>();
  auto future = promise->get_future();
  client.Send(std::move(request), limits, [promise](Result<OutboundResponse> result) {
    promise->set_value({std::move(result), std::this_thread::get_id()});
  });
  if (future.wait_for(30s) != std::future_status::ready) {
    ADD_FAILURE() << "the callback did not run";
    return MakeError(ErrorCode::kInternal, "no callback");
  }
  auto [result, thread] = future.get();
  EXPECT_NE(thread, std::this_thread::get_id());
  return std::move(result);
}

OutboundRequest Get(std::string url) {
  OutboundRequest request;
  request.url = std::move(url);
  return request;
}

void ExpectError(const Result<OutboundResponse>& result, ErrorCode code, std::string_view key) {
  ASSERT_FALSE(result.ok()) << "status " << result->status << ", " << result->body.size() << " bytes";
  EXPECT_EQ(result.error().code, code);
  EXPECT_EQ(result.error().message, key);
}

TEST(OutboundUrlTest, SplitsHttpAndHttpsUrls) {
  struct Case {
    const char* url;
    bool tls;
    const char* host;
    uint16_t port;
    const char* target;
  };
  const Case cases[] = {
      {"http://example.gov.cn", false, "example.gov.cn", 80, "/"},
      {"https://example.gov.cn/a/b?c=d", true, "example.gov.cn", 443, "/a/b?c=d"},
      {"HTTP://127.0.0.1:8081?x=1", false, "127.0.0.1", 8081, "/?x=1"},
      {"https://[::1]:8443/p", true, "::1", 8443, "/p"},
  };
  for (const auto& c : cases) {
    auto url = ParseOutboundUrl(c.url);
    ASSERT_TRUE(url.ok()) << c.url;
    EXPECT_EQ(url->tls, c.tls) << c.url;
    EXPECT_EQ(url->host, c.host) << c.url;
    EXPECT_EQ(url->port, c.port) << c.url;
    EXPECT_EQ(url->target, c.target) << c.url;
  }
}

TEST(OutboundUrlTest, RefusesWhatIsNoHttpUrl) {
  for (const char* bad : {"", "ftp://example.gov.cn/", "http://", "http:///path", "http://user@host/",
                          "http://host:0/", "http://host:65536/", "http://host:/", "http://ho st/",
                          "http://host/a b", "http://host/#frag", "http://[::1/", "http://[zz]/",
                          "http://host/\xe4\xb8\xad", "example.gov.cn/path", "http://host\r\n/"}) {
    auto url = ParseOutboundUrl(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.error().code, ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(url.error().message, "error.outbound.bad_url") << bad;
  }
}

TEST(HttpClientTest, BadUrlOrHeaderCompletesWithInvalidArgumentAndSendsNothing) {
  auto client = MakeClient();
  ExpectError(Call(*client, Get("gopher://example")), ErrorCode::kInvalidArgument, "error.outbound.bad_url");
  std::atomic<int> connections{0};
  LocalServer server([&connections](int, const std::atomic<bool>&) { ++connections; });
  OutboundRequest injected = Get(server.Url());
  injected.headers = {{"X-A", "1\r\nX-Injected: 2"}};
  ExpectError(Call(*client, injected), ErrorCode::kInvalidArgument, "error.outbound.bad_request");
  OutboundRequest method = Get(server.Url());
  method.method = "GE T";
  ExpectError(Call(*client, method), ErrorCode::kInvalidArgument, "error.outbound.bad_request");
  EXPECT_EQ(connections.load(), 0);
}

TEST(HttpClientTest, NormalAnswer) {
  std::mutex seen_mutex;
  std::string seen;
  LocalServer server([&](int fd, const std::atomic<bool>&) {
    std::string request = ReadRequest(fd);
    {
      std::lock_guard lock(seen_mutex);
      seen = request;
    }
    WriteAll(fd, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Source: dept\r\n"
                 "Content-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}");
  });
  auto client = MakeClient();
  OutboundRequest request = Get(server.Url("/datasets/hukou?id=1"));
  request.method = "POST";
  request.headers = {{"Content-Type", "application/json"}, {"X-Signature", "abc"}};
  request.body = R"({"q":1})";
  auto result = Call(*client, request);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 201);
  EXPECT_EQ(result->body, R"({"ok":true})");
  EXPECT_EQ(result->Header("x-source"), "dept");
  EXPECT_EQ(result->Header("content-type"), "application/json");
  std::lock_guard lock(seen_mutex);
  EXPECT_EQ(seen.rfind("POST /datasets/hukou?id=1 HTTP/1.1\r\n", 0), 0u) << seen;
  EXPECT_NE(seen.find("Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("X-Signature: abc\r\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("Content-Length: 7\r\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("\r\n\r\n{\"q\":1}"), std::string::npos) << seen;
}

TEST(HttpClientTest, AnErrorStatusIsAnAnswer) {
  LocalServer server([](int fd, const std::atomic<bool>&) {
    ReadRequest(fd);
    WriteAll(fd, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
  });
  auto client = MakeClient();
  auto result = Call(*client, Get(server.Url()));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 503);
  EXPECT_EQ(result->body, "busy");
}

TEST(HttpClientTest, ServerThatNeverAnswersTimesOutWithinTheDeadline) {
  LocalServer server([](int fd, const std::atomic<bool>& stopping) {
    ReadRequest(fd);
    WaitUntilStopping(stopping);
  });
  auto client = MakeClient();
  OutboundLimits limits;
  limits.deadline = 300ms;
  const auto started = SteadyClock::now();
  auto result = Call(*client, Get(server.Url()), limits);
  const auto took = SteadyClock::now() - started;
  ExpectError(result, ErrorCode::kUnavailable, "error.outbound.timeout");
  EXPECT_GE(took, 280ms);
  EXPECT_LT(took, 2s);
}

TEST(HttpClientTest, RefusedPortIsUnavailable) {
  uint16_t port = 0;
  {
    LocalServer closed([](int, const std::atomic<bool>&) {});
    port = closed.port();
  }  // nothing listens there any more
  auto client = MakeClient();
  const auto started = SteadyClock::now();
  auto result = Call(*client, Get("http://127.0.0.1:" + std::to_string(port) + "/"));
  ExpectError(result, ErrorCode::kUnavailable, "error.outbound.unreachable");
  EXPECT_LT(SteadyClock::now() - started, 2s);
}

TEST(HttpClientTest, UnknownHostIsUnavailable) {
  auto client = MakeClient();
  OutboundLimits limits;
  limits.deadline = 5s;
  auto result = Call(*client, Get("http://no-such-host.invalid/"), limits);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
}

TEST(HttpClientTest, ServerThatClosesMidAnswerIsUnavailable) {
  LocalServer server([](int fd, const std::atomic<bool>&) {
    ReadRequest(fd);
    WriteAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a part");
  });
  auto client = MakeClient();
  ExpectError(Call(*client, Get(server.Url())), ErrorCode::kUnavailable, "error.outbound.broken");
}

TEST(HttpClientTest, OversizedAnswerIsPayloadTooLarge) {
  const std::string big(64 * 1024, 'x');
  LocalServer with_length([&big](int fd, const std::atomic<bool>&) {
    ReadRequest(fd);
    WriteAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big);
  });
  LocalServer until_close([&big](int fd, const std::atomic<bool>&) {
    ReadRequest(fd);
    WriteAll(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + big);
  });
  LocalServer chunked([&big](int fd, const std::atomic<bool>&) {
    ReadRequest(fd);
    std::string chunks = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 16; ++i) chunks += "1000\r\n" + big.substr(0, 4096) + "\r\n";
    WriteAll(fd, chunks + "0\r\n\r\n");
  });
  auto client = MakeClient();
  OutboundLimits limits;
  limits.max_response_bytes = 1024;
  for (const LocalServer* server : {&with_length, &until_close, &chunked}) {
    SCOPED_TRACE(server == &with_length ? "Content-Length" : server == &until_close ? "until close" : "chunked");
    ExpectError(Call(*client, Get(server->Url()), limits), ErrorCode::kPayloadTooLarge, "error.outbound.too_large");
  }
  limits.max_response_bytes = big.size();  // exactly the limit is allowed
  auto fits = Call(*client, Get(with_length.Url()), limits);
  ASSERT_TRUE(fits.ok()) << fits.error().message;
  EXPECT_EQ(fits->body.size(), big.size());
}

TEST(HttpClientTest, TwoHundredConcurrentSlowCallsCompleteWhileTheCallerStaysFree) {
  constexpr int kCalls = 200;
  constexpr auto kDelay = 1000ms;
  LocalServer server([kDelay](int fd, const std::atomic<bool>&) {
    const std::string request = ReadRequest(fd);
    std::this_thread::sleep_for(kDelay);
    const std::string path = request.substr(4, request.find(' ', 4) - 4);
    WriteAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(path.size()) + "\r\n\r\n" + path);
  });
  HttpClientOptions options;
  options.threads = 1;
  auto client = MakeClient(options);
  std::atomic<int> succeeded{0};
  std::atomic<int> completed{0};
  std::promise<void> all_done;
  const auto started = SteadyClock::now();
  for (int i = 0; i < kCalls; ++i) {
    const std::string path = "/slow/" + std::to_string(i);
    client->Send(Get(server.Url(path)), OutboundLimits{}, [&, path](Result<OutboundResponse> result) {
      if (result.ok() && result->status == 200 && result->body == path) ++succeeded;
      if (++completed == kCalls) all_done.set_value();
    });
  }
  const auto sent_in = SteadyClock::now() - started;
  // Every Send returned before any answer could have come: the calling thread waited for none.
  EXPECT_LT(sent_in, kDelay);
  EXPECT_EQ(completed.load(), 0);
  ASSERT_EQ(all_done.get_future().wait_for(30s), std::future_status::ready);
  const auto took = SteadyClock::now() - started;
  EXPECT_EQ(succeeded.load(), kCalls);
  // One client thread served them at once: far less than one after another (200 s).
  EXPECT_LT(took, 10s);
}

TEST(HttpClientTest, DestroyingTheClientCompletesCallsInFlight) {
  LocalServer server([](int fd, const std::atomic<bool>& stopping) {
    ReadRequest(fd);
    WaitUntilStopping(stopping);
  });
  auto client = MakeClient();
  auto promise = std::make_shared<std::promise<Result<OutboundResponse>>>();
  auto future = promise->get_future();
  client->Send(Get(server.Url()), OutboundLimits{}, [promise](Result<OutboundResponse> r) {
    promise->set_value(std::move(r));
  });
  std::this_thread::sleep_for(100ms);
  const auto started = SteadyClock::now();
  client.reset();
  EXPECT_LT(SteadyClock::now() - started, 2s);
  ASSERT_EQ(future.wait_for(1s), std::future_status::ready);
  ExpectError(future.get(), ErrorCode::kUnavailable, "error.outbound.unreachable");
}

// A certificate for DNS:localhost only, made with the openssl command for this test run.
class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("tongban-client-test-" + std::to_string(::getpid())));
    std::filesystem::create_directories(*dir_);
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost "
        "-addext subjectAltName=DNS:localhost -keyout '" + (*dir_ / "key.pem").string() + "' -out '" +
        (*dir_ / "cert.pem").string() + "' 2>/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  static std::string CertFile() { return (*dir_ / "cert.pem").string(); }
  static std::string KeyFile() { return (*dir_ / "key.pem").string(); }

  // An https server answering "secret" with the test certificate.
  std::unique_ptr<LocalServer> TlsServer() {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    EXPECT_EQ(SSL_CTX_use_certificate_file(ctx, CertFile().c_str(), SSL_FILETYPE_PEM), 1);
    EXPECT_EQ(SSL_CTX_use_PrivateKey_file(ctx, KeyFile().c_str(), SSL_FILETYPE_PEM), 1);
    ctx_.reset(ctx);
    return std::make_unique<LocalServer>([ctx](int fd, const std::atomic<bool>&) {
      SSL* ssl = SSL_new(ctx);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) == 1) {
        const std::string request =
            ReadRequest([ssl](char* buf, size_t size) { return static_cast<ssize_t>(SSL_read(ssl, buf, static_cast<int>(size))); });
        if (!request.empty()) {
          const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret";
          SSL_write(ssl, answer.data(), static_cast<int>(answer.size()));
          SSL_shutdown(ssl);
        }
      }
      SSL_free(ssl);
    });
  }

  struct CtxFree {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
  };
  std::unique_ptr<SSL_CTX, CtxFree> ctx_;
  static std::filesystem::path* dir_;
};
std::filesystem::path* TlsTest::dir_ = nullptr;

TEST_F(TlsTest, HttpsWithTheConfiguredCaFile) {
  auto server = TlsServer();
  HttpClientOptions options;
  options.ca_file = CertFile();
  auto client = MakeClient(options);
  auto result = Call(*client, Get("https://localhost:" + std::to_string(server->port()) + "/"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "secret");
}

TEST_F(TlsTest, HttpsRefusesAWrongHostName) {
  auto server = TlsServer();
  HttpClientOptions options;
  options.ca_file = CertFile();
  auto client = MakeClient(options);
  // The same server by its address: the certificate names localhost, not 127.0.0.1.
  auto result = Call(*client, Get("https://127.0.0.1:" + std::to_string(server->port()) + "/"));
  ExpectError(result, ErrorCode::kUnavailable, "error.outbound.tls");
}

TEST_F(TlsTest, HttpsRefusesAnUntrustedCertificate) {
  auto server = TlsServer();
  auto client = MakeClient();  // the system's CA store does not know the test certificate
  auto result = Call(*client, Get("https://localhost:" + std::to_string(server->port()) + "/"));
  ExpectError(result, ErrorCode::kUnavailable, "error.outbound.tls");
}

TEST_F(TlsTest, UnreadableCaFileIsRefusedAtCreation) {
  HttpClientOptions options;
  options.ca_file = (*dir_ / "missing.pem").string();
  auto client = HttpClient::Create(options);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace tongban::http
