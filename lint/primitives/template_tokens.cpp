// SPDX-License-Identifier: Apache-2.0
// Special tokens a chat template writes that the tokenizer does not have. A string in a
// template is one token only if the tokenizer lists it among its added tokens; otherwise it
// is split into pieces and the model never sees the token it was trained on (a Gemma 3
// template on a Gemma 4 tokenizer: '<end_of_turn>' is not in its vocabulary).
//
// A template's literal counts as a special token when it is `<...>` of at most 64 bytes
// with no space or angle bracket inside and holding `must-contain` (the `<|...|>` shape of
// Gemma 4, Qwen, Llama 3 and Phi-3 tokens), or when it is one of the strings `also` names
// (markers of another shape: the family's own, and other families' that templates copied
// across families write). Checked against the tokenizer's added tokens when all were read
// (tokenizer.json, or tokenizer_config.json's added_tokens_decoder); without them, only the
// `also` strings, against `fallback` (the special tokens the family's release is known to
// have: its token facts). One match per template file and token.
#include <set>

#include "primitives/primitive.h"

namespace ckptlint {
namespace {

constexpr std::size_t kMaxToken = 64;

std::set<std::string> shaped_tokens(const std::string& text, const std::string& must_contain) {
  std::set<std::string> out;
  for (std::size_t at = text.find('<'); at != std::string::npos; at = text.find('<', at + 1)) {
    std::size_t end = at + 1;
    while (end < text.size() && end - at <= kMaxToken && text[end] != '>' && text[end] != '<' &&
           static_cast<unsigned char>(text[end]) > ' ') {
      ++end;
    }
    if (end < text.size() && text[end] == '>' && end > at + 1) {
      std::string token = text.substr(at, end - at + 1);
      if (token.find(must_contain) != std::string::npos) out.insert(std::move(token));
    }
  }
  return out;
}

class TemplateTokens final : public Primitive {
 public:
  TemplateTokens(std::string must_contain, Expr also, Expr fallback)
      : must_contain_(std::move(must_contain)), also_(std::move(also)), fallback_(std::move(fallback)) {}

  std::vector<std::string> fact_names() const override { return {"file", "token", "where", "tokenizer", "count"}; }

  void run(const RunContext& context, MatchSink& out) const override {
    const SideFiles& side = context.checkpoint.side;
    const bool from_json = side.tokenizer && side.tokenizer->added_complete;
    const bool from_config = !from_json && !side.config_added.empty();
    std::set<std::string> known;
    if (from_json) {
      for (const AddedToken& a : side.tokenizer->added) known.insert(a.content);
    }
    for (const AddedToken& a : side.config_added) known.insert(a.content);
    std::vector<std::string> also = strings(also_, context.scope);
    // Without the tokenizer's own list, only the markers named in `also` are judged, by
    // what the family is known to have.
    const bool by_facts = !from_json && !from_config;
    if (by_facts) {
      std::vector<std::string> family = strings(fallback_, context.scope);
      if (family.empty()) return;
      known.insert(family.begin(), family.end());
    }
    const std::string tokenizer = from_json ? "tokenizer.json" : from_config ? "tokenizer_config.json" : "the family's token facts";
    auto check = [&](const std::string* text, const std::string& file, const std::string& where) {
      if (text == nullptr) return;
      std::set<std::string> used = by_facts ? std::set<std::string>{} : shaped_tokens(*text, must_contain_);
      for (const std::string& a : also) {
        if (text->find(a) != std::string::npos) used.insert(a);
      }
      for (const std::string& token : used) {
        if (known.count(token) != 0) continue;
        Match m;
        m.location.file = file;
        m.facts = {{"file", file}, {"token", token}, {"where", where}, {"tokenizer", tokenizer}, {"count", std::to_string(known.size()) + (by_facts ? " special tokens" : " added tokens")}};
        out.push_back(std::move(m));
      }
    };
    if (side.tokenizer_config && side.tokenizer_config->value.contains("chat_template")) {
      const nlohmann::json& t = side.tokenizer_config->value["chat_template"];
      if (t.is_string()) check(&t.get_ref<const std::string&>(), "tokenizer_config.json", "the chat_template in tokenizer_config.json");
      for (const auto& named : t.is_array() ? t : nlohmann::json::array()) {
        if (named.is_object() && named.contains("template") && named["template"].is_string()) {
          check(&named["template"].get_ref<const std::string&>(), "tokenizer_config.json", "a chat_template in tokenizer_config.json");
        }
      }
    }
    if (side.chat_template_jinja) check(&*side.chat_template_jinja, "chat_template.jinja", "chat_template.jinja");
    if (side.chat_template_json && side.chat_template_json->value.contains("chat_template") &&
        side.chat_template_json->value["chat_template"].is_string()) {
      check(&side.chat_template_json->value["chat_template"].get_ref<const std::string&>(), "chat_template.json", "chat_template.json");
    }
  }

 private:
  // An expression's strings: a list's, or an object's keys (a family's `ids`).
  static std::vector<std::string> strings(const Expr& e, const Scope& scope) {
    std::vector<std::string> out;
    if (e.empty()) return out;
    nlohmann::json v = e.eval(scope);
    if (v.is_object()) {
      for (const auto& [k, id] : v.items()) out.push_back(k);
    }
    for (const auto& item : v.is_array() ? v : nlohmann::json::array()) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
    return out;
  }

  std::string must_contain_;
  Expr also_, fallback_;
};

}  // namespace

std::unique_ptr<Primitive> make_template_tokens(PrimitiveArgs& with) {
  with.allow_only({"must-contain", "also", "fallback"});
  std::string must_contain = with.string("must-contain", true);
  Expr also = with.expression("also", false), fallback = with.expression("fallback", false);
  if (must_contain.empty()) return nullptr;
  return std::make_unique<TemplateTokens>(std::move(must_contain), std::move(also), std::move(fallback));
}

}  // namespace ckptlint
