// The JSON of a data request's message bodies (ports/data_request.h), with nlohmann JSON: http is
// where the platform's JSON is written and parsed. One instance serves every thread.
#pragma once

#include "ports/data_request.h"

namespace tongban::http {

class JsonDataRequestCodec final : public ports::DataRequestCodec {
 public:
  std::string EncodeRequest(const ports::DataRequestBody& body) const override;
  Result<ports::DataRequestBody> DecodeRequest(std::string_view json) const override;
  std::string EncodeAnswer(const ports::DataAnswerBody& body) const override;
  Result<ports::DataAnswerBody> DecodeAnswer(std::string_view json) const override;
};

// The one instance (stateless).
const ports::DataRequestCodec& DataRequestJson();

}  // namespace tongban::http
