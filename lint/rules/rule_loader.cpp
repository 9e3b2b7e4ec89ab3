// SPDX-License-Identifier: Apache-2.0
// YAML rule files -> CompiledRule. Every problem becomes a RuleError with file:line:column;
// all of them are collected before giving up.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "ckptlint/load.h"

#include "layout/layout_model.h"
#include "lang/doc_reader.h"
#include "rules/rule_documents.h"
#include "rules/rule_packs.h"

namespace ckptlint {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kMaxPackEntries = 20'000;

const std::set<std::string> kRuleKeys = {"id",   "class",     "severity", "summary", "message", "help",
                                         "references", "primitive", "with", "applies-to", "let", "enabled", "key",
                                         "diagnosis", "aggregate", "explains", "fix"};
const std::set<std::string> kAggregateKeys = {"by", "message", "diagnosis", "key", "file", "at-least"};
// Facts an aggregate message has beside its primitive's.
const std::vector<std::string> kAggregateFacts = {"count", "module_count", "modules"};
const std::set<std::string> kAppliesToKeys = {"model-type", "layout", "kind", "when"};

// `with:` as compact flow text for `ckptlint rules ID`: {code: offsets-gap}.
std::string with_text(const DocNode& n) {
  if (n.is_scalar()) return n.scalar();
  std::string out;
  if (n.is_sequence()) {
    for (const auto& item : n.items()) out += (out.empty() ? "" : ", ") + with_text(item);
    return "[" + out + "]";
  }
  if (n.is_map()) {
    for (const auto& kv : n.members()) out += (out.empty() ? "" : ", ") + kv.first.scalar() + ": " + with_text(kv.second);
    return "{" + out + "}";
  }
  return "null";
}

// [a-z0-9]+(-[a-z0-9]+)*, without std::regex (compiling one cost more than reading a rule).
bool is_kebab_case(std::string_view id) {
  bool after_dash = true;  // a word must start here
  for (char c : id) {
    if (c == '-') {
      if (after_dash) return false;
      after_dash = true;
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      after_dash = false;
    } else {
      return false;
    }
  }
  return !after_dash;
}

class RuleFileReader : DocReader {
 public:
  /// `key_layouts`: the variants the packs' layout models declare, for `applies-to.layout`.
  RuleFileReader(const std::string& file, std::vector<RuleError>& errors, const std::set<std::string>& key_layouts)
      : DocReader(file, errors), key_layouts_(key_layouts) {}

  std::shared_ptr<const CompiledRule> read(const DocNode& root) {
    if (!root.is_map()) {
      error(root, "a rule file must be a mapping of rule fields");
      return nullptr;
    }
    std::size_t before = errors().size();
    auto compiled = std::make_shared<CompiledRule>();
    Rule& r = compiled->rule;
    r.source = file();
    for (const auto& kv : root.members()) {
      std::string key = kv.first.scalar();
      if (kRuleKeys.count(key) == 0) error(kv.first, fmt::format("unknown key '{}'", key));
    }
    r.id = scalar(root, "id", true);
    std::string stem = fs::path(file()).stem().string();
    if (!r.id.empty() && !is_kebab_case(r.id)) error(root["id"], fmt::format("id '{}' is not kebab-case", r.id));
    if (!r.id.empty() && r.id != stem) error(root["id"], fmt::format("id '{}' differs from the file name '{}'", r.id, stem));
    std::string cls = scalar(root, "class", true);
    if (auto c = failure_class_from_string(cls)) {
      r.failure_class = *c;
    } else if (!cls.empty()) {
      std::string all;
      for (const std::string& n : failure_class_names()) all += (all.empty() ? "" : ", ") + n;
      error(root["class"], fmt::format("unknown class '{}' (one of: {})", cls, all));
    }
    std::string sev = scalar(root, "severity", true);
    if (auto s = severity_from_string(sev)) r.severity = *s;
    else if (!sev.empty()) error(root["severity"], fmt::format("unknown severity '{}' (error, warning or info)", sev));
    r.summary = scalar(root, "summary", true);
    r.message = scalar(root, "message", true);
    r.help = scalar(root, "help", true);
    r.references = list(root, "references");
    r.enabled_by_default = scalar(root, "enabled", false, "true") == "true";
    compiled->lets = expressions(root["let"], "let");
    read_applies_to(root["applies-to"], *compiled);
    r.primitive = scalar(root, "primitive", true);
    const DocNode& with = root["with"];
    if (with.defined() && !with.is_null()) r.with = with_text(with);
    if (!r.primitive.empty()) {
      if (PrimitiveFactory make = find_primitive(r.primitive)) {
        PrimitiveArgs args(with, *this);
        compiled->primitive = make(args);
      } else {
        error(root["primitive"], fmt::format("unknown primitive '{}'", r.primitive));
      }
    }
    if (auto message = read_template(root["message"], *compiled)) compiled->message = *message;
    if (root["diagnosis"].defined()) {
      if (auto diagnosis = read_template(root["diagnosis"], *compiled)) compiled->diagnosis = *diagnosis;
    }
    if (root["key"].defined()) {
      if (auto key = read_template(root["key"], *compiled)) {
        compiled->key = *key;
        r.key = root["key"].scalar();
      }
    }
    read_aggregate(root["aggregate"], *compiled);
    read_explains(root["explains"], *compiled);
    read_fix(root["fix"], *compiled);
    if (errors().size() != before || !compiled->primitive) return nullptr;
    return compiled;
  }

 private:
  std::string scalar(const DocNode& map, const char* key, bool required, const std::string& fallback = "") {
    const DocNode& v = map[key];
    if (!v.defined() || v.is_null()) {
      if (required) error(map, fmt::format("missing required key '{}'", key));
      return fallback;
    }
    if (!v.is_scalar()) {
      error(v, fmt::format("'{}' must be a string", key));
      return fallback;
    }
    if (required && v.scalar().empty()) error(v, fmt::format("'{}' must not be empty", key));
    return v.scalar();
  }

  std::vector<std::string> list(const DocNode& map, const char* key) { return strings(map[key], fmt::format("'{}'", key)); }

  void read_applies_to(const DocNode& applies, CompiledRule& rule) {
    if (!applies.defined() || applies.is_null()) return;
    if (!applies.is_map()) {
      error(applies, "'applies-to' must be a mapping");
      return;
    }
    for (const auto& kv : applies.members()) {
      if (kAppliesToKeys.count(kv.first.scalar()) == 0) {
        error(kv.first, fmt::format("unknown key '{}' in applies-to (model-type, layout, kind, when)", kv.first.scalar()));
      }
    }
    rule.rule.model_types = list(applies, "model-type");
    rule.rule.layouts = list(applies, "layout");
    rule.rule.kinds = list(applies, "kind");
    for (const std::string& k : rule.rule.kinds) {
      if (k != "checkpoint" && k != "adapter" && k != "diff") error(applies["kind"], fmt::format("unknown kind '{}' (checkpoint, adapter or diff)", k));
    }
    for (const std::string& l : rule.rule.layouts) {
      if (key_layouts_.count(l) == 0 && l != "unknown") {
        std::string known;
        for (const std::string& k : key_layouts_) known += k + ", ";
        error(applies["layout"], fmt::format("unknown layout '{}' (the layout models' key layouts: {}unknown)", l, known));
      }
    }
    if (applies["when"].defined()) {
      if (auto e = expression(applies["when"], "applies-to.when")) {
        rule.when = *e;
        rule.rule.when = e->text();
      }
    }
  }

  void read_aggregate(const DocNode& node, CompiledRule& rule) {
    if (!node.defined() || node.is_null()) return;
    if (!node.is_map()) {
      error(node, "'aggregate' must be a mapping (by, message, diagnosis, key, file, at-least)");
      return;
    }
    for (const auto& kv : node.members()) {
      if (kAggregateKeys.count(kv.first.scalar()) == 0) {
        error(kv.first, fmt::format("unknown key '{}' in aggregate (by, message, diagnosis, key, file, at-least)", kv.first.scalar()));
      }
    }
    Aggregate a;
    for (const char* required : {"by", "message"}) {
      if (!node[required].is_scalar()) error(node, fmt::format("aggregate needs '{}' (a template)", required));
    }
    if (auto by = read_template(node["by"], rule)) a.by = *by;
    if (auto message = read_template(node["message"], rule, kAggregateFacts)) a.message = *message;
    if (node["diagnosis"].defined()) a.diagnosis = read_template(node["diagnosis"], rule, kAggregateFacts);
    if (node["key"].defined()) a.key = read_template(node["key"], rule);
    a.file = scalar(node, "file", false);
    std::string at_least = scalar(node, "at-least", false, "2");
    if (at_least.empty() || at_least.size() > 6 || at_least.find_first_not_of("0123456789") != std::string::npos || std::stoul(at_least) < 2) {
      error(node["at-least"], "at-least must be a whole number of 2 or more");
    } else {
      a.at_least = std::stoul(at_least);
    }
    rule.rule.aggregate = node["message"].scalar();
    rule.aggregate = std::move(a);
  }

  void read_explains(const DocNode& node, CompiledRule& rule) {
    if (!node.defined() || node.is_null()) return;
    if (!node.is_sequence()) {
      error(node, "'explains' must be a list of {rule: ID, same: tensor | module | file | run}");
      return;
    }
    static const std::vector<std::pair<std::string, Explains::Scope>> kScopes = {
        {"tensor", Explains::Scope::tensor}, {"module", Explains::Scope::module}, {"file", Explains::Scope::file}, {"run", Explains::Scope::run}};
    for (const DocNode& item : node.items()) {
      if (!item.is_map() || !item["rule"].is_scalar()) {
        error(item, "each 'explains' entry needs 'rule' (a rule id) and 'same' (tensor, module, file or run)");
        continue;
      }
      for (const auto& kv : item.members()) {
        if (kv.first.scalar() != "rule" && kv.first.scalar() != "same") error(kv.first, fmt::format("unknown key '{}' in explains (rule, same)", kv.first.scalar()));
      }
      Explains e;
      e.rule = item["rule"].scalar();
      std::string same = scalar(item, "same", false, "tensor");
      bool known = false;
      for (const auto& [name, scope] : kScopes) {
        if (name == same) {
          e.same = scope;
          known = true;
        }
      }
      if (!known) error(item["same"], fmt::format("unknown scope '{}' (tensor, module, file or run)", same));
      rule.rule.explains.push_back(fmt::format("{} (same {})", e.rule, same));
      rule.explains.push_back(std::move(e));
    }
  }

  // `fix: {safety, what, edits: [{op, file, path, value | candidates, when, for-each, if-parent}]}`.
  void read_fix(const DocNode& node, CompiledRule& rule) {
    if (!node.defined() || node.is_null()) return;
    if (!node.is_map()) {
      error(node, "'fix' must be a mapping (safety, what, edits)");
      return;
    }
    for (const auto& kv : node.members()) {
      const std::string& k = kv.first.scalar();
      if (k != "safety" && k != "what" && k != "edits") error(kv.first, fmt::format("unknown key '{}' in fix (safety, what, edits)", k));
    }
    FixSpec spec;
    std::string safety = scalar(node, "safety", true);
    if (safety != "safe" && safety != "unsafe" && !safety.empty()) error(node["safety"], "safety must be safe or unsafe");
    spec.unsafe = safety == "unsafe";
    spec.what = scalar(node, "what", true);
    const DocNode& edits = node["edits"];
    if (!edits.is_sequence() || edits.size() == 0) {
      error(node, "fix needs 'edits', a list");
      return;
    }
    static const std::vector<std::pair<std::string, FixEdit::Op>> kOps = {
        {"set", FixEdit::Op::set}, {"remove", FixEdit::Op::remove}, {"write-index", FixEdit::Op::write_index},
        {"copy-from-base", FixEdit::Op::copy_from_base}, {"copy-value-from-base", FixEdit::Op::copy_value_from_base}};
    // Bound per edit besides the facts: the related location's tensor and module.
    const std::vector<std::string> each = {"tensor", "module"};
    for (const DocNode& e : edits.items()) {
      if (!e.is_map()) {
        error(e, "each edit is a mapping {op, file, path, value | candidates, when, for-each, if-parent}");
        continue;
      }
      for (const auto& kv : e.members()) {
        static const std::set<std::string> kKeys = {"op", "file", "path", "value", "candidates", "when", "for-each", "if-parent"};
        if (kKeys.count(kv.first.scalar()) == 0) error(kv.first, fmt::format("unknown key '{}' in a fix edit", kv.first.scalar()));
      }
      FixEdit edit;
      std::string op = scalar(e, "op", true);
      bool known = false;
      for (const auto& [name, o] : kOps) {
        if (name == op) edit.op = o, known = true;
      }
      if (!known && !op.empty()) error(e["op"], "op must be set, remove, write-index, copy-from-base or copy-value-from-base");
      std::string each_of = scalar(e, "for-each", false);
      if (!each_of.empty() && each_of != "related") error(e["for-each"], "for-each takes 'related' (the finding's related locations)");
      edit.each_related = each_of == "related";
      edit.if_parent = scalar(e, "if-parent", false, "false") == "true";
      const std::vector<std::string> extra = edit.each_related ? each : std::vector<std::string>{};
      if (edit.op != FixEdit::Op::write_index) {
        if (auto file = read_template(e["file"], rule, extra)) edit.file = *file;
        else error(e, "this edit needs 'file'");
      }
      const DocNode& path = e["path"];
      if (path.is_sequence()) {
        for (const DocNode& step : path.items()) {
          if (auto t = read_template(step, rule, extra)) edit.path.push_back(*t);
        }
      } else if (path.is_scalar()) {  // "text_config.tie_word_embeddings": keys without dots of their own
        if (auto t = read_template(path, rule, extra)) edit.path.push_back(*t);
        edit.dotted = true;
      } else if (edit.op == FixEdit::Op::set || edit.op == FixEdit::Op::remove || edit.op == FixEdit::Op::copy_value_from_base) {
        error(e, "this edit needs 'path', a list of keys");
      }
      if (edit.op == FixEdit::Op::set) {
        if (e["candidates"].defined()) {
          if (e["value"].defined()) error(e["candidates"], "an edit takes 'value' or 'candidates', not both");
          if (auto v = expression(e["candidates"], "fix candidates")) edit.candidates = *v;
        } else if (!e["value"].defined()) {
          error(e, "set needs 'value' (an expression) or 'candidates' (a list expression)");
        } else if (auto v = expression(e["value"], "fix value")) {
          edit.value = *v;
        }
      } else if (e["candidates"].defined()) {
        error(e["candidates"], "'candidates' is for set edits");
      }
      if (e["when"].defined()) {
        if (auto w = expression(e["when"], "fix when")) edit.when = *w;
      }
      spec.edits.push_back(std::move(edit));
    }
    rule.rule.fix = fmt::format("{} ({})", spec.what, spec.unsafe ? "unsafe: only with --unsafe-fixes" : "safe");
    rule.fix = std::move(spec);
  }

  // A template (message, key) whose placeholders must be facts of the rule's primitive (or
  // one of `extra`).
  std::optional<MessageTemplate> read_template(const DocNode& node, const CompiledRule& rule, const std::vector<std::string>& extra = {}) {
    if (!node.defined() || !node.is_scalar()) return std::nullopt;
    std::string message;
    int column = 0;
    auto t = MessageTemplate::parse(node.scalar(), message, column);
    if (!t) {
      errors().push_back(expression_error(file(), node, column, "bad template: " + message));
      return std::nullopt;
    }
    if (!rule.primitive) return t;
    std::vector<std::string> known = rule.primitive->fact_names();
    known.insert(known.end(), extra.begin(), extra.end());
    for (const auto& [name, col] : t->placeholders()) {
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      errors().push_back(expression_error(
          file(), node, col,
          fmt::format("placeholder '{{{}}}' is not a fact of primitive '{}' (facts: {})", name, rule.rule.primitive, list)));
    }
    return t;
  }

  const std::set<std::string>& key_layouts_;
};

}  // namespace

RuleSet::RuleSet() : packs_(std::make_shared<const RulePacks>()) {}

RuleSet::RuleSet(std::shared_ptr<const RulePacks> packs) : packs_(std::move(packs)) {}

std::size_t RuleSet::size() const { return packs_->rules().size(); }

std::vector<const Rule*> RuleSet::rules() const {
  std::vector<const Rule*> out;
  for (const auto& r : packs_->rules()) out.push_back(&r->rule);
  return out;
}

const Rule* RuleSet::find(const std::string& id) const {
  for (const auto& r : packs_->rules()) {
    if (r->rule.id == id) return &r->rule;
  }
  return nullptr;
}

RuleSet load_rule_documents(std::vector<RuleDocument> documents, std::vector<RuleError>& errors) {
  auto packs = std::make_shared<RulePacks>();
  CompiledRules rules;
  auto& layouts = packs->layouts;
  std::map<std::string, std::string> seen;
  // Shared blocks, then the layout models that use them, and the quantization schemes:
  // rules name their key layouts.
  auto blocks = std::make_shared<LayoutBlocks>();
  for (const RuleDocument& doc : documents) {
    if (document_kind(doc.file) == DocumentKind::blocks) load_layout_blocks(doc.file, doc.root, errors, *blocks);
  }
  std::set<std::string> key_layouts;
  for (RuleDocument& doc : documents) {
    if (document_kind(doc.file) == DocumentKind::scheme) {
      if (auto scheme = load_quant_scheme(doc.file, doc.root, errors)) layouts.schemes.push_back(std::move(scheme));
      continue;
    }
    if (document_kind(doc.file) != DocumentKind::layout) continue;
    std::shared_ptr<const LayoutModel> layout;
    if (doc.validated) {
      auto root = std::make_shared<const DocNode>(std::move(doc.root));
      std::function<DocNode()> read_tensors = [root] { return (*root)["tensors"]; };
      if (!doc.packed_tensors.empty()) read_tensors = [packed = doc.packed_tensors] { return unpack_node(packed); };
      layout = load_validated_layout_model(doc.file, root, std::move(read_tensors), errors, blocks);
    } else {
      layout = load_layout_model(doc.file, doc.root, errors, *blocks);
    }
    if (layout) {
      for (const auto& [variant, parts] : layout->prefixes) key_layouts.insert(variant);
      layouts.models.push_back(std::move(layout));
    }
  }
  std::map<std::string, std::string> token_names;
  for (const RuleDocument& doc : documents) {
    if (!is_tokens_document(doc.file)) continue;
    if (auto facts = load_token_facts(doc.file, doc.root, errors)) {
      auto [it, inserted] = token_names.try_emplace(facts->name, doc.file);
      if (!inserted) {
        errors.push_back(RuleError{doc.file, 1, 1, fmt::format("token facts '{}' are already defined in {}", facts->name, it->second)});
        continue;
      }
      packs->token_facts.push_back(std::move(facts));
    }
  }
  // The embedded packs' rules were compiled without an error when the build embedded them:
  // they compile beside the run (RulePacks::rules()). Their ids are taken now, so that a rule
  // of another pack that repeats or explains one is judged here.
  std::vector<RuleDocument> validated;
  for (RuleDocument& doc : documents) {
    const std::string& file = doc.file;
    if (is_layout_document(file) || is_tokens_document(file)) continue;
    ++packs->rule_files;
    if (doc.validated) {
      seen.try_emplace(doc.root["id"].scalar(), file);
      validated.push_back(std::move(doc));
      continue;
    }
    auto rule = RuleFileReader(file, errors, key_layouts).read(doc.root);
    if (!rule) continue;
    auto [it, inserted] = seen.try_emplace(rule->rule.id, file);
    if (!inserted) {
      errors.push_back(RuleError{file, 1, 1, fmt::format("rule id '{}' is already defined in {}", rule->rule.id, it->second)});
      continue;
    }
    rules.push_back(std::move(rule));
  }
  // A rule explains rules that exist (a typo would fold nothing, silently).
  for (const auto& r : rules) {
    for (const Explains& e : r->explains) {
      if (seen.count(e.rule) == 0) errors.push_back(RuleError{r->rule.source, 1, 1, fmt::format("explains unknown rule '{}'", e.rule)});
    }
  }
  auto by_id = [](CompiledRules& list) {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a->rule.id < b->rule.id; });
  };
  if (validated.empty()) {
    by_id(rules);
    packs->set_rules(std::move(rules));
  } else {
    packs->compile_rules_beside([rules = std::move(rules), validated = std::move(validated), key_layouts, by_id]() mutable {
      std::vector<RuleError> none;  // the build compiled the same documents without an error
      for (const RuleDocument& doc : validated) {
        if (auto rule = RuleFileReader(doc.file, none, key_layouts).read(doc.root)) rules.push_back(std::move(rule));
      }
      by_id(rules);
      return std::move(rules);
    });
  }
  return RuleSet(std::move(packs));
}

std::vector<RuleDocument> read_rule_documents(const std::vector<std::string>& dirs, std::vector<RuleError>& errors) {
  std::vector<std::string> files;
  for (const std::string& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      errors.push_back(RuleError{dir, 0, 0, "rules directory not found"});
      continue;
    }
    // A pack is a few hundred files; a path that names a whole file system is a mistake
    // (or a hostile config) and stops at the cap instead of walking everything.
    std::size_t visited = 0;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (++visited > kMaxPackEntries) {
        errors.push_back(RuleError{dir, 0, 0, fmt::format("more than {} entries below the rules directory: not a rule pack", kMaxPackEntries)});
        break;
      }
      std::error_code fec;
      if (it->path().extension() != ".yaml" || it->is_directory(fec)) continue;
      // A rule file that is a FIFO, a device or a dangling link would be a pack silently
      // missing a rule: said, never skipped.
      if (it->is_regular_file(fec)) files.push_back(it->path().string());
      else errors.push_back(RuleError{it->path().string(), 0, 0, "not a regular file"});
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<RuleDocument> documents;
  for (const std::string& file : files) {
    if (auto root = read_yaml_document(file, kMaxYamlBytes, errors)) documents.push_back({file, std::move(*root)});
  }
  return documents;
}

RuleSet load_rules(const std::vector<std::string>& dirs, std::vector<RuleError>& errors) {
  return load_rule_documents(read_rule_documents(dirs, errors), errors);
}

}  // namespace ckptlint
