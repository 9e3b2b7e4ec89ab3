// SPDX-License-Identifier: Apache-2.0
// `ckptlint fix` on every rule that declares a fix, through the command line: each trigger
// fixture, fixed, re-checks without that rule's finding and without a new one; a second
// `fix --write` changes nothing; no tensor byte and no JSON byte outside the edits changes;
// unsafe fixes wait for --unsafe-fixes; a failure before the rename, or a read-only
// directory, leaves every file as it was.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "recipe.h"
#include "support/cli_run.h"
#include "support/recipe_run.h"

namespace ckptlint {
namespace {

namespace fs = std::filesystem;
using testing::CliRun;
using testing::ckptlint;
using testing::ScratchDir;
using testing::make;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Every file of a directory tree and its bytes (FILE.orig backups left out).
std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() == ".orig") continue;
    out[fs::relative(e.path(), dir).string()] = slurp(e.path());
  }
  return out;
}

// (rule, file, tensor) of every finding of a check.
std::set<std::string> findings(const std::string& args) {
  CliRun r = ckptlint("check " + args + " --format json --no-config");
  std::set<std::string> out;
  nlohmann::json doc = nlohmann::json::parse(r.out.substr(r.out.find('{')), nullptr, false);
  if (doc.is_discarded()) return {"(no report) " + r.out};
  for (const auto& f : doc["findings"]) {
    out.insert(f["rule"].get<std::string>() + " | " + f["file"].get<std::string>() + " | " +
               (f["tensor"].is_string() ? f["tensor"].get<std::string>() : ""));
  }
  return out;
}

std::vector<std::string> fixable_rules() {
  std::vector<std::string> out;
  for (const Rule* r : testing::source_rules().rules()) {
    if (!r->fix.empty()) out.push_back(r->id);
  }
  return out;
}

class Fix : public ::testing::TestWithParam<std::string> {};

TEST_P(Fix, each_trigger_is_repaired_idempotently_and_nothing_else_changes) {
  const std::string id = GetParam();
  std::size_t repaired = 0;
  for (const auto& e : fs::directory_iterator(fs::path(testing::fixtures_dir()) / id)) {
    std::string name = e.path().filename().string();
    if (!name.starts_with("trigger") || e.path().extension() != ".yaml") continue;
    SCOPED_TRACE(e.path().string());
    std::string error;
    auto recipe = fixtures::read_recipe(e.path().string(), error);
    ASSERT_TRUE(recipe) << error;
    if (recipe->is_diff()) continue;  // fix repairs a checkpoint or an adapter, not a diff
    ScratchDir dir("fix-" + id);
    ASSERT_TRUE(fixtures::materialize(*recipe, dir.path(), error)) << error;
    const std::string target = fixtures::target_path(*recipe, dir.path());
    const std::string base = recipe->base ? " --base " + fixtures::base_dir(dir.path()) : "";
    const std::string args = target + base + " --no-values";
    std::set<std::string> before = findings(args);
    std::map<std::string, std::string> files_before = snapshot(target);
    CliRun dry = ckptlint("fix " + args + " --unsafe-fixes --no-config");
    EXPECT_EQ(snapshot(target), files_before) << "without --write nothing is written";
    if (dry.out.find("not fixed: " + id + " ") != std::string::npos) continue;  // this trigger lacks the data
    CliRun write = ckptlint("fix " + args + " --unsafe-fixes --write --no-config");
    ASSERT_NE(write.code, 2) << write.out;
    std::set<std::string> after = findings(args);
    // A file copied from the base brings the base's own state: a finding the base itself has
    // (Gemma 4's template only in chat_template.jinja, info) is not one the fix made.
    const std::set<std::string> base_has = recipe->base ? findings(fixtures::base_dir(dir.path()) + " --no-values") : std::set<std::string>{};
    for (const std::string& f : after) {
      EXPECT_NE(f.rfind(id + " |", 0), 0u) << "still there after the fix: " << f << "\n" << write.out;
      EXPECT_TRUE(before.count(f) || base_has.count(f)) << "new after the fix: " << f << "\n" << write.out;
    }
    // Tensor bytes never change; JSON changes only where the diff said.
    std::map<std::string, std::string> files_after = snapshot(target);
    for (const auto& [file, bytes] : files_before) {
      if (file.ends_with(".safetensors")) EXPECT_EQ(files_after[file], bytes) << file;
    }
    CliRun again = ckptlint("fix " + args + " --unsafe-fixes --write --no-config");
    EXPECT_NE(again.out.find("nothing to write"), std::string::npos) << "a second fix changes nothing:\n" << again.out;
    EXPECT_EQ(snapshot(target), files_after);
    ++repaired;
  }
  EXPECT_GT(repaired, 0u) << "no trigger of " << id << " could be repaired";
}

INSTANTIATE_TEST_SUITE_P(Rules, Fix, ::testing::ValuesIn(fixable_rules()),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& c : s) c = c == '-' ? '_' : c;
                           return s;
                         });


TEST(FixCommand, the_demo_edit_keeps_every_other_json_byte) {
  ScratchDir dir("fix-bytes");
  std::string ck = make(dir, "quantization-config-stale/trigger.yaml");
  std::string before = slurp(ck + "/config.json");
  ASSERT_EQ(ckptlint("fix " + ck + " --write --no-values --no-config").code, 0);
  std::string after = slurp(ck + "/config.json");
  EXPECT_EQ(slurp(ck + "/config.json.orig"), before) << "the old file is kept";
  // Take the inserted lines away and the rest is the old file, byte for byte.
  std::string stripped;
  std::istringstream lines(after);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(": false") != std::string::npos && line.find("layers.") != std::string::npos) continue;
    stripped += line + "\n";
  }
  std::string old_normalised;
  std::istringstream old_lines(before);
  for (std::string line; std::getline(old_lines, line);) old_normalised += line + "\n";
  // The member before an insertion gained its comma: compare without trailing commas.
  auto no_commas = [](std::string s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == ',' && i + 1 < s.size() && s[i + 1] == '\n') continue;
      out += s[i];
    }
    return out;
  };
  EXPECT_EQ(no_commas(stripped), no_commas(old_normalised));
}

TEST(FixCommand, unsafe_fixes_wait_for_the_flag) {
  ScratchDir dir("fix-unsafe");
  std::string ad = make(dir, "adapter-scale-missing/trigger-alpha.yaml");
  std::string before = slurp(ad + "/adapter_config.json");
  CliRun r = ckptlint("fix " + ad + " --write --no-config");
  EXPECT_NE(r.out.find("not fixed: adapter-scale-missing (1 finding): unsafe"), std::string::npos) << r.out;
  EXPECT_EQ(slurp(ad + "/adapter_config.json"), before);
  EXPECT_EQ(r.code, 1) << "the finding remains";
  CliRun unsafe = ckptlint("fix " + ad + " --write --unsafe-fixes --no-config");
  EXPECT_EQ(unsafe.code, 0) << unsafe.out;
  EXPECT_EQ(nlohmann::json::parse(slurp(ad + "/adapter_config.json"))["lora_parameters"]["scale"], 2.0);
}

TEST(FixCommand, a_failure_before_the_rename_and_a_read_only_directory_change_nothing) {
  ScratchDir dir("fix-fail");
  std::string ck = make(dir, "quantization-config-stale/trigger.yaml");
  std::map<std::string, std::string> before = snapshot(ck);
  CliRun r = testing::shell("CKPTLINT_FIX_FAIL_BEFORE_RENAME=1 " + testing::ckptlint_binary() + " fix " + ck + " --write --no-values --no-config");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_EQ(snapshot(ck), before);
  for (const auto& e : fs::directory_iterator(ck)) EXPECT_EQ(e.path().filename().string().find(".ckptlint-"), std::string::npos) << "a temporary file left behind";
  // A directory the user cannot write: exit 2, nothing changed. Root ignores modes, so the
  // command runs as nobody.
  ::chmod(ck.c_str(), 0555);
  for (const auto& e : fs::directory_iterator(ck)) ::chmod(e.path().c_str(), 0644);
  ::chmod(dir.path().c_str(), 0755);
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(99);
    std::string command = testing::ckptlint_binary() + " fix " + ck + " --write --no-values --no-config >/dev/null 2>&1";
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(98);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::chmod(ck.c_str(), 0755);
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(snapshot(ck), before);
}

TEST(FixCommand, a_symbolic_link_is_replaced_not_written_through) {
  ScratchDir dir("fix-link");
  std::string ck = make(dir, "quantization-config-stale/trigger.yaml");
  // The Hugging Face cache: the snapshot's config.json links to a blob.
  fs::create_directories(dir.path() + "/blobs");
  fs::rename(ck + "/config.json", dir.path() + "/blobs/abc123");
  fs::create_symlink(dir.path() + "/blobs/abc123", ck + "/config.json");
  std::string blob = slurp(dir.path() + "/blobs/abc123");
  ASSERT_EQ(ckptlint("fix " + ck + " --write --no-values --no-config").code, 0);
  EXPECT_EQ(slurp(dir.path() + "/blobs/abc123"), blob) << "the blob is left alone";
  EXPECT_FALSE(fs::is_symlink(ck + "/config.json"));
  EXPECT_TRUE(fs::is_symlink(ck + "/config.json.orig"));
  EXPECT_NE(slurp(ck + "/config.json"), blob);
}

TEST(FixCommand, stop_ids_and_templates_wait_for_the_flag_and_an_ambiguous_eos_token_is_left_alone) {
  ScratchDir dir("fix-side");
  // The lost turn terminator: unsafe, so nothing is written without --unsafe-fixes.
  std::string ck = make(dir, "stop-tokens-turn-end-not-stopping/trigger.yaml");
  std::string before = slurp(ck + "/generation_config.json");
  CliRun r = ckptlint("fix " + ck + " --write --no-values --no-config");
  EXPECT_NE(r.out.find("not fixed: stop-tokens-turn-end-not-stopping (1 finding): unsafe"), std::string::npos) << r.out;
  EXPECT_EQ(slurp(ck + "/generation_config.json"), before);
  ASSERT_NE(ckptlint("fix " + ck + " --write --unsafe-fixes --no-values --no-config").code, 2);
  EXPECT_EQ(nlohmann::json::parse(slurp(ck + "/generation_config.json"))["eos_token_id"], nlohmann::json::parse("[1, 106, 50]"))
      << "the kept <eos>, then the release's ids it lacked";

  // A stop list of the terminator alone: the release's list comes back in its order, and the
  // tokenizer's eos_token '<eos>', which the restored list stops on, is left as it is.
  ScratchDir dir4("fix-turn-end-only");
  std::string only = make(dir4, "stop-tokens-official-id-missing/trigger-turn-end-only.yaml");
  std::string tokenizer_before = slurp(only + "/tokenizer_config.json");
  CliRun o = ckptlint("fix " + only + " --write --unsafe-fixes --no-values --no-config");
  EXPECT_EQ(o.code, 0) << o.out;
  EXPECT_EQ(nlohmann::json::parse(slurp(only + "/generation_config.json"))["eos_token_id"], nlohmann::json::parse("[1, 106, 50]"));
  EXPECT_EQ(slurp(only + "/tokenizer_config.json"), tokenizer_before) << o.out;

  // eos_token '<|turn>' where generation stops on [1, 106, 50]: three tokens it could be.
  ScratchDir dir2("fix-ambiguous");
  std::string amb = make(dir2, "stop-tokens-tokenizer-eos-not-stopping/trigger-ambiguous.yaml");
  std::string tokenizer = slurp(amb + "/tokenizer_config.json");
  CliRun a = ckptlint("fix " + amb + " --write --unsafe-fixes --no-values --no-config");
  EXPECT_NE(a.out.find("not fixed: stop-tokens-tokenizer-eos-not-stopping (1 finding): ambiguous: tokenizer_config.json "
                       "[\"eos_token\"] could be \"<eos>\" or \"<turn|>\" or \"<|tool_response>\""),
            std::string::npos) << a.out;
  EXPECT_EQ(slurp(amb + "/tokenizer_config.json"), tokenizer) << "nothing written";

  // A Qwen tokenizer whose eos_token is the turn terminator <|im_end|> while config.json stops
  // on <|endoftext|>: a chat model to stop on it, or a base model's eos: either, so neither.
  ScratchDir dir5("fix-chat-eos");
  std::string chat = make(dir5, "stop-tokens-tokenizer-eos-not-stopping/trigger.yaml");
  CliRun c = ckptlint("fix " + chat + " --unsafe-fixes --no-values --no-config");
  EXPECT_NE(c.out.find("ambiguous: tokenizer_config.json [\"eos_token\"] could be \"<|endoftext|>\" or \"<|im_end|>\""), std::string::npos) << c.out;

  // Without --base, a lost template has nowhere to come from: said, nothing written.
  ScratchDir dir3("fix-no-base");
  std::string lost = make(dir3, "chat-template-missing/trigger.yaml");
  CliRun n = ckptlint("fix " + lost + " --unsafe-fixes --no-values --no-config");
  EXPECT_NE(n.out.find("not fixed: chat-template-missing (1 finding): no fix: give --base"), std::string::npos) << n.out;
}

TEST(FixCommand, a_base_file_that_is_no_small_regular_file_is_not_copied) {
  // The base's bytes are untrusted too: its generation_config.json a FIFO (which must not
  // hang the run) and then past the 16 MiB cap: lost, but not copied. Nothing written, no
  // exit 2.
  ScratchDir dir("fix-base-fifo");
  std::string error;
  auto recipe = fixtures::read_recipe(testing::fixtures_dir() + "/stop-tokens-generation-config-lost/trigger-base.yaml", error);
  ASSERT_TRUE(recipe) << error;
  ASSERT_TRUE(fixtures::materialize(*recipe, dir.path(), error)) << error;
  const std::string target = fixtures::target_path(*recipe, dir.path()), base = fixtures::base_dir(dir.path());
  fs::remove(base + "/generation_config.json");
  ASSERT_EQ(::mkfifo((base + "/generation_config.json").c_str(), 0644), 0);
  std::map<std::string, std::string> before = snapshot(target);
  CliRun r = ckptlint("fix " + target + " --base " + base + " --write --unsafe-fixes --no-values --no-config");
  EXPECT_NE(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("not fixed: stop-tokens-generation-config-lost (1 finding): no fix: the base's generation_config.json cannot be copied (a FIFO)"),
            std::string::npos) << r.out;
  EXPECT_EQ(snapshot(target), before);
  fs::remove(base + "/generation_config.json");
  {
    std::ofstream big(base + "/generation_config.json", std::ios::binary);
    big << "{\"eos_token_id\": [1, 106, 50], \"pad\": \"" << std::string(17u << 20, 'x') << "\"}\n";
  }
  CliRun b = ckptlint("fix " + target + " --base " + base + " --write --unsafe-fixes --no-values --no-config");
  EXPECT_NE(b.code, 2) << b.out.substr(0, 2000);
  EXPECT_NE(b.out.find("not fixed: stop-tokens-generation-config-lost (1 finding): no fix: the base's generation_config.json cannot be copied ("),
            std::string::npos) << b.out.substr(0, 2000);
  EXPECT_EQ(snapshot(target), before);
}

TEST(FixCommand, remote_targets_are_refused) {
  CliRun r = ckptlint("fix hf://org/repo");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("download the model first"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ckptlint
