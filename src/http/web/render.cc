#include "http/web/render.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace tongban::http::web {
namespace {

namespace fs = std::filesystem;
namespace mu = kainjow::mustache;

std::vector<std::string> SplitKey(const std::string& key) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

}  // namespace

Data NestTexts(const std::map<std::string, std::string, std::less<>>& texts) {
  // Build a tree of std::map first (kainjow data has no mutable lookup), then convert.
  struct Node {
    std::string text;
    bool is_text = false;
    std::map<std::string, Node> children;
  };
  Node root;
  for (const auto& [key, text] : texts) {
    Node* node = &root;
    for (const std::string& part : SplitKey(key)) node = &node->children[part];
    node->is_text = true;
    node->text = text;
  }
  std::function<Data(const Node&)> convert = [&](const Node& node) -> Data {
    if (node.is_text) return Data(node.text);
    Data object{Data::type::object};
    for (const auto& [name, child] : node.children) object.set(name, convert(child));
    return object;
  };
  return convert(root);
}

Result<std::shared_ptr<const Renderer>> Renderer::Load(const std::string& web_dir, const Translator& i18n) {
  auto renderer = std::make_shared<Renderer>();
  const fs::path dir = fs::path(web_dir) / "templates";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return MakeError(ErrorCode::kInvalidArgument, dir.string() + ": no templates folder");
  }
  std::map<std::string, std::string> partials;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".mustache") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const std::string name = entry.path().stem().string();
    mu::mustache check(text.str());
    if (!check.is_valid()) {
      return MakeError(ErrorCode::kInvalidArgument, entry.path().string() + ": " + check.error_message());
    }
    if (!name.empty() && name.front() == '_') {
      partials.emplace(name, text.str());
    } else {
      renderer->pages_.emplace(name, text.str());
    }
  }
  if (ec) return MakeError(ErrorCode::kInvalidArgument, dir.string() + ": " + ec.message());
  for (auto* base : {&renderer->zh_base_, &renderer->en_base_}) {
    const auto lang = base == &renderer->zh_base_ ? domain::Language::kZh : domain::Language::kEn;
    *base = Data(Data::type::object);
    base->set("t", NestTexts(i18n.All(lang)));
    for (const auto& [name, source] : partials) {
      const std::string copy = source;
      base->set(name, mu::partial([copy] { return copy; }));
    }
  }
  return std::shared_ptr<const Renderer>(std::move(renderer));
}

Result<std::string> Renderer::Render(std::string_view name, domain::Language lang, const Data& page) const {
  const auto it = pages_.find(name);
  if (it == pages_.end()) return MakeError(ErrorCode::kNotFound, "no template " + std::string(name));
  mu::mustache tmpl(it->second);
  mu::context<mu::mustache::string_type> ctx(lang == domain::Language::kEn ? &en_base_ : &zh_base_);
  ctx.push(&page);
  std::string out = tmpl.render(ctx);
  if (!tmpl.is_valid()) return MakeError(ErrorCode::kInternal, "template " + std::string(name) + ": " + tmpl.error_message());
  return out;
}

}  // namespace tongban::http::web
