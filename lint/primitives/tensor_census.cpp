// SPDX-License-Identifier: Apache-2.0
// What a config declares against what the weights hold, counted over tensor names: the
// generic config <-> weights invariant ("a vision_config and no vision tensor", "num_experts
// 128 and 96 experts stored", "tie_word_embeddings false and no lm_head"). One walk over the
// names; the assertion sees the counts as variables besides the config and the rule's lets:
//   count     tensors whose name matches one of `tensors` (globs) and none of `except`
//   distinct  distinct numbers right after `number-after` in those names (experts 0..N-1)
//   highest   the largest of those numbers, or null
//   dim0      the largest first dimension of the matched tensors of rank 3 or more (experts
//             stored stacked: SwitchLinear [E, out, in] and its scales), or null
//   first     the first matched name in name order, or null
// With `require` (globs), it stays silent unless some tensor matches one of them: the
// weights must hold what makes the assertion meaningful (an input embedding before asking
// for an output layer; a drafter or a lone shard stores neither).
// It matches once, when `assert` is false (null: a value it needs is unknown, silent), at
// the first matched tensor or else at config.json; `facts` are extra named expressions.
#include <algorithm>
#include <set>

#include "analysis/analysis.h"
#include "primitives/primitive.h"
#include "util/glob.h"

namespace ckptlint {
namespace {

struct Census {
  std::size_t count = 0;
  bool required = false;
  std::set<std::uint64_t> numbers;
  std::optional<std::uint64_t> dim0;
  std::string first;
  std::string first_file;
};

// The decimal number at the start of `rest`, when it is one (a layer or expert index: a
// handful of digits, never parsed past what fits).
std::optional<std::uint64_t> leading_number(std::string_view rest) {
  std::size_t n = 0;
  while (n < rest.size() && n < 9 && rest[n] >= '0' && rest[n] <= '9') ++n;
  if (n == 0 || (n < rest.size() && rest[n] >= '0' && rest[n] <= '9')) return std::nullopt;
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < n; ++i) value = value * 10 + static_cast<std::uint64_t>(rest[i] - '0');
  return value;
}

// A glob with the longest run of literal characters it contains: a name without that run
// cannot match, and std::string_view::find rules most names out faster than the glob walk
// (the census runs over every name, several rules per checkpoint).
struct Glob {
  std::string pattern;
  std::string literal;
  explicit Glob(std::string p) : pattern(std::move(p)) {
    std::size_t start = 0;
    while (start <= pattern.size()) {
      std::size_t end = pattern.find_first_of("*?", start);
      if (end == std::string::npos) end = pattern.size();
      if (end - start > literal.size()) literal = pattern.substr(start, end - start);
      start = end + 1;
    }
  }
  bool match(std::string_view name) const { return name.find(literal) != std::string_view::npos && glob_match(pattern, name); }
};

std::vector<Glob> globs_of(std::vector<std::string> patterns) {
  std::vector<Glob> out;
  for (std::string& p : patterns) out.emplace_back(std::move(p));
  return out;
}

bool any_match(const std::vector<Glob>& globs, std::string_view name) {
  return std::any_of(globs.begin(), globs.end(), [&](const Glob& g) { return g.match(name); });
}

class TensorCensus final : public Primitive {
 public:
  TensorCensus(std::vector<std::string> globs, std::vector<std::string> except, std::vector<std::string> require, std::string number_after,
               Expr check, std::vector<std::pair<std::string, Expr>> facts)
      : globs_(globs_of(std::move(globs))),
        except_(globs_of(std::move(except))),
        require_(globs_of(std::move(require))),
        number_after_(std::move(number_after)),
        check_(std::move(check)),
        facts_(std::move(facts)) {}

  std::vector<std::string> fact_names() const override {
    std::vector<std::string> names = {"file", "count", "distinct", "highest", "dim0", "first"};
    for (const auto& [name, e] : facts_) names.push_back(name);
    return names;
  }

  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    Census c = take(context.checkpoint, a);
    if (!require_.empty() && !c.required) return;
    nlohmann::json highest = c.numbers.empty() ? nlohmann::json(nullptr) : nlohmann::json(*c.numbers.rbegin());
    nlohmann::json dim0 = c.dim0 ? nlohmann::json(*c.dim0) : nlohmann::json(nullptr);
    nlohmann::json first = c.count == 0 ? nlohmann::json(nullptr) : nlohmann::json(c.first);
    Scope scope;
    scope.parent = &context.scope;
    scope.vars = {{"count", c.count}, {"distinct", c.numbers.size()}, {"highest", highest}, {"dim0", dim0}, {"first", first}};
    nlohmann::json result = check_.eval(scope);
    if (result.is_null() || truthy(result)) return;
    Match m;
    std::string config_file = context.checkpoint.config ? context.checkpoint.config->file : "config.json";
    m.location = c.count == 0 ? location_at(config_file, "") : location_at(c.first_file, c.first);
    m.facts = {{"file", m.location.file},       {"count", std::to_string(c.count)}, {"distinct", std::to_string(c.numbers.size())},
               {"highest", render_value(highest)}, {"dim0", render_value(dim0)},     {"first", c.first}};
    for (const auto& [name, e] : facts_) m.facts.emplace_back(name, render_value(e.eval(scope)));
    out.push_back(std::move(m));
  }

 private:
  // The stored tensors, and the names the index promises in shards that are not there (a
  // partial download holds its tower in a shard not yet fetched: it is declared, not absent).
  Census take(const Checkpoint& ck, const Analysis& a) const {
    Census c;
    for (const auto& [name, file] : a.file_of) count(c, name, file, &ck);
    if (a.declared_unread.empty()) return c;
    for (const auto& [name, file] : ck.weight_map) {
      if (a.declared_unread.count(name) != 0) count(c, name, file, nullptr);
    }
    return c;
  }

  // `stored`: where a matched name's shape is looked up (nullptr: declared, not read). Only
  // matched names are looked up: most of a checkpoint's names match none of a rule's globs.
  void count(Census& c, std::string_view name, std::string_view file, const Checkpoint* stored) const {
    if (!c.required && !require_.empty()) c.required = any_match(require_, name);
    if (!any_match(globs_, name) || any_match(except_, name)) return;
    if (c.count++ == 0 || name < c.first) {
      c.first = name;
      c.first_file = file;
    }
    if (!number_after_.empty()) {
      std::size_t at = name.find(number_after_);
      if (at != std::string_view::npos) {
        if (auto n = leading_number(name.substr(at + number_after_.size()))) c.numbers.insert(*n);
      }
    }
    const TensorInfo* t = stored != nullptr ? stored->find(name) : nullptr;
    if (t != nullptr && t->shape.size() >= 3 && (!c.dim0 || t->shape[0] > *c.dim0)) c.dim0 = t->shape[0];
  }

  std::vector<Glob> globs_, except_, require_;
  std::string number_after_;
  Expr check_;
  std::vector<std::pair<std::string, Expr>> facts_;
};

}  // namespace

std::unique_ptr<Primitive> make_tensor_census(PrimitiveArgs& with) {
  with.allow_only({"tensors", "except", "require", "number-after", "assert", "facts"});
  std::vector<std::string> globs = with.strings("tensors", true);
  std::vector<std::string> except = with.strings("except", false);
  std::vector<std::string> require = with.strings("require", false);
  std::string number_after = with.string("number-after", false);
  Expr check = with.expression("assert", true);
  auto facts = with.expressions("facts");
  if (globs.empty() || check.empty()) return nullptr;
  return std::make_unique<TensorCensus>(std::move(globs), std::move(except), std::move(require), std::move(number_after), std::move(check), std::move(facts));
}

}  // namespace ckptlint
