// SPDX-License-Identifier: Apache-2.0
// Rule packs as parsed documents, and the built-in packs embedded in the binary.
//
// yaml-cpp scans roughly a kilobyte of YAML per millisecond, which would make rule loading
// the slowest part of a header-only check. So the built-in packs are validated and turned
// into JSON at build time (lint/tools/embed_rules.cpp: a bad built-in rule fails the
// build), and the binary reads that JSON with the same fast parser as safetensors headers.
// Packs given with --rules, or a CKPTLINT_RULES_DIR, are read from YAML as usual.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

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
};

/// A layout model (`*.layout.yaml`) rather than a rule.
bool is_layout_document(const std::string& file);

/// Converts a yaml-cpp tree, keeping positions and whether scalars were quoted.
DocNode to_doc(const YAML::Node& node);

/// Reads every *.yaml below `dirs` (sorted by path); YAML syntax errors go to `errors`.
std::vector<RuleDocument> read_rule_documents(const std::vector<std::string>& dirs, std::vector<RuleError>& errors);

/// Validates and compiles documents into a RuleSet (all errors collected).
RuleSet load_rule_documents(const std::vector<RuleDocument>& documents, std::vector<RuleError>& errors);

/// {"files": [{"file": path, "doc": document}]} with every scalar as a JSON string: the
/// form the built-in packs are embedded in. Mapping keys keep their order.
nlohmann::ordered_json documents_to_json(const std::vector<RuleDocument>& documents);

/// The inverse of documents_to_json(), from its text; with `layouts_only`, only the layout
/// models are converted (the `layout` command needs no rules).
std::vector<RuleDocument> documents_from_json(std::string_view text, bool layouts_only = false);

}  // namespace ckptlint
