#include "domain/access_log.h"

#include <cstdio>

namespace tongban::domain {

std::string SubjectCommitmentInput(std::string_view salt, std::string_view subject_id) {
  std::string out = "tongban-access-log-subject-v1:";
  out.append(salt);
  out.push_back(':');
  out.append(subject_id);
  return out;
}

std::string JsonStringLiteral(std::string_view text) {
  std::string out = "\"";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string EncodeAccessLogLeaf(const AccessLogEntry& e, std::string_view subject_commitment) {
  // Keys in code-point order, as canonical JSON (RFC 8785) sorts them.
  std::string out = "{\"accessor\":{\"department\":" + JsonStringLiteral(e.accessor_department) +
                    ",\"role\":" + JsonStringLiteral(e.accessor_role) +
                    ",\"user\":" + JsonStringLiteral(e.accessor_user_id) + "}";
  if (!e.application_id.empty()) out += ",\"application\":" + JsonStringLiteral(e.application_id);
  out += ",\"dataset\":" + JsonStringLiteral(e.dataset) + ",\"fields\":[";
  for (size_t i = 0; i < e.fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += JsonStringLiteral(e.fields[i]);
  }
  out += "],\"legal_basis\":" + JsonStringLiteral(e.legal_basis);
  if (!e.outcome.empty()) out += ",\"outcome\":" + JsonStringLiteral(e.outcome);
  if (!e.platform.empty()) out += ",\"platform\":" + JsonStringLiteral(e.platform);
  out += ",\"purpose\":" + JsonStringLiteral(e.purpose) +
         ",\"subject\":" + JsonStringLiteral(subject_commitment) +
         ",\"time\":" + JsonStringLiteral(FormatRfc3339(e.time)) + ",\"v\":" + std::to_string(kAccessLogLeafVersion) +
         "}";
  return out;
}

}  // namespace tongban::domain
