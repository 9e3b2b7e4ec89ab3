// SPDX-License-Identifier: Apache-2.0
// A rule ready to run: its metadata, its primitive and its parsed templates.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ckptlint/rule.h"
#include "primitives/primitive.h"
#include "lang/expr.h"
#include "lang/message_template.h"

namespace ckptlint {

struct CompiledRule {
  Rule rule;
  std::unique_ptr<Primitive> primitive;
  MessageTemplate message;
  std::optional<MessageTemplate> key;              ///< dotted path of the JSON key a finding is about
  std::optional<MessageTemplate> diagnosis;        ///< the class's one-line diagnosis, from this finding's facts
  Expr when;                                       ///< applies-to.when; empty: always
  std::vector<std::pair<std::string, Expr>> lets;  ///< `let:` variables, evaluated in order
};

}  // namespace ckptlint
