// SPDX-License-Identifier: Apache-2.0
// The stable machine report, schema "ckptlint-report/1". Field names never change meaning
// within the schema version; new fields may be added.
//
// Strings from the checkpoint are carried exactly ("tensor", "file", facts); where the
// exact text is not valid UTF-8 or holds characters a reader should not see raw, a
// "tensor_display" / "file_display" field beside it has the escaped form
// (util/display_text.h). Invalid UTF-8 in an exact field is written as U+FFFD, so the
// document is always valid JSON.
#include <nlohmann/json.hpp>

#include <set>

#include "ckptlint/reporters.h"
#include "util/display_text.h"

namespace ckptlint {
namespace {

using json = nlohmann::ordered_json;

// `name` and, when its display form differs, `name_display`.
void put_text(json& j, const char* name, const std::string& value) {
  j[name] = value;
  std::string shown = display_text(value, 1024);
  if (shown != value) j[std::string(name) + "_display"] = shown;
}

json location_json(const Location& l) {
  json r = json::object();
  put_text(r, "file", l.file);
  if (!l.tensor.empty()) put_text(r, "tensor", l.tensor);
  return r;
}

json report_json(const Report& report) {
  json doc;
  doc["schema"] = "ckptlint-report/1";
  doc["tool"] = {{"name", "ckptlint"}, {"version", version()}};
  json target = json::object();
  put_text(target, "path", report.target.path);
  target["kind"] = report.target.kind;
  target["family"] = report.target.family.empty() ? json(nullptr) : json(report.target.family);
  target["layout"] = report.target.layout;
  target["quantization"] = report.target.quantization;
  doc["target"] = target;
  json findings = json::array();
  std::set<std::string> classes;
  for (const Finding& f : report.findings) {
    json j = {{"rule", f.rule_id}, {"class", to_string(f.failure_class)}, {"severity", to_string(f.severity)},
              {"message", f.message}};
    put_text(j, "file", f.location.file);
    if (f.location.tensor.empty()) j["tensor"] = nullptr;
    else put_text(j, "tensor", f.location.tensor);
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
      for (const Location& l : f.related) related.push_back(location_json(l));
      j["related"] = related;
    }
    findings.push_back(j);
    classes.insert(to_string(f.failure_class));
  }
  doc["findings"] = findings;
  json capped = json::array();
  for (const CappedFindings& c : report.capped) {
    json entry = {{"rule", c.rule}};
    put_text(entry, "file", c.file);
    entry["omitted"] = c.omitted;
    capped.push_back(entry);
  }
  doc["summary"] = {{"error", count(report, Severity::error)},
                    {"warning", count(report, Severity::warning)},
                    {"info", count(report, Severity::info)},
                    {"classes", json(std::vector<std::string>(classes.begin(), classes.end()))},
                    {"verdict", fails(report) ? "fail" : "pass"},
                    {"files", report.files_read},
                    {"tensors", report.tensors_read},
                    {"rules_run", report.rules_run},
                    {"suppressed", report.suppressed},
                    {"baseline_unmatched", report.baseline_unmatched},
                    {"capped", capped}};
  return doc;
}

// Never throws: text that is not UTF-8 becomes U+FFFD in the exact fields.
std::string dump(const json& doc) { return doc.dump(2, ' ', false, json::error_handler_t::replace); }

}  // namespace

const char* version() { return CKPTLINT_VERSION; }

void write_json(std::ostream& out, const Report& report) { out << dump(report_json(report)) << "\n"; }

void write_json(std::ostream& out, const std::vector<const Report*>& reports) { write_json(out, reports, {}); }

void write_json(std::ostream& out, const std::vector<const Report*>& reports, const std::vector<NotChecked>& not_checked) {
  if (reports.size() == 1 && not_checked.empty()) {
    write_json(out, *reports.front());
    return;
  }
  json doc;
  doc["schema"] = "ckptlint-reports/1";
  doc["tool"] = {{"name", "ckptlint"}, {"version", version()}};
  json all = json::array();
  std::size_t failed = 0;
  for (const Report* r : reports) {
    all.push_back(report_json(*r));
    failed += fails(*r) ? 1 : 0;
  }
  doc["reports"] = all;
  json unchecked = json::array();
  for (const NotChecked& n : not_checked) unchecked.push_back({{"path", n.path}, {"reason", n.reason}});
  doc["not_checked"] = unchecked;
  doc["summary"] = {{"reports", reports.size()},
                    {"failed", failed},
                    {"not_checked", not_checked.size()},
                    {"verdict", !not_checked.empty() ? "error" : failed > 0 ? "fail" : "pass"}};
  out << dump(doc) << "\n";
}

}  // namespace ckptlint
