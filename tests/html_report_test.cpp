// SPDX-License-Identifier: Apache-2.0
// The HTML report (--format html): one self-contained file that names every warning-or-above
// rule, draws the layer map with each module's storage and marks findings on their cells,
// lists the fuse fits of a diff and where NaN/Inf are; and a headless Chromium, run with no
// network, renders the map of a full-size E4B (the demo checkpoint).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "ckptlint/lint.h"
#include "ckptlint/load.h"
#include "ckptlint/reporters.h"
#include "support/recipe_run.h"
#include "support/test_paths.h"

namespace ckptlint {
namespace {

Report run_recipe(const std::string& recipe_path, const std::string& dir, bool scan_values) {
  std::string error;
  auto recipe = fixtures::read_recipe(recipe_path, error);
  EXPECT_TRUE(recipe) << error;
  testing::LoadedRecipe loaded;
  testing::load_recipe(*recipe, dir, loaded);
  RunOptions options;
  options.scan_values = scan_values;
  options.storage_map = true;
  return loaded.run(testing::source_rules(), options);
}

std::string html_of(const Report& report) {
  std::ostringstream out;
  write_html(out, report);
  return out.str();
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Nothing is fetched: no src or href but fragment links, no url() but #patterns, no imports,
// no <link>, and no base URL.
void expect_self_contained(const std::string& html) {
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<base"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("<iframe"), std::string::npos);
  std::smatch m;
  std::string rest = html;
  std::regex href(R"re((href|xlink:href)\s*=\s*"([^"]*)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator(); ++it) {
    EXPECT_EQ((*it)[2].str().rfind('#', 0), 0u) << "external reference: " << (*it)[0];
  }
  std::regex url(R"re(url\(\s*([^)]*)\))re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), url); it != std::sregex_iterator(); ++it) {
    EXPECT_EQ((*it)[1].str().rfind('#', 0), 0u) << "external url(): " << (*it)[0];
  }
}

void expect_every_serious_rule_named(const Report& report, const std::string& html) {
  std::size_t serious = 0;
  for (const Finding& f : report.findings) {
    if (f.severity < Severity::warning) continue;
    ++serious;
    EXPECT_NE(html.find("<code>" + f.rule_id + "</code>"), std::string::npos) << f.rule_id;
    EXPECT_NE(html.find("<b>" + std::string(to_string(f.failure_class)) + "</b>"), std::string::npos)
        << to_string(f.failure_class) << " is not in the diagnosis";
  }
  EXPECT_GT(serious, 0u);
}

// The map cell of one unit: its storage and the worst finding on it.
std::string cell_of(const std::string& html, const std::string& unit) {
  std::size_t at = html.find("data-unit=\"" + unit + "\"");
  if (at == std::string::npos) return "";
  return html.substr(at, html.find('>', at) - at);
}

TEST(HtmlReport, hand_fused_checkpoint_maps_storage_and_findings) {
  testing::ScratchDir dir("html-check");
  Report report = run_recipe(testing::golden_dir() + "/report-input.yaml", dir.path(), false);
  std::string html = html_of(report);
  expect_self_contained(html);
  expect_every_serious_rule_named(report, html);
  EXPECT_NE(html.find("<svg class=\"layer-map\" data-stack=\"language_model.model.layers\""), std::string::npos);
  // The dequantized q_proj of layers 0-4 is float, layer 5's is still 8-bit; layer 1 lost
  // its k_proj (an error on its cell).
  const std::string layer = "language_model.model.layers.";
  EXPECT_NE(cell_of(html, layer + "0.self_attn.q_proj").find("data-storage=\"bf16\""), std::string::npos) << cell_of(html, layer + "0.self_attn.q_proj");
  EXPECT_NE(cell_of(html, layer + "5.self_attn.q_proj").find("data-storage=\"affine-8\""), std::string::npos) << cell_of(html, layer + "5.self_attn.q_proj");
  std::string dropped = cell_of(html, layer + "1.self_attn.k_proj");
  EXPECT_NE(dropped.find("data-storage=\"missing\""), std::string::npos) << dropped;
  EXPECT_NE(dropped.find("data-severity=\"error\""), std::string::npos) << dropped;
  // Every unit of the storage map is drawn, on the grid or among the loose tensors.
  EXPECT_EQ(occurrences(html, "data-unit=\""), report.units.size());
  EXPECT_NE(html.find("id=\"f-sev\""), std::string::npos);
  EXPECT_NE(html.find("id=\"f-class\""), std::string::npos);
}

// The row of one side file in the side-file table.
std::string side_file_row(const std::string& html, const std::string& file) {
  std::size_t section = html.find("<section id=\"side-files\">");
  if (section == std::string::npos) return "";
  std::size_t at = html.find("<td><code>" + file + "</code></td>", section);
  if (at == std::string::npos) return "";
  std::size_t row = html.rfind("<tr", at);
  return html.substr(row, html.find("</tr>", at) - row);
}

TEST(HtmlReport, side_files_are_listed_beside_the_map_with_their_verdicts) {
  testing::ScratchDir dir("html-side-files");
  Report report = run_recipe(testing::fixtures_dir() + "/stop-tokens-turn-end-not-stopping/trigger.yaml", dir.path(), false);
  std::string html = html_of(report);
  expect_self_contained(html);
  ASSERT_NE(html.find("<section id=\"side-files\">"), std::string::npos);
  EXPECT_LT(html.find("<section id=\"map\""), html.find("<section id=\"side-files\">"));
  // generation_config.json stops on <eos> alone: its row carries the error; the others are ok.
  std::string gen = side_file_row(html, "generation_config.json");
  EXPECT_NE(gen.find("<tr class=\"error\">"), std::string::npos) << gen;
  EXPECT_NE(gen.find("stop-tokens-turn-end-not-stopping"), std::string::npos) << gen;
  std::string tokenizer = side_file_row(html, "tokenizer.json");
  EXPECT_NE(tokenizer.find(">ok<"), std::string::npos) << tokenizer;
  EXPECT_NE(tokenizer.find(" bytes<"), std::string::npos) << tokenizer;
  EXPECT_EQ(report.side_files.size(), 5u);  // the Gemma 4 -it set

  // In a diff, a file the base has and the fused model lost is listed as missing.
  testing::ScratchDir diff_dir("html-side-files-diff");
  Report lost = run_recipe(testing::fixtures_dir() + "/stop-tokens-generation-config-lost/trigger.yaml", diff_dir.path(), false);
  std::string row = side_file_row(html_of(lost), "generation_config.json");
  EXPECT_NE(row.find("absent"), std::string::npos) << row;
  EXPECT_NE(row.find("stop-tokens-generation-config-lost"), std::string::npos) << row;
}

TEST(HtmlReport, pruned_kv_shared_modules_are_absent_not_missing) {
  testing::ScratchDir dir("html-pruned");
  std::string error;
  fixtures::Recipe recipe = testing::recipe_from_text(
      "gemma4:\n  preset: tiny-e4b\n  mutate:\n    - {drop: \"language_model.model.layers.8.self_attn.k_proj.*\"}\n", dir.path());
  testing::LoadedRecipe loaded;
  testing::load_recipe(recipe, dir.path() + "/ck", loaded);
  RunOptions options;
  options.storage_map = true;
  std::string html = html_of(loaded.run(testing::source_rules(), options));
  const std::string layer = "language_model.model.layers.";
  EXPECT_NE(cell_of(html, layer + "8.self_attn.k_proj").find("data-storage=\"absent\""), std::string::npos) << cell_of(html, layer + "8.self_attn.k_proj");
  EXPECT_NE(cell_of(html, layer + "7.self_attn.k_proj").find("data-storage=\"bf16\""), std::string::npos) << cell_of(html, layer + "7.self_attn.k_proj");
}

TEST(HtmlReport, raw_alpha_diff_lists_each_target_measured_against_expected) {
  testing::ScratchDir dir("html-diff");
  Report report = run_recipe(testing::golden_dir() + "/diff-input.yaml", dir.path(), true);
  std::string html = html_of(report);
  expect_self_contained(html);
  expect_every_serious_rule_named(report, html);
  ASSERT_NE(html.find("<section id=\"fuse\">"), std::string::npos);
  std::string fuse = html.substr(html.find("<section id=\"fuse\">"));
  fuse = fuse.substr(0, fuse.find("</section>"));
  for (int layer = 0; layer <= 2; ++layer) {
    for (const char* m : {"q_proj", "v_proj"}) {
      std::regex row("<code>language_model\\.model\\.layers\\." + std::to_string(layer) + "\\.self_attn\\." + m +
                     "</code></td><td>fuse-scale-mismatch</td><td class=\"num\">16\\.0</td><td class=\"num\">2\\.0</td>");
      EXPECT_TRUE(std::regex_search(fuse, row)) << layer << " " << m << "\n" << fuse;
    }
  }
}

TEST(HtmlReport, value_scan_says_where_the_non_finite_values_are) {
  testing::ScratchDir dir("html-values");
  Report report = run_recipe(testing::fixtures_dir() + "/tensor-non-finite/trigger.yaml", dir.path(), true);
  std::string html = html_of(report);
  expect_self_contained(html);
  ASSERT_NE(html.find("<section id=\"values\">"), std::string::npos);
  // w: one NaN at element 98 of 99; h: one +Inf at element 0.
  EXPECT_NE(html.find("<code>w</code></td><td>model.safetensors</td><td>BF16</td><td class=\"num\">1</td><td class=\"num\">0</td>"
                      "<td class=\"num\">0</td><td class=\"num\">98</td><td class=\"num\">99</td>"),
            std::string::npos) << html;
  EXPECT_NE(html.find("<code>h</code></td><td>model.safetensors</td><td>F16</td><td class=\"num\">0</td><td class=\"num\">1</td>"),
            std::string::npos);
  // Each tensor is a cell of the map, marked with its finding.
  EXPECT_NE(cell_of(html, "w").find("data-severity=\"error\""), std::string::npos) << cell_of(html, "w");
}

TEST(HtmlReport, untrusted_text_is_escaped) {
  Report report;
  report.target.path = "<script>alert(1)</script>";
  Finding f;
  f.rule_id = "r";
  f.severity = Severity::error;
  f.message = "tensor \"<img src=x onerror=alert(1)>\"";
  f.location.tensor = "a<b>.weight";
  report.findings.push_back(f);
  report.units.push_back({"a<b>", "bf16", "BF16 [1]"});
  std::string html = html_of(report);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("a<b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
}

// --- the browser ---

std::string chromium_binary() {
  if (const char* env = std::getenv("CKPTLINT_CHROMIUM"); env != nullptr && *env != '\0') return env;
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
                        "/Applications/Chromium.app/Contents/MacOS/Chromium",
                        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"}) {
    if (std::filesystem::exists(p)) return p;
  }
  return "";
}

std::string run_command(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 65536> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  ::pclose(pipe);
  return out;
}

TEST(HtmlReport, chromium_renders_the_layer_map_of_a_full_size_e4b) {
  const std::string chromium = chromium_binary();
  if (chromium.empty()) {
    if (std::getenv("CKPTLINT_SKIP_BROWSER_TEST") != nullptr) GTEST_SKIP() << "no chromium (CKPTLINT_SKIP_BROWSER_TEST)";
    FAIL() << "no chromium: install Debian's chromium (.ci/setup does), or set CKPTLINT_SKIP_BROWSER_TEST=1";
  }
  testing::ScratchDir dir("html-chromium");
  Report report = run_recipe(testing::fixtures_dir() + "/demo/hand-fused-e4b.yaml", dir.path() + "/ck", false);
  std::string html = html_of(report);
  expect_self_contained(html);
  const std::string page = dir.path() + "/report.html";
  std::ofstream(page) << html;
  // The cells of the open stacks (the decoder, and any tower with a finding) are the ones drawn.
  std::size_t expected_cells = 0;
  for (std::size_t at = html.find("<details open>"); at != std::string::npos; at = html.find("<details open>", at + 1)) {
    std::string stack = html.substr(at, html.find("</details>", at) - at);
    expected_cells += occurrences(stack, "<g class=\"cell\"");
  }
  EXPECT_EQ(expected_cells, 42u * 17u) << "every one of 17 module kinds in each of 42 layers";
  // No network: every request goes to a proxy that is not there.
  const std::string flags = "--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
                            "--proxy-server=127.0.0.1:9 --user-data-dir=" + dir.path() + "/profile";
  // A hung browser must not hang the suite (coreutils' timeout; macOS may not have it).
  const std::string browser = std::string(std::filesystem::exists("/usr/bin/timeout") ? "timeout 90 " : "") + "'" + chromium + "'";
  std::string dom = run_command(browser + " " + flags + " --dump-dom file://" + page + " 2>/dev/null");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom, m, std::regex("data-map-cells=\"(\\d+)\" data-map-width=\"(\\d+)\""))) << dom.substr(0, 2000);
  EXPECT_EQ(std::stoul(m[1].str()), expected_cells);
  EXPECT_GT(std::stoul(m[2].str()), 42u * 16u);
  // A screenshot to look at (kept next to the test binary).
  const std::string png = std::filesystem::current_path().string() + "/html_report_e4b.png";
  run_command(browser + " " + flags + " --window-size=1400,1200 --screenshot=" + png + " file://" + page + " 2>/dev/null");
  EXPECT_GT(std::filesystem::exists(png) ? std::filesystem::file_size(png) : 0, 20000u) << png;
}

}  // namespace
}  // namespace ckptlint
