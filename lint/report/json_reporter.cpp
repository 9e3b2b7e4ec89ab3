// SPDX-License-Identifier: Apache-2.0
// The stable machine report, schema "ckptlint-report/1". Field names never change meaning
// within the schema version; new fields may be added.
#include <nlohmann/json.hpp>

#include <set>

#include "ckptlint/reporters.h"

namespace ckptlint {

const char* version() { return CKPTLINT_VERSION; }

void write_json(std::ostream& out, const Report& report) {
  using json = nlohmann::ordered_json;
  json doc;
  doc["schema"] = "ckptlint-report/1";
  doc["tool"] = {{"name", "ckptlint"}, {"version", version()}};
  json target = {{"path", report.target.path}, {"kind", report.target.kind}};
  target["family"] = report.target.family.empty() ? json(nullptr) : json(report.target.family);
  target["layout"] = report.target.layout;
  target["quantization"] = report.target.quantization;
  doc["target"] = target;
  json findings = json::array();
  std::set<std::string> classes;
  for (const Finding& f : report.findings) {
    json j = {{"rule", f.rule_id}, {"class", to_string(f.failure_class)}, {"severity", to_string(f.severity)},
              {"message", f.message}, {"file", f.location.file}};
    j["tensor"] = f.location.tensor.empty() ? json(nullptr) : json(f.location.tensor);
    if (!f.location.json_pointer.empty()) j["json_pointer"] = f.location.json_pointer;
    if (f.location.byte_offset) j["byte_offset"] = *f.location.byte_offset;
    if (f.location.line) j["line"] = *f.location.line;
    if (f.location.column) j["column"] = *f.location.column;
    j["help"] = f.help;
    json facts = json::object();
    for (const auto& [k, v] : f.facts) facts[k] = v;
    j["facts"] = facts;
    if (!f.related.empty()) {
      json related = json::array();
      for (const Location& l : f.related) {
        json r = {{"file", l.file}};
        if (!l.tensor.empty()) r["tensor"] = l.tensor;
        related.push_back(r);
      }
      j["related"] = related;
    }
    findings.push_back(j);
    classes.insert(to_string(f.failure_class));
  }
  doc["findings"] = findings;
  doc["summary"] = {{"error", count(report, Severity::error)},
                    {"warning", count(report, Severity::warning)},
                    {"info", count(report, Severity::info)},
                    {"classes", json(std::vector<std::string>(classes.begin(), classes.end()))},
                    {"verdict", fails(report) ? "fail" : "pass"},
                    {"suppressed", report.suppressed},
                    {"baseline_unmatched", report.baseline_unmatched}};
  out << doc.dump(2) << "\n";
}

}  // namespace ckptlint
