// SPDX-License-Identifier: Apache-2.0
// The HTML report: one self-contained file (inline CSS, JS and SVG; nothing fetched) that
// opens from disk. The diagnosis first, then the layer map and the side files, the fuse fits
// of a diff, where the NaN/Inf are, and every finding in a table that filters by severity,
// class and text.
#include <fmt/format.h>

#include <map>
#include <set>

#include "ckptlint/reporters.h"
#include "report/diagnosis.h"
#include "report/fold.h"
#include "report/html_layer_map.h"
#include "report/html_side_files.h"
#include "report/html_util.h"
#include "util/display_text.h"

namespace ckptlint {
namespace {

using html::escape;
using html::escape_raw;

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1400px;padding:16px 24px;color:#1b1b1b}
h1{font-size:20px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}h3{font-size:14px;margin:16px 0 4px;font-family:ui-monospace,monospace}
.dim{color:#666;font-weight:normal}.verdict{display:inline-block;padding:2px 10px;border-radius:4px;font-weight:600;color:#fff}
.fail{background:#d00000}.pass{background:#2e7d32}
ul.diagnosis{list-style:none;padding:0}ul.diagnosis li{padding:6px 10px;margin:4px 0;border-left:5px solid;background:#fafafa}
li.error,tr.error td:first-child{border-left-color:#d00000}li.warning,tr.warning td:first-child{border-left-color:#f5a000}
.sev{font-weight:600;text-transform:uppercase;font-size:11px}.sev.error{color:#d00000}.sev.warning{color:#9a6700}.sev.info{color:#444}
.map-scroll{overflow-x:auto}svg.layer-map text{font:12px ui-monospace,monospace;fill:#333}svg.layer-map text.row{text-anchor:end}
svg.layer-map text.col{font-size:9px;fill:#666}svg.layer-map .cell{cursor:pointer}svg.layer-map .cell:hover rect{stroke:#000;stroke-width:1}
svg.layer-map rect.mark{fill:none;stroke-width:2}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin:6px 0 10px}.legend>span{display:inline-flex;align-items:center;gap:5px}
.loose{display:flex;flex-wrap:wrap;gap:4px 10px;font:12px ui-monospace,monospace}.chip{display:inline-flex;align-items:center;gap:4px;cursor:pointer}
.chip[data-severity=error]{outline:2px solid #d00000}.chip[data-severity=warning]{outline:2px solid #f5a000}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{background:#f4f4f4;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr td:first-child{border-left:4px solid transparent}td code,td.loc{font:12px ui-monospace,monospace;word-break:break-all}
td.rule code{word-break:normal;white-space:nowrap}
.filters{display:flex;gap:12px;align-items:center;margin:8px 0;flex-wrap:wrap}.help{color:#444;font-size:13px;margin-top:2px}
details summary{cursor:pointer;color:#555}#map summary h3{display:inline}details li{font-size:13px}
)";

// Filters rows by severity, class and text; a click on a map cell filters by its module. On
// load it records what the map drew (data-map-cells, data-map-width) so that a headless
// browser can check the map rendered.
constexpr const char* kScript = R"(
(function(){
  var sev=document.getElementById('f-sev'),cls=document.getElementById('f-class'),txt=document.getElementById('f-text');
  var rank={info:0,warning:1,error:2};
  function apply(){
    var min=sev.value,c=cls.value,t=txt.value.toLowerCase(),shown=0;
    document.querySelectorAll('#findings tbody tr').forEach(function(r){
      var ok=(min===''||rank[r.dataset.severity]>=rank[min])&&(c===''||r.dataset.class===c)&&(t===''||r.textContent.toLowerCase().indexOf(t)>=0);
      r.style.display=ok?'':'none';if(ok)shown++;
    });
    document.getElementById('f-count').textContent=shown+' shown';
  }
  [sev,cls].forEach(function(e){e.addEventListener('change',apply)});txt.addEventListener('input',apply);
  document.querySelectorAll('.cell').forEach(function(e){e.addEventListener('click',function(){
    txt.value=e.dataset.unit;apply();document.getElementById('findings').scrollIntoView();
  })});
  apply();
  // Drawn: laid out with a size, and not inside a folded <details>.
  function shown(e){var b=e.getBoundingClientRect();return b.width>0&&b.height>0&&(!e.checkVisibility||e.checkVisibility())}
  var w=0,drawn=0;
  document.querySelectorAll('svg.layer-map').forEach(function(s){if(shown(s))w=Math.max(w,s.getBoundingClientRect().width)});
  document.querySelectorAll('svg.layer-map .cell rect:first-of-type').forEach(function(r){if(shown(r))drawn++});
  document.body.dataset.mapCells=drawn;document.body.dataset.mapWidth=Math.round(w);
})();
)";

// Where a finding is, in display form (its file and tensor are the checkpoint's strings).
std::string location_text(const Location& l) {
  std::string s = display_text(l.file, 1024);
  if (l.line) s += fmt::format(":{}", *l.line);
  if (!l.tensor.empty()) s += (s.empty() ? "" : " ") + display_text(l.tensor, 1024);
  return s;
}

void write_header(std::ostream& out, const Report& report) {
  const Target& t = report.target;
  std::string what = t.kind;
  if (!t.family.empty()) what += ", " + display_text(t.family, 64);
  if (!t.layout.empty() && t.layout != "unknown") what += ", " + t.layout + " layout";
  if (!t.quantization.empty()) what += ", quantization " + display_text(t.quantization, 64);
  std::size_t e = count(report, Severity::error), w = count(report, Severity::warning), i = count(report, Severity::info);
  out << fmt::format("<header><h1>ckptlint report: <code>{}</code></h1><p class=\"dim\">{} · ckptlint {}</p>\n", escape_raw(t.path), escape(what), version());
  out << fmt::format("<p><span class=\"verdict {0}\">{0}</span> {1} error{2}, {3} warning{4}, {5} info in {6} file{7} ({8} rules run; fails at {9})</p></header>\n",
                     fails(report) ? "fail" : "pass", e, e == 1 ? "" : "s", w, w == 1 ? "" : "s", i, report.files_read,
                     report.files_read == 1 ? "" : "s", report.rules_run, to_string(report.fail_on));
}

void write_diagnosis(std::ostream& out, const Report& report) {
  out << "<section id=\"diagnosis\"><h2>Diagnosis</h2>\n";
  std::vector<DiagnosisLine> lines = diagnose(report);
  if (lines.empty()) out << "<p>No failure class at warning or above.</p>\n";
  else out << "<ul class=\"diagnosis\">\n";
  for (const DiagnosisLine& d : lines) {
    out << fmt::format("<li class=\"{0}\"><span class=\"sev {0}\">{0}</span> <b>{1}</b>: {2}{3}</li>\n", to_string(d.severity),
                       to_string(d.failure_class), escape(d.text), d.count > 1 ? fmt::format(" <span class=\"dim\">({} findings)</span>", d.count) : "");
  }
  if (!lines.empty()) out << "</ul>\n";
  out << "</section>\n";
}

// A finding's fact by name, or nullptr when its primitive has none of that name.
const std::string* find_fact(const Finding& f, const std::string& name) {
  for (const auto& [k, v] : f.facts) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::string fact(const Finding& f, const std::string& name) {
  const std::string* v = find_fact(f, name);
  return v != nullptr ? *v : "";
}

// Findings that measured a LoRA target's scale against the expected one, those folded into
// a cause included (one wrong scale for every pair is one finding, with the pairs inside).
void collect_fits(const Finding& f, std::vector<const Finding*>& fits) {
  if (find_fact(f, "measured") != nullptr && find_fact(f, "expected") != nullptr && !fact(f, "module").empty()) fits.push_back(&f);
  for (const Finding& m : f.members) collect_fits(m, fits);
}

// The fuse fits, one row per LoRA target.
void write_fuse_fits(std::ostream& out, const Report& report) {
  std::vector<const Finding*> fits;
  for (const Finding& f : report.findings) collect_fits(f, fits);
  if (fits.empty()) return;
  out << "<section id=\"fuse\"><h2>Fuse: measured against expected scale, per LoRA target</h2>\n<table><thead><tr><th>target</th><th>verdict</th>"
         "<th>measured</th><th>expected</th><th>ratio</th><th>residual</th><th>rows</th></tr></thead><tbody>\n";
  for (const Finding* f : fits) {
    out << fmt::format("<tr class=\"{}\"><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                       to_string(f->severity), escape_raw(fact(*f, "module")), escape(f->rule_id), escape(fact(*f, "measured")),
                       escape(fact(*f, "expected")), escape(fact(*f, "ratio")), escape(fact(*f, "residual")), escape(fact(*f, "rows")));
  }
  out << "</tbody></table></section>\n";
}

// Where the NaN/Inf are: the value scan's findings, tensor by tensor.
void write_non_finite(std::ostream& out, const Report& report) {
  std::vector<const Finding*> found;
  for (const Finding& f : report.findings) {
    if (find_fact(f, "nan") != nullptr && find_fact(f, "pos_inf") != nullptr) found.push_back(&f);
  }
  if (found.empty()) return;
  out << "<section id=\"values\"><h2>Non-finite values</h2>\n<table><thead><tr><th>tensor</th><th>file</th><th>dtype</th><th>NaN</th>"
         "<th>+Inf</th><th>−Inf</th><th>first at element</th><th>of</th></tr></thead><tbody>\n";
  for (const Finding* f : found) {
    out << fmt::format("<tr class=\"{}\"><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                       to_string(f->severity), escape_raw(fact(*f, "tensor")), escape_raw(fact(*f, "file")), escape_raw(fact(*f, "dtype")),
                       escape(fact(*f, "nan")), escape(fact(*f, "pos_inf")), escape(fact(*f, "neg_inf")), escape(fact(*f, "first_index")),
                       escape(fact(*f, "elements")));
  }
  out << "</tbody></table></section>\n";
}

void write_findings(std::ostream& out, const Report& report) {
  std::set<std::string> classes;
  for (const Finding& f : report.findings) classes.insert(to_string(f.failure_class));
  out << "<section id=\"findings\"><h2>Findings</h2>\n<div class=\"filters\"><label>severity <select id=\"f-sev\"><option value=\"\">all</option>"
         "<option value=\"warning\">warning and above</option><option value=\"error\">error</option></select></label>"
         "<label>class <select id=\"f-class\"><option value=\"\">all</option>";
  for (const std::string& c : classes) out << fmt::format("<option>{}</option>", c);
  out << "</select></label><label>text <input id=\"f-text\" type=\"search\" placeholder=\"rule, tensor, words\"></label><span id=\"f-count\" class=\"dim\"></span></div>\n"
         "<table><thead><tr><th>severity</th><th>rule</th><th>class</th><th>where</th><th>message</th></tr></thead><tbody>\n";
  for (Severity level : {Severity::error, Severity::warning, Severity::info}) {
    std::vector<const Finding*> findings;
    for (const Finding& f : report.findings) {
      if (f.severity == level) findings.push_back(&f);
    }
    for (const FindingGroup& g : group_findings(findings)) {
      const Finding& f = *g.first;
      std::string where = location_text(f.location);
      if (g.count() > 1) where += fmt::format(" (and {} more)", g.count() - 1);
      out << fmt::format("<tr class=\"{0}\" data-severity=\"{0}\" data-class=\"{1}\"><td><span class=\"sev {0}\">{0}</span></td><td class=\"rule\"><code>{2}</code></td><td>{1}</td><td class=\"loc\">{3}</td><td>{4}",
                         to_string(level), to_string(f.failure_class), escape(f.rule_id), escape(where), escape(group_message(g)));
      if (!f.help.empty()) out << fmt::format("<div class=\"help\">{}</div>", escape(f.help));
      if (g.count() > 1) {
        out << fmt::format("<details><summary>{} findings</summary><ul>", g.count());
        for (const Finding* m : g.members) out << fmt::format("<li><code>{}</code>: {}</li>", escape(location_text(m->location)), escape(m->message));
        out << "</ul></details>";
      }
      out << "</td></tr>\n";
    }
  }
  out << "</tbody></table></section>\n";
}

}  // namespace

void write_html(std::ostream& out, const Report& report) {
  out << fmt::format("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\n"
                     "<title>ckptlint: {}</title>\n<style>{}</style></head>\n<body>\n",
                     escape_raw(report.target.path), kStyle);
  html::write_map_defs(out);
  write_header(out, report);
  write_diagnosis(out, report);
  html::write_layer_map(out, report);
  html::write_side_files(out, report);
  write_fuse_fits(out, report);
  write_non_finite(out, report);
  write_findings(out, report);
  out << "<script>" << kScript << "</script>\n</body></html>\n";
}

}  // namespace ckptlint
