// SPDX-License-Identifier: Apache-2.0
#include "report/html_side_files.h"

#include <fmt/format.h>

#include "report/html_util.h"

namespace ckptlint::html {

void write_side_files(std::ostream& out, const Report& report) {
  if (report.side_files.empty()) return;
  out << "<section id=\"side-files\"><h2>Side files</h2>\n<table><thead><tr><th>file</th><th>read for</th><th>size</th>"
         "<th>verdict</th></tr></thead><tbody>\n";
  for (const SideFileEntry& e : report.side_files) {
    const Finding* worst = nullptr;
    std::size_t count = 0;
    for (const Finding& f : report.findings) {
      if (f.location.file != e.file) continue;
      ++count;
      if (worst == nullptr || f.severity > worst->severity) worst = &f;
    }
    // The row's colour is its worst finding's; info alone leaves the file "ok".
    const bool flagged = worst != nullptr && worst->severity != Severity::info;
    std::string verdict = flagged ? fmt::format("<span class=\"sev {0}\">{0}</span> <code>{1}</code>", to_string(worst->severity), escape(worst->rule_id))
                                  : (e.present ? std::string("ok") : std::string("<span class=\"sev warning\">missing</span>"));
    if (count > 1 || (count == 1 && !flagged)) verdict += fmt::format(" <span class=\"dim\">({} finding{})</span>", count, count == 1 ? "" : "s");
    std::string size = !e.present ? "absent" : e.bytes ? fmt::format("{} bytes", *e.bytes) : "";
    out << fmt::format("<tr class=\"{}\"><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                       flagged ? to_string(worst->severity) : "", escape(e.file), escape(e.role), size, verdict);
  }
  out << "</tbody></table></section>\n";
}

}  // namespace ckptlint::html
