// SPDX-License-Identifier: Apache-2.0
// Rule packs as parsed documents, and the built-in packs embedded in the binary.
//
// yaml-cpp scans roughly a kilobyte of YAML per millisecond, which would make rule loading
// the slowest part of a header-only check. So the built-in packs are validated and packed
// at build time (lint/tools/embed_rules.cpp: a bad built-in rule fails the build), and the
// binary unpacks them straight into documents (pack_documents below).
// Packs given with --rules, or a CKPTLINT_RULES_DIR, are read from YAML as usual.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ckptlint/rule.h"
#include "lang/doc_node.h"

namespace YAML {
class Node;
}

namespace ckptlint {

/// One rule or layout file, parsed.
struct RuleDocument {
  std::string file;  ///< the path, for messages and `ckptlint rules ID`
  DocNode root;
  /// Embedded by the build, which compiled it without an error: its layout model may be
  /// compiled on first use (LayoutModel::body()).
  bool validated = false;
  /// A layout model unpacked from the build's text: its `tensors:` value, still packed
  /// (`root` holds null there), read when the model is first used. It views the text given
  /// to unpack_documents().
  std::string_view packed_tensors = {};
};

/// What a pack document is, by its name: a rule (`<id>.yaml`), a layout model
/// (`*.layout.yaml`), shared layout blocks (`*.blocks.yaml`) or a quantization scheme
/// (`*.scheme.yaml`).
enum class DocumentKind { rule, layout, blocks, scheme };
DocumentKind document_kind(const std::string& file);

/// A document of the layout language (a layout model, its blocks or a quantization scheme)
/// rather than a rule: what the `layout` command loads.
bool is_layout_document(const std::string& file);

/// Most nodes one YAML document may expand to (aliases count once per use), and the largest
/// rule, layout or project-config file read.
inline constexpr std::size_t kMaxYamlNodes = 1'000'000;
inline constexpr std::uint64_t kMaxYamlBytes = 4ull << 20;

/// Converts a yaml-cpp tree, keeping positions and whether scalars were quoted. Throws
/// YAML::Exception past kMaxYamlNodes nodes or 64 levels.
DocNode to_doc(const YAML::Node& node);

/// Reads and parses one YAML file as untrusted input: opened without blocking, regular files
/// only, at most `max_bytes`, alias expansion bounded. Problems go to `errors` with
/// file:line:column.
std::optional<DocNode> read_yaml_document(const std::string& path, std::uint64_t max_bytes, std::vector<RuleError>& errors);

/// Reads every *.yaml below `dirs` (sorted by path); YAML syntax errors go to `errors`.
std::vector<RuleDocument> read_rule_documents(const std::vector<std::string>& dirs, std::vector<RuleError>& errors);

/// Validates and compiles documents into a RuleSet (all errors collected).
RuleSet load_rule_documents(std::vector<RuleDocument> documents, std::vector<RuleError>& errors);

/// The form the built-in packs are embedded in: each document as its path and its tree,
/// written in preorder with every text length-prefixed, so that reading it back is a walk
/// with no escapes, no number parsing and no intermediate tree. Mapping keys keep their
/// order; positions are not kept (the build already reported any error with them).
///   node := 'M' count ':' (key node)*  |  'S' count ':' node*  |  'V' length ':' bytes  |  'N'
///   packs := 'D' count ':' ('V' length ':' path  node)*
std::string pack_documents(const std::vector<RuleDocument>& documents);

/// The inverse of pack_documents(). Throws on text pack_documents() did not write. The
/// documents, and the layout models loaded from them, view `packed`: it must outlive them
/// (the embedded text is static).
std::vector<RuleDocument> unpack_documents(std::string_view packed);

/// One node of that text (a layout model's `packed_tensors`).
DocNode unpack_node(std::string_view packed);

}  // namespace ckptlint
