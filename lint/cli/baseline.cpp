// SPDX-License-Identifier: Apache-2.0
#include "cli/baseline.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

#include "json/json_stream.h"
#include "util/glob.h"
#include "util/small_file.h"

namespace ckptlint {
namespace {

constexpr const char* kSchema = "ckptlint-baseline/1";
constexpr std::uint64_t kMaxBaselineBytes = 64ull << 20;

bool matches_rule_and_file(const BaselineEntry& e, const std::string& rule, const std::string& file) {
  return e.rule == rule && (e.file.empty() || glob_match(e.file, file));
}

bool matches(const BaselineEntry& e, const Finding& f) {
  if (!matches_rule_and_file(e, f.rule_id, f.location.file)) return false;
  return e.tensor.empty() ? f.location.tensor.empty() : glob_match(e.tensor, f.location.tensor);
}

// Findings past the cap have no tensor: only an entry for every tensor ("*") matches them.
bool matches(const BaselineEntry& e, const CappedFindings& c) { return e.tensor == "*" && matches_rule_and_file(e, c.rule, c.file); }

}  // namespace

std::optional<std::vector<BaselineEntry>> read_baseline(const std::string& path, std::string& error) {
  std::string reason;
  std::optional<std::string> text = read_small_file(path, kMaxBaselineBytes, reason);
  if (!text) {
    error = "cannot read baseline '" + path + "': " + reason;
    return std::nullopt;
  }
  nlohmann::json doc = json_depth_within(*text, 64) ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
  if (doc.is_discarded() || !doc.is_object() || doc.value("schema", "") != kSchema || !doc["accepted"].is_array()) {
    error = "baseline '" + path + "' is not a " + kSchema + " document ({\"schema\": ..., \"accepted\": [...]})";
    return std::nullopt;
  }
  std::vector<BaselineEntry> entries;
  for (const nlohmann::json& a : doc["accepted"]) {
    if (!a.is_object() || !a.contains("rule") || !a["rule"].is_string()) {
      error = "baseline '" + path + "': every accepted entry needs a \"rule\"";
      return std::nullopt;
    }
    auto str = [&](const char* key) { return a.contains(key) && a[key].is_string() ? a[key].get<std::string>() : std::string(); };
    entries.push_back({str("rule"), str("file"), str("tensor"), str("reason")});
  }
  return entries;
}

void apply_baseline(Report& report, const std::vector<BaselineEntry>& entries) {
  std::vector<bool> used(entries.size(), false);
  std::vector<Finding> kept;
  for (Finding& f : report.findings) {
    bool accepted = false;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (matches(entries[i], f)) {
        used[i] = true;
        accepted = true;
      }
    }
    if (accepted) ++report.suppressed;
    else kept.push_back(std::move(f));
  }
  report.findings = std::move(kept);
  // Findings past the cap have no tensor to match: only an entry for every tensor of the
  // rule in that file ("*") accepts them, so a baseline of listed findings never hides new ones.
  std::vector<CappedFindings> still;
  for (CappedFindings& c : report.capped) {
    bool accepted = false;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (matches(entries[i], c)) used[i] = accepted = true;
    }
    if (accepted) report.suppressed += c.omitted;
    else still.push_back(std::move(c));
  }
  report.capped = std::move(still);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (used[i]) continue;
    const BaselineEntry& e = entries[i];
    report.baseline_unmatched.push_back(e.rule + " | " + (e.file.empty() ? "*" : e.file) + " | " + e.tensor);
  }
}

bool write_baseline(const std::string& path, const Report& report, std::string& error) {
  nlohmann::ordered_json accepted = nlohmann::ordered_json::array();
  std::set<std::string> seen;
  // A rule past its cap in a file is accepted there whole: its unlisted findings have no names.
  std::set<std::pair<std::string, std::string>> whole;
  for (const CappedFindings& c : report.capped) {
    whole.emplace(c.rule, c.file);
    accepted.push_back({{"rule", c.rule}, {"file", c.file}, {"tensor", "*"},
                        {"reason", fmt::format("accepted: every finding of {} in {} ({} of them past the listing cap)", c.rule, c.file, c.omitted)}});
  }
  for (const Finding& f : report.findings) {
    if (whole.count({f.rule_id, f.location.file}) != 0) continue;
    if (!seen.insert(f.rule_id + "\n" + f.location.file + "\n" + f.location.tensor).second) continue;
    accepted.push_back({{"rule", f.rule_id}, {"file", f.location.file}, {"tensor", f.location.tensor},
                        {"reason", "accepted: " + f.message}});
  }
  nlohmann::ordered_json doc = {{"schema", kSchema}, {"accepted", accepted}};
  std::ofstream out(path);
  // Flushed and closed before the verdict: a full disk shows at the last write, not before.
  out << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  out.close();
  if (!out) {
    error = "cannot write baseline '" + path + "'";
    return false;
  }
  return true;
}

}  // namespace ckptlint
