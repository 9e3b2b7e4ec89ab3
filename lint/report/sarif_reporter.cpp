// SPDX-License-Identifier: Apache-2.0
// SARIF 2.1.0 for code-scanning services (GitHub, GitLab): one run, the rules that fired as
// tool.driver.rules, one result per finding. Findings in config.json, the index or
// adapter_config.json point at the line of the offending key; findings about a shard point at
// the shard (binary: line 1). partialFingerprints hash (rule, file, tensor), so a finding keeps
// its identity across runs while messages change wording.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

#include "ckptlint/reporters.h"
#include "util/display_text.h"

namespace ckptlint {
namespace {

using json = nlohmann::ordered_json;

std::string fingerprint(const Finding& f) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  for (const std::string* part : {&f.rule_id, &f.location.file, &f.location.tensor}) {
    for (unsigned char c : *part) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

const char* level(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::info: return "note";
  }
  return "note";
}

// The artifact path as the user would open it: the checkpoint path joined with the file.
std::string artifact_uri(const Report& report, const std::string& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path root(report.target.path);
  if (!fs::is_directory(root, ec)) root = root.parent_path();
  std::string uri = (root / file).lexically_normal().generic_string();
  std::string escaped;
  for (unsigned char c : uri) {
    if (std::isalnum(c) || std::string_view("-._~/").find(static_cast<char>(c)) != std::string_view::npos) {
      escaped += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      escaped += hex;
    }
  }
  // An absolute path is a file URI; a relative one resolves against the working directory.
  return escaped.starts_with('/') ? "file://" + escaped : escaped;
}

// "mixed-quantization" -> "MixedQuantization": SARIF wants a readable name distinct from the id.
std::string pascal_case(const std::string& id) {
  std::string out;
  bool upper = true;
  for (char c : id) {
    if (c == '-') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

json rule_descriptor(const Rule& r) {
  std::string markdown = "**" + r.summary + "**\n\nClass: `" + std::string(to_string(r.failure_class)) + "`\n\n" + r.help;
  for (const std::string& ref : r.references) markdown += "\n\nSee: " + ref;
  json d = {{"id", r.id},
            {"name", pascal_case(r.id)},
            {"shortDescription", {{"text", r.summary}}},
            {"fullDescription", {{"text", r.summary + ". " + r.help}}},
            {"help", {{"text", r.help}, {"markdown", markdown}}},
            {"defaultConfiguration", {{"level", level(r.severity)}}},
            {"properties", {{"tags", json::array({to_string(r.failure_class), "ckptlint"})}}}};
  return d;
}

json sarif_run(const Report& report, const RuleSet& rules) {
  std::map<std::string, std::size_t> index;  // rule id -> position in driver.rules
  json descriptors = json::array();
  for (const Finding& f : report.findings) {
    if (index.count(f.rule_id) != 0) continue;
    const Rule* r = rules.find(f.rule_id);
    index[f.rule_id] = descriptors.size();
    if (r != nullptr) {
      descriptors.push_back(rule_descriptor(*r));
    } else {
      descriptors.push_back({{"id", f.rule_id}, {"shortDescription", {{"text", f.rule_id}}}});
    }
  }
  json results = json::array();
  for (const Finding& f : report.findings) {
    json region = {{"startLine", f.location.line.value_or(1)}};
    if (f.location.column) region["startColumn"] = *f.location.column;
    json physical = {{"artifactLocation", {{"uri", artifact_uri(report, f.location.file)}}}, {"region", region}};
    json result = {{"ruleId", f.rule_id},
                   {"ruleIndex", index[f.rule_id]},
                   {"level", level(f.severity)},
                   {"message", {{"text", f.message}}},
                   {"locations", json::array({{{"physicalLocation", physical}}})},
                   {"partialFingerprints", {{"ckptlint/v1", fingerprint(f)}}}};
    json props = {{"class", to_string(f.failure_class)}};
    if (!f.location.tensor.empty()) {
      // The exact name, and its escaped form where the two differ (util/display_text.h).
      props["tensor"] = f.location.tensor;
      std::string shown = display_text(f.location.tensor, 1024);
      if (shown != f.location.tensor) props["tensorDisplay"] = shown;
    }
    result["properties"] = props;
    results.push_back(result);
  }
  return {{"tool",
           {{"driver",
             {{"name", "ckptlint"},
              {"version", version()},
              {"semanticVersion", version()},
              {"informationUri", "https://github.com/ckptlint/ckptlint"},
              {"rules", descriptors}}}}},
          {"columnKind", "utf16CodeUnits"},
          {"results", results}};
}

}  // namespace

void write_sarif(std::ostream& out, const std::vector<const Report*>& reports, const RuleSet& rules) {
  write_sarif(out, reports, rules, {});
}

void write_sarif(std::ostream& out, const std::vector<const Report*>& reports, const RuleSet& rules,
                 const std::vector<NotChecked>& not_checked) {
  json runs = json::array();
  for (const Report* r : reports) runs.push_back(sarif_run(*r, rules));
  for (const NotChecked& n : not_checked) {
    json notification = {{"level", "error"}, {"message", {{"text", fmt::format("{} was not checked: {}", n.path, n.reason)}}}};
    runs.push_back({{"tool", {{"driver", {{"name", "ckptlint"}, {"version", version()}, {"semanticVersion", version()}}}}},
                    {"invocations", json::array({{{"executionSuccessful", false},
                                                  {"toolExecutionNotifications", json::array({notification})}}})},
                    {"results", json::array()}});
  }
  json doc = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", runs}};
  // Never throws on text that is not UTF-8 (a file name): it becomes U+FFFD.
  out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

void write_sarif(std::ostream& out, const Report& report, const RuleSet& rules) { write_sarif(out, {&report}, rules); }

}  // namespace ckptlint
