// SPDX-License-Identifier: Apache-2.0
// A small expression language for rule predicates over config values, e.g.
//
//   layer >= text_config.num_hidden_layers - (text_config.num_kv_shared_layers ?? 0)
//   len(text_config.layer_types) != text_config.num_hidden_layers
//
// Values are JSON values (null, bool, integer, float, string, list, object). Grammar, lowest
// precedence first:
//
//   expr     := or ('?' expr ':' expr)?
//   or       := and ('or' and)*            and := not ('and' not)*      not := 'not' not | cmp
//   cmp      := coalesce (('=='|'!='|'<'|'<='|'>'|'>='|'in') coalesce)?
//   coalesce := sum ('??' sum)*            sum := product (('+'|'-') product)*
//   product  := unary (('*'|'/'|'%') unary)*                            unary := '-' unary | postfix
//   postfix  := primary ('.' name | '[' expr ']')*
//   primary  := integer | float | 'string' | "string" | true | false | null | name
//             | name '(' args ')' | '(' expr ')' | '[' args ']'
//
// A name is a variable of the rule (`let:` or a primitive's capture) or else a top-level
// config key. Missing keys, out-of-range indices, type mismatches, integer overflow and
// division by zero all yield null ("undefined"), which is falsy; `a ?? b` picks b when a is
// null. Functions: len, min, max, abs, int (also of decimal integer text), str, float, sqrt, fixed(x, digits), zfill(x, width),
// starts_with(s, prefix or list), list(x) (a value as a list: 1 -> [1]), minus(a, b) (the
// items of a not in b), type(x) ("null", "boolean", "number", "string", "list", "object").
// Expressions are evaluated, never executed.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace ckptlint {

struct ExprNode;

/// A list of named values.
using VarList = std::vector<std::pair<std::string, nlohmann::json>>;

/// Variables visible to an expression, innermost first. Names that are no variable resolve
/// to top-level config keys; the name `config` is the whole config.
struct Scope {
  const nlohmann::json* config = nullptr;  ///< config.json, or nullptr
  VarList vars;                            ///< owned variables (later ones shadow earlier)
  const VarList* bound = nullptr;          ///< borrowed variables, searched after `vars`
  /// Borrowed variables by name, searched after `vars` (for long lists: a layout's lets).
  const std::unordered_map<std::string, nlohmann::json>* table = nullptr;
  const Scope* parent = nullptr;

  /// The value of `name`, or nullptr if neither a variable nor a config key.
  const nlohmann::json* lookup(const std::string& name) const;
};

/// A parsed expression; cheap to copy and safe to evaluate concurrently.
class Expr {
 public:
  Expr() = default;
  /// Parses `text`; on error returns nothing and sets `error` and the 0-based `column`.
  static std::optional<Expr> parse(const std::string& text, std::string& error, int& column);

  /// Evaluates against a scope. Never throws.
  nlohmann::json eval(const Scope& scope) const;
  /// eval() interpreted as a condition: null and false are false.
  bool test(const Scope& scope) const;
  const std::string& text() const { return text_; }
  bool empty() const { return root_ == nullptr; }
  /// Whether both are the one parsed tree (parses of a short text share it).
  bool same_tree(const Expr& other) const { return root_ == other.root_; }
  /// The variable names the expression reads (config keys included: a name is looked up
  /// only when evaluated), each once, in order of first use.
  std::vector<std::string> names() const;

 private:
  std::shared_ptr<const ExprNode> root_;
  std::string text_;
};

/// Truthiness used by conditions: null, false, 0, "" and [] are false.
bool truthy(const nlohmann::json& value);

/// Renders a value for messages: strings bare, numbers plainly, lists as [a, b].
std::string render_value(const nlohmann::json& value);

}  // namespace ckptlint
