// The bodies of a cross-platform data request (issue 14 item 5, services/data_requests.h): what a
// "data.request" federation message carries and what its reply answers, as JSON objects (text) in
// the message's body. Services build and read them through this port; the JSON is written and
// parsed by its implementation (http/data_request_codec.h).
// Thread-safety: implementations are stateless and shared by all threads.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace tongban::ports {

// {"person","dataset","fields":[..],"purpose","consent":{"id","given_at"},"department","role"}
struct DataRequestBody {
  std::string person;   // the resident id number
  std::string dataset;  // the peer's dataset code
  std::vector<std::string> fields;
  std::string purpose;  // the declared purpose (the peer checks it against the dataset's rule)
  std::string consent_id;            // the person's consent on the asking platform
  Timestamp consent_given_at{};
  std::string department;  // the asking department's code
  std::string role;        // the asking official's role
  bool operator==(const DataRequestBody&) const = default;
};

struct PeerRecord {
  std::string record_id;
  Timestamp as_of{};
  std::map<std::string, std::string> values;  // the fields asked for that the record holds
  bool operator==(const PeerRecord&) const = default;
};

// {"outcome":"answered","dataset","records":[{"record_id","as_of","values":{..}}]} or
// {"outcome":"refused","dataset","error":<i18n key>}.
struct DataAnswerBody {
  bool refused = false;
  std::string error;  // refused: why (domain/data_request.h)
  std::string dataset;
  std::vector<PeerRecord> records;
  bool operator==(const DataAnswerBody&) const = default;
};

class DataRequestCodec {
 public:
  virtual ~DataRequestCodec() = default;
  virtual std::string EncodeRequest(const DataRequestBody& body) const = 0;
  // kInvalidArgument (error.data_request.malformed) for anything but such an object: a member
  // missing or of another type, a time that is not RFC 3339, more fields than
  // domain::kMaxDataRequestFields.
  virtual Result<DataRequestBody> DecodeRequest(std::string_view json) const = 0;
  virtual std::string EncodeAnswer(const DataAnswerBody& body) const = 0;
  // kInvalidArgument (error.data_request.malformed) likewise; more records than
  // domain::kMaxDataRequestRecords are refused too.
  virtual Result<DataAnswerBody> DecodeAnswer(std::string_view json) const = 0;
};

}  // namespace tongban::ports
