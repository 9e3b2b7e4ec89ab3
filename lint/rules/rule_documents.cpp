// SPDX-License-Identifier: Apache-2.0
#include "rules/rule_documents.h"

#include <yaml-cpp/yaml.h>

#include <stdexcept>

#include "json/json_stream.h"

namespace ckptlint {
namespace {

nlohmann::ordered_json doc_to_json(const DocNode& n) {
  switch (n.kind()) {
    case DocNode::Kind::map: {
      nlohmann::ordered_json out = nlohmann::ordered_json::object();
      for (const auto& [k, v] : n.members()) out[k.scalar()] = doc_to_json(v);
      return out;
    }
    case DocNode::Kind::sequence: {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const DocNode& item : n.items()) out.push_back(doc_to_json(item));
      return out;
    }
    case DocNode::Kind::scalar: return n.scalar();
    default: return nullptr;
  }
}

DocNode from_value(JValue&& v) {
  switch (v.kind) {
    case JValue::Kind::object: {
      DocNode out = DocNode::make(DocNode::Kind::map);
      for (auto& [k, item] : v.members) out.add(DocNode::make_scalar(std::move(k)), from_value(std::move(item)));
      return out;
    }
    case JValue::Kind::array: {
      DocNode out = DocNode::make(DocNode::Kind::sequence);
      for (JValue& item : v.items) out.push(from_value(std::move(item)));
      return out;
    }
    case JValue::Kind::string: return DocNode::make_scalar(std::move(v.text));
    default: return DocNode::make(DocNode::Kind::null);
  }
}

}  // namespace

DocNode to_doc(const YAML::Node& n) {
  DocNode out;
  switch (n.Type()) {
    case YAML::NodeType::Map:
      out = DocNode::make(DocNode::Kind::map);
      for (const auto& kv : n) out.add(to_doc(kv.first), to_doc(kv.second));
      break;
    case YAML::NodeType::Sequence:
      out = DocNode::make(DocNode::Kind::sequence);
      for (const auto& item : n) out.push(to_doc(item));
      break;
    case YAML::NodeType::Scalar: out = DocNode::make_scalar(n.Scalar(), n.Tag() == "!"); break;
    case YAML::NodeType::Null: out = DocNode::make(DocNode::Kind::null); break;
    case YAML::NodeType::Undefined: return out;
  }
  out.set_position(n.Mark().line, n.Mark().column);
  return out;
}

nlohmann::ordered_json documents_to_json(const std::vector<RuleDocument>& documents) {
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (const RuleDocument& d : documents) files.push_back({{"file", d.file}, {"doc", doc_to_json(d.root)}});
  return {{"files", files}};
}

bool is_layout_document(const std::string& file) {
  constexpr std::string_view kSuffix = ".layout.yaml";
  return file.size() > kSuffix.size() && file.ends_with(kSuffix);
}

std::vector<RuleDocument> documents_from_json(std::string_view text, bool layouts_only) {
  std::vector<RuleDocument> out;
  JsonStreamLimits limits;  // the build wrote it: no cap on lists
  limits.max_array_items = SIZE_MAX;
  JsonStreamResult r = stream_object_members(
      text,
      [&](std::string&& key, JValue&& files) {
        if (key != "files") return;
        for (JValue& f : files.items) {
          RuleDocument d;
          for (auto& [k, v] : f.members) {
            if (k == "file") d.file = std::move(v.text);
            else if (k == "doc" && (!layouts_only || is_layout_document(d.file))) d.root = from_value(std::move(v));
          }
          if (!layouts_only || is_layout_document(d.file)) out.push_back(std::move(d));
        }
      },
      limits);
  // The text was written by the build; failing to read it back is a bug, not bad input.
  if (r.status != JsonStreamResult::Status::ok) throw std::runtime_error("embedded rules are corrupt: " + r.error);
  return out;
}

}  // namespace ckptlint
