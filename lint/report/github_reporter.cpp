// SPDX-License-Identifier: Apache-2.0
// GitHub Actions workflow commands: one ::error, ::warning or ::notice per finding, at the
// file (and line and column, where the finding's key was located) under the checked path,
// titled with the rule id and failure class. Values are escaped as the runner expects:
// %, CR and LF in the message; also : and , in properties.
#include <fmt/format.h>

#include "ckptlint/reporters.h"

namespace ckptlint {
namespace {

std::string escape_data(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::string escape_property(const std::string& s) {
  std::string out;
  for (char c : escape_data(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

const char* command(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::info: return "notice";
  }
  return "notice";
}

}  // namespace

void write_github(std::ostream& out, const Report& report) {
  std::string root = report.target.path;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  for (const Finding& f : report.findings) {
    const Location& l = f.location;
    // The checked path may be a single file, which is then the finding's file.
    std::string file = l.file.empty() || l.file == "." || root.ends_with("/" + l.file) || root == l.file ? root : root + "/" + l.file;
    std::string properties = "file=" + escape_property(file);
    if (l.line) properties += fmt::format(",line={}", *l.line);
    if (l.column) properties += fmt::format(",col={}", *l.column);
    properties += ",title=" + escape_property(fmt::format("{} ({})", f.rule_id, to_string(f.failure_class)));
    std::string message = f.message;
    if (!l.tensor.empty() && message.find(l.tensor) == std::string::npos) message += " [tensor " + l.tensor + "]";
    if (!f.help.empty()) message += "\n" + f.help;
    out << "::" << command(f.severity) << " " << properties << "::" << escape_data(message) << "\n";
  }
}

}  // namespace ckptlint
