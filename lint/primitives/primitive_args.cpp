// SPDX-License-Identifier: Apache-2.0
#include <fmt/format.h>

#include <charconv>

#include "primitives/primitive.h"

namespace ckptlint {

RuleError expression_error(const std::string& file, const DocNode& scalar, int column, const std::string& message) {
  // A quoted scalar (tag "!") starts one column after its mark, at the quote. Escapes inside
  // quotes and block scalars can shift the column; the line is always right.
  int quote = scalar.quoted() ? 1 : 0;
  return RuleError{file, scalar.line() + 1, scalar.column() + 1 + quote + column, message};
}

void PrimitiveArgs::error(const DocNode& at, const std::string& message) {
  const DocNode& where = at.defined() ? at : with_;
  errors_.push_back(RuleError{file_, where.line() + 1, where.column() + 1, message});
}

void PrimitiveArgs::allow_only(std::initializer_list<const char*> allowed) {
  if (!with_.defined() || with_.is_null()) return;
  if (!with_.is_map()) {
    error(with_, "'with' must be a mapping");
    return;
  }
  for (const auto& kv : with_.members()) {
    const std::string& key = kv.first.scalar();
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      error(kv.first, fmt::format("unknown parameter '{}' (allowed: {})", key, list.empty() ? "none" : list));
    }
  }
}

const DocNode& PrimitiveArgs::get(const char* key, bool required) {
  const DocNode& v = with_[key];
  if (required && (!v.defined() || v.is_null())) error(with_, fmt::format("missing parameter '{}'", key));
  return v;
}

std::string PrimitiveArgs::string(const char* key, bool required, const std::string& fallback) {
  const DocNode& v = get(key, required);
  if (!v.defined() || v.is_null()) return fallback;
  if (!v.is_scalar()) {
    error(v, fmt::format("parameter '{}' must be a string", key));
    return fallback;
  }
  return v.scalar();
}

std::vector<std::string> PrimitiveArgs::strings(const char* key, bool required) {
  const DocNode& v = get(key, required);
  std::vector<std::string> out;
  if (!v.defined() || v.is_null()) return out;
  if (v.is_scalar()) return {v.scalar()};
  if (!v.is_sequence()) {
    error(v, fmt::format("parameter '{}' must be a list of strings", key));
    return out;
  }
  for (const auto& item : v.items()) {
    if (!item.is_scalar()) error(item, fmt::format("parameter '{}' must be a list of strings", key));
    else out.push_back(item.scalar());
  }
  return out;
}

std::int64_t PrimitiveArgs::integer(const char* key, bool required, std::int64_t fallback) {
  const DocNode& v = get(key, required);
  if (!v.defined() || v.is_null()) return fallback;
  std::int64_t out = 0;
  const std::string& text = v.scalar();
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (!v.is_scalar() || ec != std::errc() || end != text.data() + text.size()) {
    error(v, fmt::format("parameter '{}' must be an integer", key));
    return fallback;
  }
  return out;
}

Expr PrimitiveArgs::expression(const char* key, bool required) {
  const DocNode& v = get(key, required);
  if (!v.defined() || v.is_null()) return {};
  if (!v.is_scalar()) {
    error(v, fmt::format("parameter '{}' must be an expression string", key));
    return {};
  }
  std::string message;
  int column = 0;
  if (auto e = Expr::parse(v.scalar(), message, column)) return *e;
  errors_.push_back(expression_error(file_, v, column, fmt::format("bad expression in '{}': {}", key, message)));
  return {};
}

std::vector<std::pair<std::string, Expr>> PrimitiveArgs::expressions(const char* key) {
  const DocNode& v = get(key, false);
  std::vector<std::pair<std::string, Expr>> out;
  if (!v.defined() || v.is_null()) return out;
  if (!v.is_map()) {
    error(v, fmt::format("parameter '{}' must be a mapping of name: expression", key));
    return out;
  }
  for (const auto& kv : v.members()) {
    std::string message;
    int column = 0;
    if (!kv.second.is_scalar()) {
      error(kv.second, "expected an expression string");
    } else if (auto e = Expr::parse(kv.second.scalar(), message, column)) {
      out.emplace_back(kv.first.scalar(), *e);
    } else {
      errors_.push_back(expression_error(file_, kv.second, column, "bad expression: " + message));
    }
  }
  return out;
}

}  // namespace ckptlint
