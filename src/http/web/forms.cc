#include "http/web/forms.h"

namespace tongban::http::web {

std::string FieldErrorText(const Site& site, const PageRequest& page, const FieldError& error) {
  if (error.detail.rfind("error.", 0) == 0 && site.i18n().Has(error.detail)) return page.T(site, error.detail);
  if (!site.i18n().Has(error.message_key)) return page.T(site, "error.field.invalid");
  return page.T(site, error.message_key, error.detail);
}

Data FieldView(const Site& site, const PageRequest& page, const domain::Field& field, const std::string& value,
               const std::string& error) {
  using domain::FieldType;
  Data view;
  view.set("name", field.name);
  view.set("id", "field-" + field.name);
  view.set("label", field.label.In(page.lang));
  view.set("required", field.required);
  const std::string hint = field.hint.In(page.lang);
  // A date input is drawn in the browser's locale, whatever the page's language: the hint names
  // the format the person sees (mm/dd/yyyy in an en-US browser), not the one that is sent.
  const std::string type_hint_key =
      field.type == FieldType::kDate
          ? DateHintKey(BrowserDateFormat(page.req != nullptr ? page.req->Header("accept-language") : ""))
          : std::string("hint.") + domain::FieldTypeName(field.type);
  const std::string type_hint = site.i18n().Has(type_hint_key) ? page.T(site, type_hint_key) : "";
  const std::string full_hint = hint.empty() ? type_hint : (type_hint.empty() ? hint : hint + " " + type_hint);
  SetText(view, "hint", full_hint);
  view.set("has_hint", !full_hint.empty());
  view.set("value", value);
  SetText(view, "error", error);
  view.set("has_error", !error.empty());
  std::string describedby;
  if (!full_hint.empty()) describedby += "field-" + field.name + "-hint";
  if (!error.empty()) describedby += std::string(describedby.empty() ? "" : " ") + "field-" + field.name + "-error";
  SetText(view, "describedby", describedby);

  std::string input_type = "text";
  std::string inputmode;
  std::string autocomplete = "off";
  switch (field.type) {
    case FieldType::kNumber: inputmode = "decimal"; break;
    case FieldType::kDate: input_type = "date"; break;
    case FieldType::kPhone: input_type = "tel"; autocomplete = "tel"; break;
    case FieldType::kEmail: input_type = "email"; autocomplete = "email"; break;
    case FieldType::kAddress: autocomplete = "street-address"; break;
    default: break;
  }
  const bool is_select = field.type == FieldType::kSelect || field.type == FieldType::kBoolean;
  view.set("is_select", is_select);
  view.set("is_textarea", field.type == FieldType::kAddress);
  view.set("is_input", !is_select && field.type != FieldType::kAddress);
  view.set("input_type", input_type);
  SetText(view, "inputmode", inputmode);
  view.set("autocomplete", autocomplete);
  view.set("wide", field.type == FieldType::kText || field.type == FieldType::kEmail);
  if (is_select) {
    Data options{Data::type::list};
    auto add = [&](const std::string& option_value, const std::string& label) {
      Data option;
      option.set("value", option_value);
      option.set("label", label);
      option.set("selected", option_value == value);
      options.push_back(option);
    };
    add("", page.T(site, "form.choose"));
    if (field.type == FieldType::kBoolean) {
      add("true", page.T(site, "form.yes"));
      add("false", page.T(site, "form.no"));
    } else {
      for (const auto& option : field.options) add(option.value, option.label.In(page.lang));
    }
    view.set("options", options);
  }
  return view;
}

std::map<std::string, std::string> AddErrorSummary(const Site& site, const PageRequest& page, const Error& error,
                                                   Data& data, const std::string& materials_href) {
  std::map<std::string, std::string> by_field;
  Data errors{Data::type::list};
  for (const FieldError& field_error : error.fields) {
    const std::string text = FieldErrorText(site, page, field_error);
    Data row;
    row.set("text", text);
    if (field_error.field.rfind("materials.", 0) == 0) {
      if (!materials_href.empty()) row.set("href", materials_href);
    } else if (field_error.field == "fields" || field_error.field == "file_name") {
      // The form as a whole (over its bounds) or the uploaded file: no one field to link to.
    } else {
      row.set("href", "#field-" + field_error.field);
      by_field.emplace(field_error.field, text);
    }
    errors.push_back(row);
  }
  if (error.fields.empty()) {
    Data row;
    row.set("text", ErrorText(site, page, error));
    errors.push_back(row);
  }
  data.set("errors", errors);
  data.set("has_errors", true);
  return by_field;
}

std::string AddOneErrorSummary(const Site& site, const PageRequest& page, const Error& error, Data& data,
                               const std::string& anchor) {
  const std::string text = ErrorText(site, page, error);
  Data row;
  row.set("text", text);
  row.set("href", anchor);
  Data errors{Data::type::list};
  errors.push_back(row);
  data.set("errors", errors);
  data.set("has_errors", true);
  return text;
}

void MarkErrorTitle(const Site& site, const PageRequest& page, Data& data, const std::string& title) {
  data.set("title", page.T(site, "page.error_prefix") + title);
}

}  // namespace tongban::http::web
