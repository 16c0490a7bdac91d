#include "http/outbox_senders.h"

#include "services/federation_messages.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <future>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "http/message_text.h"
#include "services/contacts.h"

namespace tongban::http {
namespace {

using Json = nlohmann::json;

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// RFC 5322 date, in UTC.
std::string MailDate(std::chrono::system_clock::time_point at) {
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

struct ParsedPayload {
  std::string to;
  domain::Language language = domain::Language::kZh;
  ports::Message message;
};

Result<ParsedPayload> ParsePayload(const std::string& payload) {
  const Json j = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("to") || !j["to"].is_string() || !j.contains("kind") || !j["kind"].is_string()) {
    return MakeError(ErrorCode::kInvalidArgument, "outbox payload is not a message");
  }
  ParsedPayload out;
  out.to = j["to"].get<std::string>();
  out.language = j.value("language", std::string("zh")) == "en" ? domain::Language::kEn : domain::Language::kZh;
  out.message.id = j.value("message_id", std::string());
  out.message.kind = j["kind"].get<std::string>();
  out.message.params = j.contains("params") && j["params"].is_object() ? j["params"].dump() : "{}";
  out.message.reference_kind = j.value("reference_kind", std::string());
  out.message.reference_id = j.value("reference_id", std::string());
  return out;
}

// The domain of the From address, for Message-IDs.
std::string DomainOf(const std::string& address) {
  const size_t at = address.rfind('@');
  return at == std::string::npos ? "tongban.invalid" : address.substr(at + 1);
}

class SmtpSender {
 public:
  SmtpSender(SmtpOptions options, const Translator& i18n, const services::Context& ctx)
      : options_(std::move(options)), i18n_(i18n), ctx_(ctx) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }
  ~SmtpSender() {
    if (curl_ != nullptr) curl_easy_cleanup(curl_);
  }
  SmtpSender(const SmtpSender&) = delete;
  SmtpSender& operator=(const SmtpSender&) = delete;

  Status Send(const ports::OutboxMessage& outbox) {
    TB_ASSIGN_OR_RETURN(const ParsedPayload p, ParsePayload(outbox.payload));
    if (!services::ValidEmail(p.to)) return MakeError(ErrorCode::kInvalidArgument, "the recipient's address is not valid");
    TB_ASSIGN_OR_RETURN(const OutgoingText text,
                        RenderOutboxText(i18n_, ctx_.Catalogue().get(), ctx_.public_base_url, outbox.payload));
    std::string mail;
    mail += "Date: " + MailDate(std::chrono::system_clock::now()) + "\r\n";
    mail += "From: <" + options_.from + ">\r\n";
    mail += "To: <" + p.to + ">\r\n";
    // The outbox id: sent again after a lost outcome, it is the same message to the receiver.
    mail += "Message-ID: <" + outbox.id + "@" + DomainOf(options_.from) + ">\r\n";
    mail += "Subject: =?UTF-8?B?" + Base64(text.subject) + "?=\r\n";
    mail += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    const std::string body = Base64(text.body);
    for (size_t i = 0; i < body.size(); i += 76) mail += body.substr(i, 76) + "\r\n";
    return Transfer(p.to, mail);
  }

 private:
  struct Upload {
    const std::string* data;
    size_t offset = 0;
  };
  static size_t Read(char* buffer, size_t size, size_t count, void* user) {
    auto* u = static_cast<Upload*>(user);
    const size_t n = std::min(size * count, u->data->size() - u->offset);
    std::memcpy(buffer, u->data->data() + u->offset, n);
    u->offset += n;
    return n;
  }

  Status Transfer(const std::string& to, const std::string& mail) {
    std::lock_guard lock(mu_);
    // One handle kept: libcurl reuses its connection to the server between messages.
    if (curl_ == nullptr) curl_ = curl_easy_init();
    if (curl_ == nullptr) return MakeError(ErrorCode::kUnavailable, "smtp: curl_easy_init failed");
    CURL* c = curl_;
    curl_easy_reset(c);
    Upload upload{&mail};
    curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
    curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, ("<" + options_.from + ">").c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, &SmtpSender::Read);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_seconds) * 1000L);
    const long tls = options_.tls == "required" ? CURLUSESSL_ALL : options_.tls == "off" ? CURLUSESSL_NONE : CURLUSESSL_TRY;
    curl_easy_setopt(c, CURLOPT_USE_SSL, tls);
    if (!options_.user.empty()) {
      curl_easy_setopt(c, CURLOPT_USERNAME, options_.user.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
    }
    const CURLcode rc = curl_easy_perform(c);
    long reply = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
    curl_slist_free_all(rcpt);
    if (rc == CURLE_OK) return Ok();
    // curl's text names the step and the server's code, never the address or the text.
    const std::string why = std::string("smtp: ") + curl_easy_strerror(rc) + " (reply " + std::to_string(reply) + ")";
    // A mailbox the server refuses for good (5xx to RCPT) will never take the message.
    if (rc == CURLE_SEND_ERROR && reply >= 550 && reply < 560) return MakeError(ErrorCode::kInvalidArgument, why);
    curl_easy_cleanup(curl_);  // a fresh connection next time
    curl_ = nullptr;
    return MakeError(ErrorCode::kUnavailable, why);
  }

  const SmtpOptions options_;
  const Translator& i18n_;
  const services::Context& ctx_;
  std::mutex mu_;
  CURL* curl_ = nullptr;
};

}  // namespace

Result<OutgoingText> RenderOutboxText(const Translator& i18n, const domain::Catalogue* catalogue,
                                      const std::string& public_base_url, const std::string& payload) {
  TB_ASSIGN_OR_RETURN(const ParsedPayload p, ParsePayload(payload));
  OutgoingText out;
  out.subject = i18n.T(p.language, "message.email_subject");
  out.body = MessageText(i18n, catalogue, p.language, p.message);
  const std::string href = MessageHref(p.message);
  if (!href.empty()) out.body += "\n\n" + public_base_url + href;
  return out;
}

services::OutboxSenders::Sender MakeSmtpSender(SmtpOptions options, const Translator& i18n,
                                               const services::Context& ctx) {
  auto sender = std::make_shared<SmtpSender>(std::move(options), i18n, ctx);
  return [sender](const ports::OutboxMessage& m) { return sender->Send(m); };
}

services::OutboxSenders::Sender MakeSmsSender(SmsOptions options, ports::OutboundHttp& client,
                                              const Translator& i18n, const services::Context& ctx) {
  return [options = std::move(options), &client, &i18n, &ctx](const ports::OutboxMessage& m) -> Status {
    TB_ASSIGN_OR_RETURN(const ParsedPayload p, ParsePayload(m.payload));
    if (services::NormaliseMobile(p.to) != p.to) {
      return MakeError(ErrorCode::kInvalidArgument, "the recipient's number is not valid");
    }
    TB_ASSIGN_OR_RETURN(const OutgoingText text, RenderOutboxText(i18n, ctx.Catalogue().get(), ctx.public_base_url,
                                                                  m.payload));
    ports::OutboundRequest request;
    request.method = "POST";
    request.url = options.url;
    request.headers = {{"Content-Type", "application/json"}, {"Idempotency-Key", m.id}};
    if (!options.token.empty()) request.headers.emplace_back("Authorization", "Bearer " + options.token);
    request.body = Json{{"to", p.to}, {"text", text.body}, {"idempotency_key", m.id}}.dump();
    ports::OutboundLimits limits;
    limits.deadline = std::chrono::seconds(options.timeout_seconds);
    limits.max_response_bytes = 64 * 1024;
    auto done = std::make_shared<std::promise<Result<ports::OutboundResponse>>>();
    auto answer = done->get_future();
    client.Send(std::move(request), limits, [done](Result<ports::OutboundResponse> r) { done->set_value(std::move(r)); });
    Result<ports::OutboundResponse> r = answer.get();
    if (!r.ok()) return MakeError(ErrorCode::kUnavailable, "sms gateway: " + r.error().message);
    const int status = r->status;
    if (status >= 200 && status < 300) return Ok();
    const std::string why = "sms gateway answered " + std::to_string(status);
    if (status >= 400 && status < 500 && status != 408 && status != 429) return MakeError(ErrorCode::kInvalidArgument, why);
    return MakeError(ErrorCode::kUnavailable, why);
  };
}

services::OutboxSenders::Sender MakeFederationSender(const services::Context& ctx, ports::OutboundHttp& client) {
  return [&ctx, &client](const ports::OutboxMessage& queued) -> Status {
    const nlohmann::json payload = nlohmann::json::parse(queued.payload, nullptr, false);
    if (!payload.is_object() || !payload.contains("body") || !payload["body"].is_object()) {
      return MakeError(ErrorCode::kInvalidArgument, "federation: not a message payload");
    }
    services::OutgoingMessage message;
    message.id = payload.value("id", "");
    message.to = payload.value("to", "");
    message.kind = payload.value("kind", "");
    message.body = payload["body"].dump();
    if (message.id.empty() || message.to.empty() || message.kind.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "federation: not a message payload");
    }
    return services::DeliverFederationMessage(ctx, client, message);
  };
}

}  // namespace tongban::http
