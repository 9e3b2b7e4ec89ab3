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
};

}  // namespace ckptlint
