// A dataset record's values as the records table holds them (ports/dataset_repository.h
// fields_json): a flat JSON object whose values are strings. Services read and rewrite them (what
// "my data" shows, an owner's correction, eligibility rules) without a JSON library.
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace tongban::domain {

using RecordValues = std::map<std::string, std::string>;

// Parses {"field": "value", ...} (strings only, RFC 8259 escapes including \u surrogate pairs).
// kInvalidArgument (error.dataset.record_values) for anything else.
Result<RecordValues> ParseRecordValues(std::string_view json);

// The JSON object of `values`, keys in order, strings escaped as JsonStringLiteral does.
std::string RecordValuesJson(const RecordValues& values);

}  // namespace tongban::domain
