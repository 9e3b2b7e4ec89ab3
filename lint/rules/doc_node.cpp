// SPDX-License-Identifier: Apache-2.0
#include "rules/doc_node.h"

namespace ckptlint {

DocNode DocNode::make_scalar(std::string text, bool quoted) {
  DocNode n;
  n.kind_ = Kind::scalar;
  n.scalar_ = std::move(text);
  n.quoted_ = quoted;
  return n;
}

DocNode DocNode::make(Kind kind) {
  DocNode n;
  n.kind_ = kind;
  return n;
}

const DocNode& DocNode::operator[](std::string_view key) const {
  static const DocNode kMissing;
  for (const auto& [k, v] : members_) {
    if (k.scalar_ == key) return v;
  }
  return kMissing;
}

}  // namespace ckptlint
