// Renders the server-side pages: mustache templates from web/templates, every text from the
// Translator (exposed to templates as {{t.some.key}}), partials by file name ("_header").
// Thread-safety: immutable after Load; Render is safe from every thread (each call parses its
// own template copy, so no renderer state is shared between requests).
#pragma once

#include <kainjow/mustache.hpp>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "domain/text.h"
#include "http/i18n.h"

namespace tongban::http::web {

using Data = kainjow::mustache::data;

class Renderer {
 public:
  // Reads every WEB_DIR/templates/*.mustache; files whose name starts with '_' are partials.
  // kInvalidArgument when the folder is missing or a template does not parse.
  static Result<std::shared_ptr<const Renderer>> Load(const std::string& web_dir, const Translator& i18n);

  // Renders the page template `name` (without ".mustache") with `page` over the language's
  // texts and the partials. kNotFound for an unknown template, kInternal for a render error.
  Result<std::string> Render(std::string_view name, domain::Language lang, const Data& page) const;

  bool HasTemplate(std::string_view name) const { return pages_.count(std::string(name)) > 0; }

 private:
  std::map<std::string, std::string, std::less<>> pages_;
  Data zh_base_;  // {"t": nested texts, partial name: source, ...}
  Data en_base_;
};

// Builds nested mustache data from flat "a.b.c" -> text keys. Keys that would be both a text and
// a parent ("a.b" and "a.b.c") keep the text and drop the children (avoid such keys).
Data NestTexts(const std::map<std::string, std::string, std::less<>>& texts);

}  // namespace tongban::http::web
