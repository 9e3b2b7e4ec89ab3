// SPDX-License-Identifier: Apache-2.0
#include "lang/doc_reader.h"

#include <fmt/format.h>

namespace ckptlint {

RuleError expression_error(const std::string& file, const DocNode& scalar, int column, const std::string& message) {
  // A quoted scalar starts one column after its position, at the quote. Escapes inside
  // quotes and block scalars can shift the column; the line is always right.
  int quote = scalar.quoted() ? 1 : 0;
  return RuleError{file, scalar.line() + 1, scalar.column() + 1 + quote + column, message};
}

void DocReader::error(const DocNode& at, const std::string& message) {
  errors_.push_back(RuleError{file_, at.defined() ? at.line() + 1 : 1, at.defined() ? at.column() + 1 : 1, message});
}

std::vector<std::string> DocReader::strings(const DocNode& v, const std::string& what) {
  std::vector<std::string> out;
  if (!v.has_value()) return out;
  if (v.is_scalar()) return {v.scalar()};
  if (!v.is_sequence()) {
    error(v, fmt::format("{} must be a list of strings", what));
    return out;
  }
  for (const DocNode& item : v.items()) {
    if (item.is_scalar()) out.push_back(item.scalar());
    else error(item, fmt::format("{} must be a list of strings", what));
  }
  return out;
}

std::optional<Expr> DocReader::expression(const DocNode& node, const std::string& what) {
  if (!node.is_scalar()) {
    error(node, fmt::format("{} must be an expression string", what));
    return std::nullopt;
  }
  std::string message;
  int column = 0;
  if (auto e = Expr::parse(node.scalar(), message, column)) return e;
  errors_.push_back(expression_error(file_, node, column, fmt::format("bad expression in {}: {}", what, message)));
  return std::nullopt;
}

std::vector<std::pair<std::string, Expr>> DocReader::expressions(const DocNode& map, const std::string& what) {
  std::vector<std::pair<std::string, Expr>> out;
  if (!map.has_value()) return out;
  if (!map.is_map()) {
    error(map, fmt::format("{} must be a mapping of name: expression", what));
    return out;
  }
  for (const DocMember& kv : map.members()) {
    if (auto e = expression(kv.second, fmt::format("{} '{}'", what, kv.first.scalar()))) out.emplace_back(kv.first.scalar(), *e);
  }
  return out;
}

}  // namespace ckptlint
