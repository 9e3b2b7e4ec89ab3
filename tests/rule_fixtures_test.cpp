// SPDX-License-Identifier: Apache-2.0
// One test per rule: every fixtures/<id>/trigger*.yaml yields exactly its `expect` findings
// from that rule alone (or from all default rules with `all-rules: true`), and every
// fixtures/<id>/pass*.yaml (the near-misses) yields nothing from it.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ckptlint/lint.h"
#include "ckptlint/load.h"
#include "recipe.h"
#include "lang/message_template.h"
#include "support/golden.h"
#include "support/recipe_run.h"
#include "support/test_paths.h"
#include "util/display_text.h"

namespace ckptlint {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;

const RuleSet& all_rules() { return testing::source_rules(); }

std::vector<std::string> rule_ids() {
  std::vector<std::string> ids;
  for (const Rule* r : all_rules().rules()) ids.push_back(r->id);
  return ids;
}

std::vector<std::string> recipes(const std::string& id, const std::string& prefix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(testing::fixtures_dir()) / id, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && e.path().extension() == ".yaml") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string key(const std::string& rule, const std::string& file, const std::string& tensor) {
  return fmt::format("{} | {} | {}", rule, file, tensor);
}

Report run_recipe(const fixtures::Recipe& recipe, const std::string& id, std::string* scratch = nullptr) {
  ScratchDir dir(id);
  if (scratch != nullptr) *scratch = dir.path();
  testing::LoadedRecipe loaded;
  testing::load_recipe(recipe, dir.path(), loaded);
  // `after-load: {truncate: {file: size}}`: the file changes between reading the headers
  // and scanning the data, as when a download is still running.
  if (recipe.after_load && recipe.after_load["truncate"]) {
    for (const auto& kv : recipe.after_load["truncate"]) {
      std::filesystem::resize_file(fixtures::target_dir(recipe, dir.path()) + "/" + kv.first.Scalar(), kv.second.as<std::uint64_t>());
    }
  }
  RunOptions options;
  options.scan_values = true;
  if (!recipe.all_rules) options.select = {id};
  return loaded.run(all_rules(), options);
}

// Every placeholder of the rule's message must be among the finding's facts.
void expect_placeholders_filled(const Finding& f) {
  const Rule* rule = all_rules().find(f.rule_id);
  ASSERT_NE(rule, nullptr);
  std::string error;
  int column = 0;
  auto tmpl = MessageTemplate::parse(rule->message, error, column);
  ASSERT_TRUE(tmpl) << error;
  for (const auto& [name, col] : tmpl->placeholders()) {
    bool found = false;
    for (const auto& [k, v] : f.facts) found = found || k == name;
    EXPECT_TRUE(found) << f.rule_id << ": fact '" << name << "' missing from the finding";
  }
}

// What the user reads of the rule's findings (message, help, location), one block each,
// sorted; the scratch directory is written <dir>.
std::string render(const Report& report, const std::string& id, const std::string& scratch) {
  std::vector<std::string> blocks;
  for (const Finding& f : report.findings) {
    if (f.rule_id != id) continue;
    const Location& l = f.location;
    std::string at = display_text(l.file) + (l.tensor.empty() ? "" : " tensor '" + display_text(l.tensor) + "'") +
                     (l.line ? fmt::format(" line {}:{}", *l.line, l.column.value_or(0)) : "") +
                     (l.byte_offset ? fmt::format(" byte {}", *l.byte_offset) : "") +
                     (l.json_pointer.empty() ? "" : " " + l.json_pointer);
    blocks.push_back(fmt::format("{}[{}] {}: {}\n    help: {}\n    at: {}\n", to_string(f.severity), f.rule_id,
                                 to_string(f.failure_class), f.message, f.help, at));
  }
  std::sort(blocks.begin(), blocks.end());
  std::string out;
  for (const std::string& b : blocks) out += b;
  for (std::size_t at = out.find(scratch); !scratch.empty() && at != std::string::npos; at = out.find(scratch, at)) {
    out.replace(at, scratch.size(), "<dir>");
  }
  return out;
}

// The rendered findings of a trigger against the golden file beside it (trigger.golden);
// UPDATE_GOLDEN=1 rewrites it, to be reviewed in the diff.
class RuleFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(RuleFixture, trigger_yields_exactly_the_expected_findings) {
  const std::string id = GetParam();
  std::vector<std::string> triggers = recipes(id, "trigger");
  ASSERT_FALSE(triggers.empty()) << "rule " << id << " has no fixtures/" << id << "/trigger*.yaml";
  for (const std::string& path : triggers) {
    SCOPED_TRACE(path);
    std::string error;
    auto recipe = fixtures::read_recipe(path, error);
    ASSERT_TRUE(recipe) << error;
    ASSERT_FALSE(recipe->expect.empty()) << "a trigger must expect at least one finding";
    std::string scratch;
    Report report = run_recipe(*recipe, id, &scratch);
    testing::expect_matches_golden(render(report, id, scratch), fs::path(path).replace_extension(".golden").string());
    std::vector<std::string> expected, actual;
    for (const auto& e : recipe->expect) expected.push_back(key(e.rule, e.file, e.tensor));
    for (const Finding& f : report.findings) actual.push_back(key(f.rule_id, f.location.file, f.location.tensor));
    std::sort(expected.begin(), expected.end());
    std::sort(actual.begin(), actual.end());
    EXPECT_EQ(expected, actual);
    for (const auto& e : recipe->expect) {
      for (const Finding& f : report.findings) {
        if (key(e.rule, e.file, e.tensor) != key(f.rule_id, f.location.file, f.location.tensor)) continue;
        if (!e.severity.empty()) EXPECT_EQ(e.severity, to_string(f.severity));
        if (!e.message_contains.empty()) EXPECT_NE(f.message.find(e.message_contains), std::string::npos) << f.message;
        expect_placeholders_filled(f);
      }
    }
  }
}

TEST_P(RuleFixture, near_miss_yields_nothing) {
  const std::string id = GetParam();
  std::vector<std::string> passes = recipes(id, "pass");
  ASSERT_FALSE(passes.empty()) << "rule " << id << " has no fixtures/" << id << "/pass*.yaml";
  for (const std::string& path : passes) {
    SCOPED_TRACE(path);
    std::string error;
    auto recipe = fixtures::read_recipe(path, error);
    ASSERT_TRUE(recipe) << error;
    Report report = run_recipe(*recipe, id);
    for (const Finding& f : report.findings) {
      if (f.rule_id == id) ADD_FAILURE() << "near-miss fired: " << f.message;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleFixture, ::testing::ValuesIn(rule_ids()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return testing::test_name(info.param); });

}  // namespace
}  // namespace ckptlint
