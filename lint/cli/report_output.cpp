// SPDX-License-Identifier: Apache-2.0
#include "cli/report_output.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "ckptlint/reporters.h"
#include "util/display_text.h"

namespace ckptlint {
namespace fs = std::filesystem;
namespace {

// Where `file` resolves to (links and `..` followed), so that two spellings of one file compare equal.
fs::path resolved(const std::string& file, std::error_code& ec) { return fs::weakly_canonical(fs::absolute(file, ec), ec); }

// Why writing a report to `file` would overwrite a file the run read (a shard, a config,
// the index), or "". A report written beside the weights is fine; over them it is not.
std::string overwrites_input(const LintOutcome& outcome, const std::string& file) {
  std::error_code ec;
  fs::path out = resolved(file, ec);
  if (ec) return "";
  for (const auto& ck : outcome.inputs) {
    if (ck->remote) continue;
    std::vector<std::string> read;
    for (const Shard& s : ck->shards) read.push_back(s.file);
    for (const auto* json : {&ck->config, &ck->index}) {
      if (*json) read.push_back((*json)->file);
    }
    for (const std::string& name : read) {
      fs::path in = fs::weakly_canonical(ck->root / name, ec);
      if (!ec && in == out) return fmt::format("'{}' is '{}' of the checked '{}'", file, name, ck->display_path);
    }
  }
  return "";
}

// Why two outputs of one run name the same file (the second would overwrite the first), or "".
std::string same_file_twice(const std::vector<std::pair<std::string, std::string>>& outputs) {
  std::vector<fs::path> seen;
  for (const auto& [format, file] : outputs) {
    if (file.empty()) continue;
    std::error_code ec;
    fs::path path = resolved(file, ec);
    if (ec) path = file;
    for (const fs::path& p : seen) {
      if (p == path) return fmt::format("refusing to write two reports to '{}': give each format its own file", file);
    }
    seen.push_back(path);
  }
  return "";
}

std::string render(const std::string& format, const Options& o, const LintOutcome& outcome) {
  std::ostringstream out;
  std::vector<const Report*> reports = outcome.reports();
  // The paths of a run of several that could not be checked: every format says so, so that
  // the document of the others never reads as a pass of them all.
  std::vector<NotChecked> not_checked;
  for (const TargetOutcome& t : outcome.targets) {
    if (!t.report) not_checked.push_back({t.path, t.error});
  }
  if (format == "json") {
    write_json(out, reports, not_checked);
  } else if (format == "sarif") {
    write_sarif(out, reports, outcome.rules, not_checked);
  } else if (format == "github") {
    for (const Report* r : reports) write_github(out, *r);
    for (const NotChecked& n : not_checked) write_github(out, n);
  } else if (format == "html") {
    if (!reports.empty()) write_html(out, *reports.front());
  } else {
    for (std::size_t i = 0; i < reports.size(); ++i) {
      if (i > 0 && !o.quiet) out << "\n";
      write_text(out, *reports[i], TextOptions{o.quiet, o.verbose});
    }
    for (const NotChecked& n : not_checked) out << fmt::format("\n{}: not checked: {}\n", display_text(n.path, 1024), display_text(n.reason, 4096));
    if (reports.size() + not_checked.size() > 1 && !o.quiet) {
      std::size_t failed = 0;
      for (const Report* r : reports) failed += fails(*r) ? 1 : 0;
      out << fmt::format("\n{} paths checked: {} failed, {} passed{}\n", reports.size(), failed, reports.size() - failed,
                         not_checked.empty() ? "" : fmt::format("; {} not checked: error", not_checked.size()));
    }
  }
  return out.str();
}

}  // namespace

std::string write_output(const std::string& file, const std::string& text, bool append) {
  std::FILE* f = file.empty() ? stdout : std::fopen(file.c_str(), append ? "ab" : "wb");
  if (f == nullptr) return fmt::format("cannot write '{}': {}", file, std::strerror(errno));
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fflush(f) == 0 && ok;
  int err = errno;
  if (!file.empty()) ok = std::fclose(f) == 0 && ok;
  if (ok) return "";
  return fmt::format("cannot write {}: {}", file.empty() ? "to standard output" : "'" + file + "'", std::strerror(err));
}

std::string write_reports(const Options& o, const LintOutcome& outcome) {
  // No report at all (every target refused): nothing to write, so that no empty or
  // passing-looking document is left where a pipeline looks for one.
  if (outcome.reports().empty()) return "";
  std::vector<std::pair<std::string, std::string>> outputs = {{o.format, o.output}};
  outputs.insert(outputs.end(), o.extra_outputs.begin(), o.extra_outputs.end());
  if (std::string why = same_file_twice(outputs); !why.empty()) return why;
  for (const auto& [format, file] : outputs) {
    if (file.empty()) continue;
    if (std::string why = overwrites_input(outcome, file); !why.empty()) return "refusing to write the report: " + why;
  }
  for (const auto& [format, file] : outputs) {
    if (std::string error = write_output(file, render(format, o, outcome)); !error.empty()) return error;
  }
  // A GitHub Actions step shows this Markdown on the run's summary page.
  const char* summary = std::getenv("GITHUB_STEP_SUMMARY");
  bool github = o.format == "github";
  if (github && summary != nullptr && *summary != '\0') {
    std::ostringstream md;
    for (const Report* r : outcome.reports()) write_markdown_summary(md, *r);
    if (std::string error = write_output(summary, md.str(), true); !error.empty()) return error;
  }
  return "";
}

}  // namespace ckptlint
