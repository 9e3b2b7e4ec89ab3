// SPDX-License-Identifier: Apache-2.0
// The parsed form of a rule or layout file that the readers walk: mappings, sequences and
// scalars with their source positions. Built from yaml-cpp for files on disk and directly
// from JSON for the packs embedded at build time (rule_documents.h), so the readers do not
// depend on how the text was parsed.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ckptlint {

struct DocMember;

class DocNode {
 public:
  enum class Kind : std::uint8_t { missing, null, scalar, sequence, map };

  // Out of line: DocMember is incomplete here.
  DocNode();
  DocNode(const DocNode&);
  DocNode(DocNode&&) noexcept;
  DocNode& operator=(const DocNode&);
  DocNode& operator=(DocNode&&) noexcept;
  ~DocNode();
  static DocNode make_scalar(std::string text, bool quoted = false);
  static DocNode make(Kind kind);

  bool defined() const { return kind_ != Kind::missing; }
  bool is_null() const { return kind_ == Kind::null; }
  bool is_scalar() const { return kind_ == Kind::scalar; }
  bool is_sequence() const { return kind_ == Kind::sequence; }
  bool is_map() const { return kind_ == Kind::map; }
  /// Present and not null.
  bool has_value() const { return defined() && !is_null(); }
  Kind kind() const { return kind_; }

  /// The scalar's text ("" for other kinds).
  const std::string& scalar() const { return scalar_; }
  /// True for a quoted scalar: its text starts one column after its position.
  bool quoted() const { return quoted_; }
  /// 0-based line and column of the node in its file (0, 0 when unknown).
  int line() const { return line_; }
  int column() const { return column_; }
  void set_position(int line, int column) {
    line_ = line;
    column_ = column;
  }

  /// The value of `key` in a mapping, or a missing node.
  const DocNode& operator[](std::string_view key) const;
  /// Mapping members in file order (key nodes keep their positions).
  const std::vector<DocMember>& members() const;
  /// Sequence items in order.
  const std::vector<DocNode>& items() const { return items_; }
  std::size_t size() const;

  void add(DocNode key, DocNode value);
  void push(DocNode item) { items_.push_back(std::move(item)); }
  /// Room for `n` members (a mapping) or items (a sequence), when the count is known.
  void reserve(std::size_t n);

 private:
  Kind kind_ = Kind::missing;
  bool quoted_ = false;
  int line_ = 0;
  int column_ = 0;
  std::string scalar_;
  std::vector<DocMember> members_;
  std::vector<DocNode> items_;
};

/// A mapping member: key node (with its position) and value.
struct DocMember {
  DocMember(DocNode k, DocNode v) : first(std::move(k)), second(std::move(v)) {}
  DocNode first;
  DocNode second;
};

}  // namespace ckptlint
