// Form views shared by the apply pages and the application pages: one field (label, hint,
// error, kept value) and the error summary that links to each wrong field.
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "http/web/page.h"

namespace tongban::http::web {

// The text of one field error: a precise reason key carried in `detail` wins (id numbers).
std::string FieldErrorText(const Site& site, const PageRequest& page, const FieldError& error);

// The view of `field` for the _field partial, with its value and error (may be empty).
Data FieldView(const Site& site, const PageRequest& page, const domain::Field& field, const std::string& value,
               const std::string& error);

// Adds "errors" and "has_errors" to `data` from a service error: each field error becomes a
// link to "#field-<name>" (or `materials_href` for materials), the others a line of text.
// Returns field name -> error text.
std::map<std::string, std::string> AddErrorSummary(const Site& site, const PageRequest& page, const Error& error,
                                                   Data& data, const std::string& materials_href = "");

// Adds "errors" and "has_errors" to `data` for a form with one answer in question: the error's
// text as one line linking to `anchor` ("#id" of that answer's input). Returns the text, for the
// message beside the input.
std::string AddOneErrorSummary(const Site& site, const PageRequest& page, const Error& error, Data& data,
                               const std::string& anchor);

// The title with the "Error: " prefix when the page shows errors (screen readers hear it first).
void MarkErrorTitle(const Site& site, const PageRequest& page, Data& data, const std::string& title);

}  // namespace tongban::http::web
