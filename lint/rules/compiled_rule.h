// SPDX-License-Identifier: Apache-2.0
// A rule ready to run: its metadata, its primitive and its parsed templates.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ckptlint/rule.h"
#include "primitives/primitive.h"
#include "lang/expr.h"
#include "lang/message_template.h"

namespace ckptlint {

/// `aggregate:` — the rule's findings that share one cause (the same `by` rendering, at
/// least `at_least` of them) become one finding, with `message` (the facts of the first, and
/// `count`, `module_count`, `modules`) and the others as related locations.
struct Aggregate {
  MessageTemplate by;
  MessageTemplate message;
  std::optional<MessageTemplate> diagnosis;
  std::optional<MessageTemplate> key;  ///< the JSON key of the folded finding, in `file`
  std::string file;                    ///< where the folded finding points ("": the first's file)
  std::size_t at_least = 2;
};

/// `explains:` — findings of `rule` that this rule's finding causes (the same tensor, module,
/// file, or any in the run) are folded into it as related locations instead of being reported.
struct Explains {
  enum class Scope : std::uint8_t { tensor, module, file, run };
  std::string rule;
  Scope same = Scope::tensor;
};

/// One edit of a rule's `fix:` (`ckptlint fix`), its parts templates over the finding's facts.
struct FixEdit {
  enum class Op : std::uint8_t { set, remove, write_index, copy_from_base, copy_value_from_base };
  Op op = Op::set;
  MessageTemplate file;                 ///< the JSON or side file edited, relative to the checkpoint
  std::vector<MessageTemplate> path;    ///< JSON path: object keys or array indices
  bool dotted = false;                  ///< `path` is one template of dot-separated keys ("text_config.x")
  Expr value;                           ///< set: the new value, an expression over the facts and the config
  /// set, instead of `value`: the values it could be (a list; nulls and repeats dropped). One
  /// is written; none is no fix; two or more are ambiguous, and nothing is written.
  Expr candidates;
  Expr when;                            ///< the edit is made only when this holds; empty: always
  bool each_related = false;            ///< once per related location, with `tensor` and `module` bound
  bool if_parent = false;               ///< skip when the path's parent is missing (an optional section)
};

/// `fix:` — how `ckptlint fix` repairs what the rule finds, and whether it changes behaviour.
struct FixSpec {
  bool unsafe = false;  ///< changes what a loader computes (stop ids, a template): only with --unsafe-fixes
  std::string what;     ///< one line for reports and `ckptlint rules ID`
  std::vector<FixEdit> edits;
};

struct CompiledRule {
  Rule rule;
  std::unique_ptr<Primitive> primitive;
  MessageTemplate message;
  std::optional<MessageTemplate> key;              ///< dotted path of the JSON key a finding is about
  std::optional<MessageTemplate> diagnosis;        ///< the class's one-line diagnosis, from this finding's facts
  Expr when;                                       ///< applies-to.when; empty: always
  std::vector<std::pair<std::string, Expr>> lets;  ///< `let:` variables, evaluated in order
  std::optional<Aggregate> aggregate;
  std::vector<Explains> explains;
  std::optional<FixSpec> fix;
};

}  // namespace ckptlint
