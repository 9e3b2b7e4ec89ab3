// SPDX-License-Identifier: Apache-2.0
#include "lang/doc_node.h"

namespace ckptlint {

DocNode::DocNode() = default;
DocNode::DocNode(const DocNode&) = default;
DocNode::DocNode(DocNode&&) noexcept = default;
DocNode& DocNode::operator=(const DocNode&) = default;
DocNode& DocNode::operator=(DocNode&&) noexcept = default;
DocNode::~DocNode() = default;

std::size_t DocNode::size() const { return is_map() ? members_.size() : items_.size(); }
const std::vector<DocMember>& DocNode::members() const { return members_; }

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

void DocNode::reserve(std::size_t n) {
  if (is_map()) members_.reserve(n);
  else if (is_sequence()) items_.reserve(n);
}

void DocNode::add(DocNode key, DocNode value) { members_.emplace_back(std::move(key), std::move(value)); }

const DocNode& DocNode::operator[](std::string_view key) const {
  static const DocNode kMissing;
  for (const auto& [k, v] : members_) {
    if (k.scalar_ == key) return v;
  }
  return kMissing;
}

}  // namespace ckptlint
