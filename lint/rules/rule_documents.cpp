// SPDX-License-Identifier: Apache-2.0
#include "rules/rule_documents.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "util/small_file.h"

namespace ckptlint {
namespace {

// 'X' then the count (or length) and ':': the prefix of every node but null.
void put_header(std::string& out, char tag, std::size_t n) {
  out += tag;
  out += std::to_string(n);
  out += ':';
}

void put_text(std::string& out, const std::string& text) {
  put_header(out, 'V', text.size());
  out += text;
}

void pack(const DocNode& n, std::string& out) {
  switch (n.kind()) {
    case DocNode::Kind::map:
      put_header(out, 'M', n.members().size());
      for (const auto& [k, v] : n.members()) {
        pack(k, out);
        pack(v, out);
      }
      return;
    case DocNode::Kind::sequence:
      put_header(out, 'S', n.items().size());
      for (const DocNode& item : n.items()) pack(item, out);
      return;
    case DocNode::Kind::scalar:
      put_text(out, n.scalar());
      return;
    default:
      out += 'N';
  }
}

// Reads what pack() wrote. The text is the build's own, but every count and length is still
// checked against what is left, and depth is bounded.
class Unpacker {
 public:
  explicit Unpacker(std::string_view s) : s_(s) {}

  bool done() const { return pos_ == s_.size(); }
  std::size_t position() const { return pos_; }
  std::string_view text_between(std::size_t from, std::size_t to) const { return s_.substr(from, to - from); }

  // Steps over one node without building it.
  void skip(int depth = 0) {
    if (depth > 256 || pos_ >= s_.size()) corrupt();
    switch (s_[pos_]) {
      case 'M':
        for (std::size_t i = header('M'); i > 0; --i) {
          skip(depth + 1);
          skip(depth + 1);
        }
        return;
      case 'S':
        for (std::size_t i = header('S'); i > 0; --i) skip(depth + 1);
        return;
      case 'V': {
        std::size_t n = header('V');
        if (n > s_.size() - pos_) corrupt();
        pos_ += n;
        return;
      }
      case 'N': ++pos_; return;
      default: corrupt();
    }
  }

  // A layout model's root mapping, its `tensors:` value left packed (null in the tree).
  DocNode layout_root(std::string_view& packed_tensors) {
    DocNode out = DocNode::make(DocNode::Kind::map);
    std::size_t n = header('M');
    out.reserve(at_most_left(n));
    for (std::size_t i = n; i > 0; --i) {
      DocNode key = node(1);
      if (key.is_scalar() && key.scalar() == "tensors") {
        std::size_t from = pos_;
        skip(1);
        packed_tensors = text_between(from, pos_);
        out.add(std::move(key), DocNode::make(DocNode::Kind::null));
      } else {
        out.add(std::move(key), node(1));
      }
    }
    return out;
  }

  // 'X' then a decimal count and ':'.
  std::size_t header(char tag) {
    if (pos_ >= s_.size() || s_[pos_] != tag) corrupt();
    ++pos_;
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(s_.data() + pos_, s_.data() + s_.size(), n);
    if (ec != std::errc() || end == s_.data() + s_.size() || *end != ':') corrupt();
    pos_ = static_cast<std::size_t>(end - s_.data()) + 1;
    return n;
  }
  // A count to reserve room for: no more than the bytes left (each node takes one or more).
  std::size_t at_most_left(std::size_t n) const { return std::min(n, s_.size() - pos_); }

  std::string text() {
    std::size_t n = header('V');
    if (n > s_.size() - pos_) corrupt();
    std::string out(s_.substr(pos_, n));
    pos_ += n;
    return out;
  }
  DocNode node(int depth = 0) {
    if (depth > 256 || pos_ >= s_.size()) corrupt();
    switch (s_[pos_]) {
      case 'M': {
        DocNode out = DocNode::make(DocNode::Kind::map);
        std::size_t n = header('M');
        out.reserve(at_most_left(n));
        for (std::size_t i = n; i > 0; --i) {
          DocNode key = node(depth + 1);
          out.add(std::move(key), node(depth + 1));
        }
        return out;
      }
      case 'S': {
        DocNode out = DocNode::make(DocNode::Kind::sequence);
        std::size_t n = header('S');
        out.reserve(at_most_left(n));
        for (std::size_t i = n; i > 0; --i) out.push(node(depth + 1));
        return out;
      }
      case 'V': return DocNode::make_scalar(text());
      case 'N': ++pos_; return DocNode::make(DocNode::Kind::null);
      default: corrupt();
    }
  }

 private:
  // The text was written by the build; failing to read it back is a bug, not bad input.
  [[noreturn]] void corrupt() const {
    throw std::runtime_error("embedded rules are corrupt at byte " + std::to_string(pos_));
  }
  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

namespace {

// yaml-cpp keeps an alias as a second reference to its anchor's node, so a file of a few
// hundred bytes can stand for a tree of billions of nodes (a "billion laughs"): the walk
// that copies it counts every node and gives up past the budget.
DocNode to_doc(const YAML::Node& n, std::size_t& budget, int depth) {
  if (budget == 0 || depth > 64) throw YAML::Exception(n.Mark(), "the document expands to too many nodes or nests too deeply (aliases?)");
  --budget;
  DocNode out;
  switch (n.Type()) {
    case YAML::NodeType::Map:
      out = DocNode::make(DocNode::Kind::map);
      for (const auto& kv : n) {
        DocNode key = to_doc(kv.first, budget, depth + 1);
        out.add(std::move(key), to_doc(kv.second, budget, depth + 1));
      }
      break;
    case YAML::NodeType::Sequence:
      out = DocNode::make(DocNode::Kind::sequence);
      for (const auto& item : n) out.push(to_doc(item, budget, depth + 1));
      break;
    case YAML::NodeType::Scalar: out = DocNode::make_scalar(n.Scalar(), n.Tag() == "!"); break;
    case YAML::NodeType::Null: out = DocNode::make(DocNode::Kind::null); break;
    case YAML::NodeType::Undefined: return out;
  }
  out.set_position(n.Mark().line, n.Mark().column);
  return out;
}

}  // namespace

DocNode to_doc(const YAML::Node& n) {
  std::size_t budget = kMaxYamlNodes;
  return to_doc(n, budget, 0);
}

std::optional<DocNode> read_yaml_document(const std::string& path, std::uint64_t max_bytes, std::vector<RuleError>& errors) {
  std::string reason;
  std::optional<std::string> text = read_small_file(path, max_bytes, reason);
  if (!text) {
    errors.push_back(RuleError{path, 0, 0, "cannot read: " + reason});
    return std::nullopt;
  }
  try {
    return to_doc(YAML::Load(*text));
  } catch (const YAML::Exception& e) {
    errors.push_back(RuleError{path, e.mark.line + 1, e.mark.column + 1, e.msg});
    return std::nullopt;
  }
}

std::string pack_documents(const std::vector<RuleDocument>& documents) {
  std::string out;
  put_header(out, 'D', documents.size());
  for (const RuleDocument& d : documents) {
    put_text(out, d.file);
    if (d.packed_tensors.empty()) {
      pack(d.root, out);
      continue;
    }
    put_header(out, 'M', d.root.members().size());
    for (const auto& [k, v] : d.root.members()) {
      pack(k, out);
      if (k.scalar() == "tensors") out += d.packed_tensors;
      else pack(v, out);
    }
  }
  return out;
}

DocNode unpack_node(std::string_view packed) {
  Unpacker in(packed);
  DocNode out = in.node();
  if (!in.done()) throw std::runtime_error("embedded rules have trailing bytes");
  return out;
}

DocumentKind document_kind(const std::string& file) {
  auto has = [&](std::string_view suffix) { return file.size() > suffix.size() && file.ends_with(suffix); };
  if (has(".layout.yaml")) return DocumentKind::layout;
  if (has(".blocks.yaml")) return DocumentKind::blocks;
  if (has(".scheme.yaml")) return DocumentKind::scheme;
  return DocumentKind::rule;
}

bool is_layout_document(const std::string& file) { return document_kind(file) != DocumentKind::rule; }

std::vector<RuleDocument> unpack_documents(std::string_view packed) {
  Unpacker in(packed);
  std::vector<RuleDocument> out;
  for (std::size_t i = in.header('D'); i > 0; --i) {
    RuleDocument d;
    d.file = in.text();
    d.root = document_kind(d.file) == DocumentKind::layout ? in.layout_root(d.packed_tensors) : in.node();
    d.validated = true;
    out.push_back(std::move(d));
  }
  if (!in.done()) throw std::runtime_error("embedded rules have trailing bytes");
  return out;
}

}  // namespace ckptlint
