// SPDX-License-Identifier: Apache-2.0
// *.layout.yaml -> LayoutModel, with every problem reported as file:line:column.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "layout/layout_model.h"
#include "lang/doc_reader.h"

namespace ckptlint {
namespace {

class LayoutReader : DocReader {
 public:
  LayoutReader(const std::string& file, std::vector<RuleError>& errors, const LayoutBlocks& blocks)
      : DocReader(file, errors), blocks_(blocks) {}

  // The header; the tensor templates are read by body().
  std::shared_ptr<LayoutModel> header(const DocNode& root) {
    if (!root.is_map()) {
      error(root, "a layout file must be a mapping");
      return nullptr;
    }
    auto m = std::make_shared<LayoutModel>();
    m->source = file();
    static const std::set<std::string> kKeys = {"layout", "applies-to", "let", "prefixes", "default-variant",
                                                "optional-parts", "quantization", "tensors"};
    for (const auto& kv : root.members()) {
      if (kKeys.count(kv.first.scalar()) == 0) error(kv.first, fmt::format("unknown key '{}'", kv.first.scalar()));
    }
    m->name = root["layout"].scalar();
    if (m->name.empty()) error(root, "missing 'layout' (the model's name)");
    if (root["applies-to"]["model-type"].defined()) m->model_types = strings(root["applies-to"]["model-type"], "applies-to.model-type");
    if (m->model_types.empty()) error(root, "missing applies-to.model-type");
    if (root["applies-to"]["when"].defined()) m->when = expression(root["applies-to"]["when"], "applies-to.when").value_or(Expr{});
    for (const auto& kv : root["applies-to"].members()) {
      if (kv.first.scalar() != "model-type" && kv.first.scalar() != "when") error(kv.first, fmt::format("unknown key 'applies-to.{}'", kv.first.scalar()));
    }
    if (root["prefixes"].is_map()) {
      for (const auto& variant : root["prefixes"].members()) {
        if (m->default_variant.empty()) m->default_variant = variant.first.scalar();
        for (const auto& part : variant.second.members()) m->prefixes[variant.first.scalar()][part.first.scalar()] = part.second.scalar();
      }
    } else {
      error(root, "missing 'prefixes' (variant -> part -> key prefix)");
    }
    if (root["optional-parts"].defined()) m->optional_parts = strings(root["optional-parts"], "optional-parts");
    if (const DocNode& q = root["quantization"]; q.defined()) {
      if (q["entry-prefixes"].defined()) m->quant_entry_prefixes = strings(q["entry-prefixes"], "quantization.entry-prefixes");
      static const std::set<std::string> kQuantKeys = {"default-recipe", "recipes", "always-quantized", "entry-prefixes"};
      for (const auto& kv : q.members()) {
        if (kQuantKeys.count(kv.first.scalar()) == 0) error(kv.first, fmt::format("unknown key 'quantization.{}'", kv.first.scalar()));
      }
    }
    return m;
  }

  // `tensors`: root's `tensors:` value (read apart when it is still packed).
  LayoutBody body(const DocNode& root, const DocNode& tensors, const LayoutModel& m) {
    LayoutBody out;
    out.lets = expressions(root["let"], "let");
    if (root["default-variant"].defined()) {
      out.default_variant_expr = expression(root["default-variant"], "default-variant").value_or(Expr{});
    }
    if (const DocNode& q = root["quantization"]; q.defined()) {
      out.default_recipe = q["default-recipe"].scalar();
      if (q["recipes"].is_map()) {
        for (const auto& kv : q["recipes"].members()) {
          if (auto e = expression(kv.second, "recipe")) out.recipes[kv.first.scalar()] = *e;
        }
      }
      if (!out.default_recipe.empty() && out.recipes.count(out.default_recipe) == 0) {
        error(q["default-recipe"], fmt::format("default-recipe '{}' is not among the recipes", out.default_recipe));
      }
      if (q["always-quantized"].defined()) {
        if (auto e = expression(q["always-quantized"], "always-quantized")) out.always_quantized = *e;
      }
    }
    std::vector<std::string> scope;
    for (const auto& [name, e] : out.lets) scope.push_back(name);
    if (tensors.is_sequence()) {
      for (const auto& n : tensors.items()) out.tensors.push_back(node(n, scope, {}, m));
    } else {
      error(root, "missing 'tensors' (a list)");
    }
    out.constant_slots = slots_;
    return out;
  }

 private:
  // Placeholders of a name template must be variables in scope: a typo fails at load time.
  void check_template(const DocNode& at, const std::string& name, const std::vector<std::string>& scope) {
    for (std::size_t open = name.find('{'); open != std::string::npos; open = name.find('{', open + 1)) {
      std::size_t close = name.find('}', open);
      if (close == std::string::npos) {
        error(at, "unterminated '{' in name");
        return;
      }
      std::string var = name.substr(open + 1, close - open - 1);
      if (std::find(scope.begin(), scope.end(), var) == scope.end()) {
        error(at, fmt::format("name uses '{{{}}}', which is no variable in scope", var));
      }
    }
  }

  // An expression that reads none of the `bound` names (loop variables and group lets around
  // it) is constant within an expansion: it gets a slot.
  LayoutExpr classify(Expr e, const std::vector<std::string>& bound) {
    LayoutExpr out{std::move(e), -1};
    if (out.empty()) return out;
    for (const std::string& name : out.expr.names()) {
      if (std::find(bound.begin(), bound.end(), name) != bound.end()) return out;
    }
    out.slot = slots_++;
    return out;
  }

  std::vector<std::pair<std::string, LayoutExpr>> classify(std::vector<std::pair<std::string, Expr>> list,
                                                           const std::vector<std::string>& bound) {
    std::vector<std::pair<std::string, LayoutExpr>> out;
    for (auto& [name, e] : list) out.emplace_back(name, classify(std::move(e), bound));
    return out;
  }

  // `name` cut at its placeholders (check_template has checked them).
  static std::vector<NamePiece> pieces(const std::string& name, const std::vector<std::string>& bound) {
    std::vector<NamePiece> out;
    std::size_t i = 0;
    while (true) {
      std::size_t open = name.find('{', i);
      std::size_t close = open == std::string::npos ? std::string::npos : name.find('}', open);
      if (close == std::string::npos) {
        out.push_back({name.substr(i), "", false});
        return out;
      }
      NamePiece p{name.substr(i, open - i), name.substr(open + 1, close - open - 1), false};
      p.bound = std::find(bound.begin(), bound.end(), p.var) != bound.end();
      out.push_back(std::move(p));
      i = close + 1;
    }
  }

  // `scope`: every name a template may use (model lets too); `bound`: the loop variables and
  // group lets around the node, which change within an expansion.
  LayoutNode node(const DocNode& n, std::vector<std::string> scope, std::vector<std::string> bound, const LayoutModel& m) {
    LayoutNode out;
    out.line = n.line() + 1;
    if (!n.is_map()) {
      error(n, "a tensors item must be a mapping");
      return out;
    }
    if (n["tensors"].defined() || n["use"].defined()) {
      out.is_group = true;
      static const std::set<std::string> kGroupKeys = {"for", "let", "when", "tensors", "use"};
      for (const auto& kv : n.members()) {
        if (kGroupKeys.count(kv.first.scalar()) == 0) error(kv.first, fmt::format("unknown key '{}' in a group", kv.first.scalar()));
      }
      // `use: NAME`: the tensors of a shared block, read here as if written in place, so
      // that its names and expressions see this group's loop variables and lets.
      const DocNode* children = &n["tensors"];
      if (n["use"].defined()) {
        if (n["tensors"].defined()) error(n["use"], "a group has either 'tensors' or 'use', not both");
        auto block = blocks_.find(n["use"].scalar());
        if (block == blocks_.end()) {
          std::string known;
          for (const auto& [name, b] : blocks_) known += (known.empty() ? "" : ", ") + name;
          error(n["use"], fmt::format("no block '{}' (blocks: {})", n["use"].scalar(), known.empty() ? "none" : known));
          return out;
        }
        if (std::find(using_.begin(), using_.end(), block->first) != using_.end() || using_.size() >= 16) {
          error(n["use"], fmt::format("block '{}' uses itself", block->first));
          return out;
        }
        using_.push_back(block->first);
        children = &block->second.tensors;
      }
      if (const DocNode& f = n["for"]; f.defined()) {
        if (!f.is_map() || f.size() != 1) {
          error(f, "'for' must be one 'variable: count-or-list' pair");
        } else {
          out.loop_var = f.members().front().first.scalar();
          if (auto e = expression(f.members().front().second, "for")) out.loop_over = classify(*e, bound);
          scope.push_back(out.loop_var);
          bound.push_back(out.loop_var);
        }
      }
      auto lets = expressions(n["let"], "let");
      for (const auto& [name, e] : lets) {
        scope.push_back(name);
        bound.push_back(name);
      }
      out.lets = classify(std::move(lets), bound);
      // A group's `when` is read after its loop variable and lets: false expands nothing.
      if (n["when"].defined()) out.when = classify(expression(n["when"], "when").value_or(Expr{}), bound);
      for (const auto& child : children->items()) out.children.push_back(node(child, scope, bound, m));
      if (n["use"].defined()) using_.pop_back();
      return out;
    }
    static const std::set<std::string> kKeys = {"name", "part", "shape", "module", "group", "dtype", "when", "optional", "attrs"};
    for (const auto& kv : n.members()) {
      if (kKeys.count(kv.first.scalar()) == 0) error(kv.first, fmt::format("unknown key '{}' in a tensor", kv.first.scalar()));
    }
    out.name = n["name"].scalar();
    if (out.name.empty()) error(n, "a tensor needs a 'name'");
    check_template(n["name"], out.name, scope);
    out.name_pieces = pieces(out.name, bound);
    out.part = n["part"].scalar();
    bool known_part = false;
    for (const auto& [variant, parts] : m.prefixes) known_part = known_part || parts.count(out.part) != 0;
    if (!known_part) error(n, fmt::format("part '{}' has no prefix in any variant", out.part));
    if (!n["shape"].is_sequence()) {
      error(n, "a tensor needs a 'shape' list");
    } else {
      for (const auto& d : n["shape"].items()) {
        if (auto e = expression(d, "shape")) out.shape.push_back(classify(*e, bound));
      }
    }
    out.module = n["module"].scalar();
    if (!out.module.empty() && out.module != "linear" && out.module != "embedding") {
      error(n["module"], fmt::format("module '{}' must be linear or embedding", out.module));
    }
    out.group = n["group"].scalar();
    if (n["dtype"].defined()) {
      if (auto e = expression(n["dtype"], "dtype")) out.dtype = classify(*e, bound);
    }
    if (n["when"].defined()) out.when = classify(expression(n["when"], "when").value_or(Expr{}), bound);
    if (n["optional"].defined()) out.optional = classify(expression(n["optional"], "optional").value_or(Expr{}), bound);
    out.float_bound = std::find(bound.begin(), bound.end(), "float") != bound.end();
    out.layer_bound = std::find(bound.begin(), bound.end(), "layer") != bound.end();
    out.labels = {{"part", out.part}, {"group", out.group}, {"module", out.module}, {"quantizable", !out.module.empty()}};
    if (const DocNode& a = n["attrs"]; a.defined()) {
      for (const auto& kv : a.members()) {
        if (auto e = expression(kv.second, "attrs")) out.attrs.emplace_back(kv.first.scalar(), classify(*e, bound));
      }
    }
    return out;
  }

  int slots_ = 0;
  const LayoutBlocks& blocks_;
  std::vector<std::string> using_;  // the blocks being read, innermost last
};

}  // namespace

std::shared_ptr<const LayoutModel> load_layout_model(const std::string& file, const DocNode& root,
                                                     std::vector<RuleError>& errors, const LayoutBlocks& blocks) {
  std::size_t before = errors.size();
  LayoutReader reader(file, errors, blocks);
  std::shared_ptr<LayoutModel> m = reader.header(root);
  if (m == nullptr) return nullptr;
  m->set_body(reader.body(root, root["tensors"], *m));
  return errors.size() == before ? m : nullptr;
}

std::shared_ptr<const LayoutModel> load_validated_layout_model(const std::string& file, std::shared_ptr<const DocNode> root,
                                                               std::function<DocNode()> read_tensors, std::vector<RuleError>& errors,
                                                               std::shared_ptr<const LayoutBlocks> blocks) {
  std::size_t before = errors.size();
  std::shared_ptr<LayoutModel> m = LayoutReader(file, errors, *blocks).header(*root);
  if (m == nullptr || errors.size() != before) return nullptr;
  // The model owns this function, so it may point at the model. The build compiled the same
  // document without an error, so none is kept.
  m->defer_body([file, root = std::move(root), read_tensors = std::move(read_tensors), blocks = std::move(blocks), model = m.get()] {
    std::vector<RuleError> ignored;
    return LayoutReader(file, ignored, *blocks).body(*root, read_tensors(), *model);
  });
  return m;
}

void load_layout_blocks(const std::string& file, const DocNode& root, std::vector<RuleError>& errors,
                        LayoutBlocks& blocks) {
  DocReader reader(file, errors);
  if (!root.is_map() || !root["blocks"].is_map()) {
    reader.error(root, "a blocks file must be a mapping with 'blocks: {NAME: {tensors: [...]}}'");
    return;
  }
  for (const auto& kv : root.members()) {
    if (kv.first.scalar() != "blocks") reader.error(kv.first, fmt::format("unknown key '{}'", kv.first.scalar()));
  }
  for (const auto& [key, block] : root["blocks"].members()) {
    for (const auto& kv : block.members()) {
      if (kv.first.scalar() != "tensors") reader.error(kv.first, fmt::format("unknown key '{}' in a block", kv.first.scalar()));
    }
    if (!block["tensors"].is_sequence()) {
      reader.error(key, fmt::format("block '{}' needs a 'tensors' list", key.scalar()));
      continue;
    }
    auto [it, inserted] = blocks.try_emplace(key.scalar(), LayoutBlock{file, block["tensors"]});
    if (!inserted) reader.error(key, fmt::format("block '{}' is already defined in {}", key.scalar(), it->second.file));
  }
}

}  // namespace ckptlint
