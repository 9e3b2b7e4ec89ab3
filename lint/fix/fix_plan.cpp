// SPDX-License-Identifier: Apache-2.0
#include "fix/fix_plan.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "json/json_edit.h"
#include "mlx/module_table.h"
#include "rules/rule_packs.h"

namespace ckptlint {
namespace {

// The text of a JSON file of the checkpoint as it was read (config, index), if it was.
const std::string* json_text(const Checkpoint& ck, const std::string& file) {
  for (const auto* json : {&ck.config, &ck.index}) {
    if (*json && (*json)->file == file) return &(*json)->text;
  }
  return nullptr;
}

// The scope a fix's value is computed in: the facts (as text), the related location's tensor
// and module, and the checkpoint's config (or adapter config) for names that are no fact.
Scope edit_scope(const Finding& f, const Location* related, const nlohmann::json* config) {
  Scope scope;
  scope.config = config;
  for (const auto& [k, v] : f.facts) scope.vars.emplace_back(k, v);
  if (related != nullptr) {
    scope.vars.emplace_back("tensor", related->tensor);
    scope.vars.emplace_back("module", module_of(related->tensor));
  }
  return scope;
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

// One file being composed: its text as the edits so far leave it.
struct Draft {
  FileChange change;
  bool regenerated = false;  ///< written whole from the shard headers: later edits of it are moot
  // JSON path -> value set by an earlier edit, to tell agreeing edits from conflicting ones.
  std::map<std::vector<std::string>, std::string> values;
};

class Planner {
 public:
  explicit Planner(const FixInputs& in) : in_(in) {}

  FixPlan run() {
    std::map<std::string, const CompiledRule*> by_id;
    for (const auto& r : in_.rules->packs().rules) by_id[r->rule.id] = r.get();
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
    for (const FixEdit& e : rule.fix->edits) {
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
    return true;
  }

  bool apply_edit(const CompiledRule& rule, const FixEdit& e, const Finding& f, const Location* related, std::string& why) {
    const Facts facts = with_related(f, related);
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
    if (e.op == FixEdit::Op::set) {
      nlohmann::json v = e.value.eval(edit_scope(f, related, in_.target->config ? &in_.target->config->value : nullptr));
      if (v.is_null() && e.value.text() != "null") {
        why = "no fix: the value to write cannot be known from the files (" + e.value.text() + ")";
        return false;
      }
      edit.value = v.dump();
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
    if (edit.op == JsonEdit::Op::set) {
      auto [it, fresh] = d.values.try_emplace(path, edit.value);
      if (!fresh && it->second != edit.value) {
        why = "ambiguous: two fixes want different values for " + file + " " + nlohmann::json(path).dump();
        return false;
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
    std::error_code ec;
    std::filesystem::path from = in_.base->root / file;
    if (!std::filesystem::is_regular_file(from, ec)) {
      why = "no fix: the base has no " + file + " either";
      return false;
    }
    std::ifstream in(from, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
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
  std::map<std::string, Draft> drafts_;
  FixPlan plan_;
};

// The indentation the existing index uses (spaces before its first key), or MLX's 4.
int indent_of(const std::string& text) {
  std::size_t nl = text.find('\n');
  if (nl == std::string::npos) return 4;
  std::size_t n = 0;
  while (nl + 1 + n < text.size() && text[nl + 1 + n] == ' ') ++n;
  return n == 0 ? 4 : static_cast<int>(n);
}

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
