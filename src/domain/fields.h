// Validation of an application's form fields against its item (docs/product.md C1, C4).
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/catalogue.h"

namespace tongban::domain {

// Checks `values` against `item.fields`. Unknown field names, values for fields filled from shared
// data or licences, and type errors are always reported; missing required fields only when
// `complete` (submission). Values are canonicalised in place (trimmed, ids upper-cased, numbers
// normalised). Returns one FieldError per wrong field, empty when all is well. Message keys:
// error.field.unknown, .not_asked, .required, .number, .min, .max, .date, .select, .boolean,
// .id_number, .credit_code, .phone, .email, .too_short, .too_long, .pattern, .encoding (not
// UTF-8, or control characters). A form over the bounds of domain/limits.h (too many fields, too
// many bytes, a long or malformed name) gives one error for "fields" instead: error.form.*.
// Text answers are at most kMaxFieldValueCodePoints long whatever the catalogue says.
std::vector<FieldError> ValidateFields(const ServiceItem& item, std::map<std::string, std::string>& values,
                                       bool complete, Date today);

}  // namespace tongban::domain
