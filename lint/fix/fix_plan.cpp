// SPDX-License-Identifier: Apache-2.0
#include "fix/fix_plan.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <set>

#include "analysis/side_vars.h"
#include "json/json_edit.h"
#include "mlx/module_table.h"
#include "rules/rule_packs.h"
#include "util/small_file.h"

namespace ckptlint {
namespace {

constexpr std::uint64_t kMaxCopiedBytes = 16ull << 20;  ///< a side file copied from --base

// The text of a JSON file of the checkpoint as it was read (config, index, a JSON side file
// such as tokenizer_config.json or generation_config.json), if it was.
const std::string* json_text(const Checkpoint& ck, const std::string& file) {
  for (const auto* json : {&ck.config, &ck.index}) {
    if (*json && (*json)->file == file) return &(*json)->text;
  }
  const JsonFile* side = ck.side.json(file);
  return side != nullptr ? &side->text : nullptr;
}

// The scope a fix's expressions are computed in: what the rule's own expressions saw of the
// side files (analysis/side_vars.h: the side files, `tokens`, `family_tokens`, `base_side`),
// the finding's facts (as text), the rule's `let:` values recomputed from the same files (so a
// list stays a list), the related location's tensor and module, and the config for names
// that are none of these.
Scope edit_scope(const CompiledRule& rule, const Finding& f, const Location* related, const nlohmann::json* config,
                 const VarList& side) {
  Scope scope;
  scope.config = config;
  scope.bound = &side;
  for (const auto& [k, v] : f.facts) scope.vars.emplace_back(k, v);
  for (const auto& [name, e] : rule.lets) {
    // A let that reads what only the analysis knows comes out null here: the fact stands.
    if (nlohmann::json v = e.eval(scope); !v.is_null()) scope.vars.emplace_back(name, std::move(v));
  }
  if (related != nullptr) {
    scope.vars.emplace_back("tensor", related->tensor);
    scope.vars.emplace_back("module", module_of(related->tensor));
  }
  return scope;
}

// The distinct non-null members of a candidates list (a single value counts as a list of one).
std::vector<nlohmann::json> distinct_candidates(const nlohmann::json& v) {
  std::vector<nlohmann::json> out;
  if (v.is_null()) return out;
  for (const nlohmann::json& c : v.is_array() ? v : nlohmann::json::array({v})) {
    if (!c.is_null() && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  }
  return out;
}

Facts with_related(const Finding& f, const Location* related) {
  Facts facts = f.facts;
  if (related != nullptr) {
    // Later facts of the same name would be shadowed by the finding's: put these first.
    facts.insert(facts.begin(), {{"tensor", related->tensor}, {"module", module_of(related->tensor)}});
  }
  return facts;
}

// A tensor name stored in more than one shard, or "".
std::string tensor_in_two_shards(const Checkpoint& ck) {
  std::set<std::string_view> seen;
  for (const Shard& s : ck.shards) {
    for (const TensorInfo& t : s.tensors) {
      if (!seen.insert(t.name).second) return t.name;
    }
  }
  return "";
}

// The indentation of a JSON file (spaces before its first key: 2 as transformers writes, 4 as
// MLX does), or MLX's 4 for a file on one line.
int indent_of(const std::string& text) {
  std::size_t nl = text.find('\n');
  if (nl == std::string::npos) return 4;
  std::size_t n = 0;
  while (nl + 1 + n < text.size() && text[nl + 1 + n] == ' ') ++n;
  return n == 0 ? 4 : static_cast<int>(n);
}

// A value as the file around it would spell it: a list or object set into an indented file
// is written across lines at its member's depth, as Python's json.dump(indent=N) (the
// writer of transformers' and MLX's files) writes it; into a one-line file, on one line.
std::string styled_value(const nlohmann::json& v, const std::string& text, std::size_t depth) {
  if (!v.is_structured() || v.empty() || text.find('\n') == std::string::npos) return v.dump();
  const int unit = indent_of(text);
  std::string out = v.dump(unit);
  const std::string pad(depth * static_cast<std::size_t>(unit), ' ');
  for (std::size_t at = out.find('\n'); at != std::string::npos; at = out.find('\n', at + 1)) out.insert(at + 1, pad);
  return out;
}

// One file being composed: its text as the edits so far leave it.
struct Draft {
  FileChange change;
  bool regenerated = false;  ///< written whole from the shard headers: later edits of it are moot
  // JSON path -> value set by an earlier edit, to tell agreeing edits from conflicting ones.
  std::map<std::vector<std::string>, std::string> values;
};

class Planner {
 public:
  explicit Planner(const FixInputs& in) : in_(in) {
    const Checkpoint& ck = *in_.target;
    // The family's token facts as the engine picks them (an adapter's family is its base's).
    const Checkpoint* family = ck.kind == "adapter" && in_.base != nullptr ? in_.base : &ck;
    const TokenFacts* facts = family->config ? token_facts_for(in_.rules->packs().token_facts, config_model_types(family->config->value)) : nullptr;
    side_ = side_vars(ck, in_.base, facts);
  }

  FixPlan run() {
    std::map<std::string, const CompiledRule*> by_id;
    for (const auto& r : in_.rules->packs().rules()) by_id[r->rule.id] = r.get();
    for (const Finding& f : in_.report->findings) {
      auto it = by_id.find(f.rule_id);
      const CompiledRule* rule = it == by_id.end() ? nullptr : it->second;
      if (rule == nullptr || !rule->fix) {
        if (f.severity >= Severity::warning) plan_.unfixed.push_back({&f, "no fix: the data itself is wrong, or the repair is not metadata"});
        continue;
      }
      if (rule->fix->unsafe && !in_.unsafe) {
        plan_.unfixed.push_back({&f, "unsafe: it changes what the model does; run with --unsafe-fixes to apply it"});
        continue;
      }
      std::string why;
      if (!apply(*rule, f, why)) plan_.unfixed.push_back({&f, why});
    }
    for (auto& [file, d] : drafts_) {
      if (d.change.after != d.change.before || !d.change.exists) plan_.changes.push_back(std::move(d.change));
    }
    return std::move(plan_);
  }

 private:
  Draft& draft(const std::string& file) {
    auto it = drafts_.find(file);
    if (it != drafts_.end()) return it->second;
    Draft d;
    d.change.file = file;
    if (const std::string* text = json_text(*in_.target, file)) {
      d.change.exists = true;
      d.change.before = d.change.after = *text;
    } else {
      d.change.exists = std::find(in_.target->files.begin(), in_.target->files.end(), file) != in_.target->files.end();
    }
    return drafts_.emplace(file, std::move(d)).first->second;
  }

  // Every edit of one finding's fix, or none of them (`why` says why not).
  bool apply(const CompiledRule& rule, const Finding& f, std::string& why) {
    std::map<std::string, Draft> saved = drafts_;  // all or nothing for this finding
    made_ = 0;
    bool from_base = false;
    for (const FixEdit& e : rule.fix->edits) {
      from_base = from_base || e.op == FixEdit::Op::copy_from_base || e.op == FixEdit::Op::copy_value_from_base;
      std::vector<const Location*> each;
      if (e.each_related) {
        for (const Location& l : f.related) each.push_back(&l);
        if (each.empty()) {
          why = "no fix: the finding names no module to edit";
          drafts_ = std::move(saved);
          return false;
        }
      } else {
        each.push_back(nullptr);
      }
      for (const Location* related : each) {
        if (!apply_edit(rule, e, f, related, why)) {
          drafts_ = std::move(saved);
          return false;
        }
      }
    }
    if (made_ == 0) {  // every edit's `when` said it is not this case
      why = from_base && in_.base == nullptr ? "no fix: give --base with the model this one came from"
                                             : "no fix: none of its edits applies to these files";
      return false;
    }
    return true;
  }

  bool apply_edit(const CompiledRule& rule, const FixEdit& e, const Finding& f, const Location* related, std::string& why) {
    const Facts facts = with_related(f, related);
    const nlohmann::json* config = in_.target->config ? &in_.target->config->value : nullptr;
    if (!e.when.empty() && !e.when.test(edit_scope(rule, f, related, config, side_))) return true;  // not this edit's case
    ++made_;
    if (e.op == FixEdit::Op::write_index) {
      // Which copy of a tensor stored twice the index should name is not ours to say.
      if (std::string twice = tensor_in_two_shards(*in_.target); !twice.empty()) {
        why = "ambiguous: '" + twice + "' is stored in two shards, so which one the index should name is unknown";
        return false;
      }
      Draft& d = draft("model.safetensors.index.json");
      d.change.after = index_text(*in_.target);
      d.regenerated = true;
      mark(d, rule);
      return true;
    }
    const std::string file = e.file.render(facts);
    if (file.empty() || file.find("..") != std::string::npos || file.front() == '/') {
      why = "no fix: the file to edit is not a file of the checkpoint";
      return false;
    }
    if (e.op == FixEdit::Op::copy_from_base) return copy_from_base(rule, file, why);
    std::vector<std::string> path;
    for (const MessageTemplate& t : e.path) path.push_back(t.render(facts));
    if (e.dotted && !path.empty()) {
      std::string dotted = path.front();
      path.clear();
      for (std::size_t at = 0; at <= dotted.size();) {
        std::size_t dot = std::min(dotted.find('.', at), dotted.size());
        path.push_back(dotted.substr(at, dot - at));
        at = dot + 1;
      }
    }
    Draft& d = draft(file);
    if (d.regenerated) return true;  // the index is written from the headers: it is right already
    if (!d.change.exists && d.change.after.empty()) {
      why = "no fix: '" + file + "' is not there to edit";
      return false;
    }
    if (e.if_parent && path.size() > 1) {
      std::vector<std::string> parent(path.begin(), path.end() - 1);
      if (!json_value_text(d.change.after, parent)) return true;  // an optional section that is absent
    }
    JsonEdit edit{e.op == FixEdit::Op::remove ? JsonEdit::Op::remove : JsonEdit::Op::set, path, ""};
    if (e.op == FixEdit::Op::set && !e.candidates.empty()) {
      std::vector<nlohmann::json> options = distinct_candidates(e.candidates.eval(edit_scope(rule, f, related, config, side_)));
      if (options.empty()) {
        why = "no fix: no value for " + file + " " + nlohmann::json(path).dump() + " can be known from the files (" + e.candidates.text() + ")";
        return false;
      }
      if (options.size() > 1) {
        std::string listed;
        for (const nlohmann::json& o : options) listed += (listed.empty() ? "" : " or ") + o.dump();
        why = "ambiguous: " + file + " " + nlohmann::json(path).dump() + " could be " + listed + "; give --base with the model this one came from, or edit it by hand";
        return false;
      }
      edit.value = styled_value(options.front(), d.change.after, path.size());
    } else if (e.op == FixEdit::Op::set) {
      nlohmann::json v = e.value.eval(edit_scope(rule, f, related, config, side_));
      if (v.is_null() && e.value.text() != "null") {
        why = "no fix: the value to write cannot be known from the files (" + e.value.text() + ")";
        return false;
      }
      edit.value = styled_value(v, d.change.after, path.size());
    } else if (e.op == FixEdit::Op::copy_value_from_base) {
      const std::string* base_text = in_.base != nullptr ? json_text(*in_.base, file) : nullptr;
      std::optional<std::string> value = base_text != nullptr ? json_value_text(*base_text, path) : std::nullopt;
      if (!value) {
        why = "no fix: give --base with the model this one came from, whose " + file + " has the value";
        return false;
      }
      edit.op = JsonEdit::Op::set;
      edit.value = *value;
    }
    // Two fixes that set one key to different values: which one is right is not ours to say.
    bool set_before = false;  // an earlier fix set this path (to the same value, or it is ambiguous)
    if (edit.op == JsonEdit::Op::set) {
      auto [it, fresh] = d.values.try_emplace(path, edit.value);
      set_before = !fresh;
      // Compared as values: a list copied from the base as it is spelled there and the same
      // list computed here agree.
      if (!fresh && nlohmann::json::parse(it->second, nullptr, false) != nlohmann::json::parse(edit.value, nullptr, false)) {
        why = "ambiguous: two fixes want different values for " + file + " " + nlohmann::json(path).dump();
        return false;
      }
    }
    // A value already there as it would be set is left as it is spelled.
    if (edit.op == JsonEdit::Op::set) {
      std::optional<std::string> now = json_value_text(d.change.after, path);
      if (now && nlohmann::json::parse(*now, nullptr, false) == nlohmann::json::parse(edit.value, nullptr, false)) {
        if (set_before) mark(d, rule);  // its fix is in the file too
        return true;
      }
    }
    std::string error;
    std::optional<std::string> next = apply_json_edits(d.change.after, {edit}, error);
    if (!next) {
      why = "no fix: " + error + " (" + file + ")";
      return false;
    }
    d.change.after = std::move(*next);
    mark(d, rule);
    return true;
  }

  bool copy_from_base(const CompiledRule& rule, const std::string& file, std::string& why) {
    if (in_.base == nullptr || in_.base->remote || in_.base->root.empty()) {
      why = "no fix: give --base with the local model this one came from, which has " + file;
      return false;
    }
    // The base's bytes are as untrusted as the target's: a regular file (no FIFO, no device),
    // capped at the largest side file the loader reads (16 MiB), before anything is allocated.
    std::error_code ec;
    if (!std::filesystem::exists(in_.base->root / file, ec)) {
      why = "no fix: the base has no " + file + " either";
      return false;
    }
    std::string reason;
    std::optional<std::string> copied = read_small_file((in_.base->root / file).string(), kMaxCopiedBytes, reason);
    if (!copied) {
      why = "no fix: the base's " + file + " cannot be copied (" + reason + ")";
      return false;
    }
    std::string text = std::move(*copied);
    Draft& d = draft(file);
    d.change.after = std::move(text);
    mark(d, rule);
    return true;
  }

  void mark(Draft& d, const CompiledRule& rule) {
    d.change.unsafe = d.change.unsafe || rule.fix->unsafe;
    if (std::find(d.change.rules.begin(), d.change.rules.end(), rule.rule.id) == d.change.rules.end()) d.change.rules.push_back(rule.rule.id);
  }

  const FixInputs& in_;
  VarList side_;  ///< the side-file variables of the target (and base), computed once
  std::size_t made_ = 0;  ///< edits of the current finding's fix whose `when` held
  std::map<std::string, Draft> drafts_;
  FixPlan plan_;
};


}  // namespace

FixPlan plan_fixes(const FixInputs& inputs) { return Planner(inputs).run(); }

std::string index_text(const Checkpoint& ck) {
  nlohmann::ordered_json metadata = nlohmann::ordered_json::object();
  if (ck.index && ck.index->value.is_object() && ck.index->value.contains("metadata") && ck.index->value["metadata"].is_object()) {
    for (const auto& [k, v] : ck.index->value["metadata"].items()) metadata[k] = v;
  }
  std::uint64_t total = 0;
  std::vector<std::pair<std::string_view, const std::string*>> names;
  for (const Shard& s : ck.shards) {
    if (!s.readable) continue;
    for (const TensorInfo& t : s.tensors) {
      total += t.nbytes();
      names.emplace_back(t.name, &s.file);
    }
  }
  metadata["total_size"] = total;
  std::sort(names.begin(), names.end());
  nlohmann::ordered_json weight_map = nlohmann::ordered_json::object();
  for (const auto& [name, file] : names) weight_map[std::string(name)] = *file;
  nlohmann::ordered_json doc = {{"metadata", metadata}, {"weight_map", weight_map}};
  return doc.dump(ck.index ? indent_of(ck.index->text) : 4, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace ckptlint
