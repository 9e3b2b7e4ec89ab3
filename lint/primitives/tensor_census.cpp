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
#include <unordered_map>

#include <fmt/format.h>

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

// The longest run of `text` between any of `cuts`.
std::string longest_run(const std::string& text, const char* cuts) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of(cuts, start);
    if (end == std::string::npos) end = text.size();
    if (end - start > out.size()) out = text.substr(start, end - start);
    start = end + 1;
  }
  return out;
}

// A glob, its longest literal run (a name without it cannot match, and std::string_view::find
// rules names out faster than the glob walk), and the longest literal run without a '.': a
// name can match only if one of its dot-separated segments contains that ("": any name).
// A glob that is `*LITERAL*` is that literal's find alone (most census globs: "*audio*").
struct Glob {
  std::string pattern;
  std::string literal;
  std::string piece;
  bool contains_only;
  explicit Glob(std::string p)
      : pattern(std::move(p)),
        literal(longest_run(pattern, "*?")),
        piece(longest_run(pattern, "*?.")),
        contains_only(pattern.size() == literal.size() + 2 && pattern.front() == '*' && pattern.back() == '*') {}
  bool match(std::string_view name) const {
    if (name.find(literal) == std::string_view::npos) return false;
    return contains_only || glob_match(pattern, name);
  }
};

// The names a census walks (stored, and declared in unread shards), and their dot-separated
// segments, each with the names that hold it. A checkpoint of thousands of tensors has a few
// hundred distinct segments: a glob looks through those, and at the names of the segments
// that contain its piece. Built once per analysis for every census rule.
struct NameSegments {
  struct Name {
    std::string_view name, file;
    bool stored = true;
  };
  std::vector<Name> names;
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> holders;  // segment -> names

  NameSegments(const Checkpoint& ck, const Analysis& a) {
    for (const auto& [name, file] : a.file_of) names.push_back({name, file, true});
    if (!a.declared_unread.empty()) {
      for (const auto& [name, file] : ck.weight_map) {
        if (a.declared_unread.count(name) != 0) names.push_back({name, file, false});
      }
    }
    // Names come sorted, so a name mostly repeats the segments of the one before it at the
    // same places: those reuse its lists instead of looking the segment up.
    std::vector<std::pair<std::string_view, std::vector<std::uint32_t>*>> previous;
    for (std::uint32_t i = 0; i < names.size(); ++i) {
      std::string_view rest = names[i].name;
      for (std::size_t at = 0;; ++at) {
        std::size_t dot = rest.find('.');
        std::string_view segment = rest.substr(0, dot);
        if (at == previous.size()) previous.emplace_back();
        if (previous[at].second == nullptr || previous[at].first != segment) previous[at] = {segment, &holders[segment]};
        std::vector<std::uint32_t>& list = *previous[at].second;
        if (list.empty() || list.back() != i) list.push_back(i);
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
      }
    }
  }

  // Positions of the names one of `globs` may match, ascending.
  std::vector<std::uint32_t> candidates(const std::vector<Glob>& globs) const {
    std::vector<std::uint32_t> out;
    for (const Glob& g : globs) {
      if (g.piece.empty()) {
        out.resize(names.size());
        for (std::uint32_t i = 0; i < names.size(); ++i) out[i] = i;
        return out;
      }
      for (const auto& [segment, list] : holders) {
        if (segment.find(g.piece) != std::string_view::npos) out.insert(out.end(), list.begin(), list.end());
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
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
      : memo_key_(memo_key(globs, except, require, number_after)),
        globs_(globs_of(std::move(globs))),
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
    // Rules that count the same tensors (a tower declared but absent, and stored but
    // undeclared) share one walk over the names.
    const Census& c = a.memo->get<Census>(memo_key_, [&] {
      const auto& names = a.memo->get<NameSegments>("tensor-census names", [&] { return NameSegments(context.checkpoint, a); });
      return take(context.checkpoint, names);
    });
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
  Census take(const Checkpoint& ck, const NameSegments& all) const {
    Census c;
    for (std::uint32_t i : all.candidates(require_)) {
      if (any_match(require_, all.names[i].name)) {
        c.required = true;
        break;
      }
    }
    for (std::uint32_t i : all.candidates(globs_)) {
      const NameSegments::Name& n = all.names[i];
      count(c, n.name, n.file, n.stored ? &ck : nullptr);
    }
    return c;
  }

  // `stored`: where a matched name's shape is looked up (nullptr: declared, not read).
  void count(Census& c, std::string_view name, std::string_view file, const Checkpoint* stored) const {
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

  // Every parameter the walk depends on, each text prefixed with its length: a glob may hold
  // any byte (a --rules pack's "*\x1f*"), so no separator could keep two rules' keys apart.
  static std::string memo_key(const std::vector<std::string>& globs, const std::vector<std::string>& except,
                              const std::vector<std::string>& require, const std::string& number_after) {
    std::string key = "tensor-census";
    auto add = [&key](const std::string& text) { key += fmt::format(" {}:{}", text.size(), text); };
    for (const auto* list : {&globs, &except, &require}) {
      key += fmt::format(" [{}]", list->size());
      for (const std::string& g : *list) add(g);
    }
    add(number_after);
    return key;
  }

  std::string memo_key_;
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
