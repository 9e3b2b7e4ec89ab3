// SPDX-License-Identifier: Apache-2.0
#include <fmt/format.h>

#include <charconv>

#include "primitives/primitive.h"

namespace ckptlint {

void PrimitiveArgs::error(const DocNode& at, const std::string& message) { reader_.error(at.defined() ? at : with_, message); }

void PrimitiveArgs::allow_only(std::initializer_list<const char*> allowed) {
  if (!with_.has_value()) return;
  if (!with_.is_map()) {
    error(with_, "'with' must be a mapping");
    return;
  }
  for (const DocMember& kv : with_.members()) {
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
  if (required && !v.has_value()) error(with_, fmt::format("missing parameter '{}'", key));
  return v;
}

std::string PrimitiveArgs::string(const char* key, bool required, const std::string& fallback) {
  const DocNode& v = get(key, required);
  if (!v.has_value()) return fallback;
  if (!v.is_scalar()) {
    error(v, fmt::format("parameter '{}' must be a string", key));
    return fallback;
  }
  return v.scalar();
}

std::vector<std::string> PrimitiveArgs::strings(const char* key, bool required) {
  return reader_.strings(get(key, required), fmt::format("parameter '{}'", key));
}

std::int64_t PrimitiveArgs::integer(const char* key, bool required, std::int64_t fallback) {
  const DocNode& v = get(key, required);
  if (!v.has_value()) return fallback;
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
  if (!v.has_value()) return {};
  return reader_.expression(v, fmt::format("'{}'", key)).value_or(Expr{});
}

std::vector<std::pair<std::string, Expr>> PrimitiveArgs::expressions(const char* key) {
  return reader_.expressions(get(key, false), fmt::format("'{}'", key));
}

}  // namespace ckptlint
