// SPDX-License-Identifier: Apache-2.0
// What every reader of a rule-pack document needs: errors with file:line:column, string
// lists, expressions and `let` blocks, read with the same checks and the same wording
// (rule files, layout models, a primitive's `with:`).
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ckptlint/rule.h"
#include "lang/doc_node.h"
#include "lang/expr.h"

namespace ckptlint {

class DocReader {
 public:
  DocReader(std::string file, std::vector<RuleError>& errors) : file_(std::move(file)), errors_(errors) {}

  /// Records a problem at a node (line 1, column 1 when the node is missing).
  void error(const DocNode& at, const std::string& message);
  /// A scalar or a list of scalars as strings; `what` names the field in messages.
  std::vector<std::string> strings(const DocNode& value, const std::string& what);
  /// A compiled expression, or nothing (with an error pointing into the string).
  std::optional<Expr> expression(const DocNode& node, const std::string& what);
  /// `name: expression` pairs in file order.
  std::vector<std::pair<std::string, Expr>> expressions(const DocNode& map, const std::string& what);

  const std::string& file() const { return file_; }
  std::vector<RuleError>& errors() { return errors_; }

 private:
  std::string file_;
  std::vector<RuleError>& errors_;
};

/// Makes an expression error point at the right column of a scalar.
RuleError expression_error(const std::string& file, const DocNode& scalar, int column, const std::string& message);

}  // namespace ckptlint
