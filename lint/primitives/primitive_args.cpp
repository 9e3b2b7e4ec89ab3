// SPDX-License-Identifier: Apache-2.0
#include <fmt/format.h>

#include "primitives/primitive.h"

namespace ckptlint {

RuleError expression_error(const std::string& file, const YAML::Node& scalar, int column, const std::string& message) {
  YAML::Mark mark = scalar.Mark();
  // A quoted scalar (tag "!") starts one column after its mark, at the quote. Escapes inside
  // quotes and block scalars can shift the column; the line is always right.
  int quote = scalar.Tag() == "!" ? 1 : 0;
  return RuleError{file, mark.line + 1, mark.column + 1 + quote + column, message};
}

void PrimitiveArgs::error(const YAML::Node& at, const std::string& message) {
  YAML::Mark mark = at.IsDefined() ? at.Mark() : with_.Mark();
  errors_.push_back(RuleError{file_, mark.line + 1, mark.column + 1, message});
}

void PrimitiveArgs::allow_only(std::initializer_list<const char*> allowed) {
  if (!with_.IsDefined() || with_.IsNull()) return;
  if (!with_.IsMap()) {
    error(with_, "'with' must be a mapping");
    return;
  }
  for (const auto& kv : with_) {
    std::string key = kv.first.as<std::string>();
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      error(kv.first, fmt::format("unknown parameter '{}' (allowed: {})", key, list.empty() ? "none" : list));
    }
  }
}

YAML::Node PrimitiveArgs::get(const char* key, bool required) {
  YAML::Node v = with_.IsMap() ? with_[key] : YAML::Node();
  if (required && (!v.IsDefined() || v.IsNull())) error(with_, fmt::format("missing parameter '{}'", key));
  return v;
}

std::string PrimitiveArgs::string(const char* key, bool required, const std::string& fallback) {
  YAML::Node v = get(key, required);
  if (!v.IsDefined() || v.IsNull()) return fallback;
  if (!v.IsScalar()) {
    error(v, fmt::format("parameter '{}' must be a string", key));
    return fallback;
  }
  return v.Scalar();
}

std::vector<std::string> PrimitiveArgs::strings(const char* key, bool required) {
  YAML::Node v = get(key, required);
  std::vector<std::string> out;
  if (!v.IsDefined() || v.IsNull()) return out;
  if (v.IsScalar()) return {v.Scalar()};
  if (!v.IsSequence()) {
    error(v, fmt::format("parameter '{}' must be a list of strings", key));
    return out;
  }
  for (const auto& item : v) {
    if (!item.IsScalar()) error(item, fmt::format("parameter '{}' must be a list of strings", key));
    else out.push_back(item.Scalar());
  }
  return out;
}

std::int64_t PrimitiveArgs::integer(const char* key, bool required, std::int64_t fallback) {
  YAML::Node v = get(key, required);
  if (!v.IsDefined() || v.IsNull()) return fallback;
  try {
    return v.as<std::int64_t>();
  } catch (const YAML::Exception&) {
    error(v, fmt::format("parameter '{}' must be an integer", key));
    return fallback;
  }
}

Expr PrimitiveArgs::expression(const char* key, bool required) {
  YAML::Node v = get(key, required);
  if (!v.IsDefined() || v.IsNull()) return {};
  if (!v.IsScalar()) {
    error(v, fmt::format("parameter '{}' must be an expression string", key));
    return {};
  }
  std::string message;
  int column = 0;
  if (auto e = Expr::parse(v.Scalar(), message, column)) return *e;
  errors_.push_back(expression_error(file_, v, column, fmt::format("bad expression in '{}': {}", key, message)));
  return {};
}

std::vector<std::pair<std::string, Expr>> PrimitiveArgs::expressions(const char* key) {
  YAML::Node v = get(key, false);
  std::vector<std::pair<std::string, Expr>> out;
  if (!v.IsDefined() || v.IsNull()) return out;
  if (!v.IsMap()) {
    error(v, fmt::format("parameter '{}' must be a mapping of name: expression", key));
    return out;
  }
  for (const auto& kv : v) {
    std::string message;
    int column = 0;
    if (!kv.second.IsScalar()) {
      error(kv.second, "expected an expression string");
    } else if (auto e = Expr::parse(kv.second.Scalar(), message, column)) {
      out.emplace_back(kv.first.as<std::string>(), *e);
    } else {
      errors_.push_back(expression_error(file_, kv.second, column, "bad expression: " + message));
    }
  }
  return out;
}

}  // namespace ckptlint
