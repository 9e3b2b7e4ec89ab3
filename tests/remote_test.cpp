// SPDX-License-Identifier: Apache-2.0
// Remote checkpoints (hf://, http(s)://) against a stand-in Hub on loopback
// (tests/remote/hub_server.py; no test reaches the internet): full-size generated Gemma 4
// checkpoints give the local findings and exit code, reading a few hundred KB and never a
// shard's data; tokens reach the Hub host only; every failure is an exit 2 a person can act
// on; a hostile server is bounded by the caps and --timeout.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "ckptlint/lint.h"
#include "ckptlint/load.h"
#include "recipe.h"
#include "support/hub_server.h"
#include "support/recipe_run.h"
#include "support/test_paths.h"

namespace ckptlint {
namespace {

namespace fs = std::filesystem;
using testing::HubServer;
using testing::ScratchDir;

struct CliRun {
  int code = -1;
  std::string out;   ///< stdout
  std::string err;   ///< stderr
  double seconds = 0;
};

// Runs the binary with `env` assignments in front; stdout and stderr apart.
CliRun ckptlint(const std::string& args, const std::string& env = "") {
  CliRun r;
  const std::string err_file = (fs::temp_directory_path() / ("ckptlint-remote-err-" + std::to_string(::getpid()))).string();
  std::string command = env + " " + testing::ckptlint_binary() + " " + args + " 2>" + err_file;
  auto start = std::chrono::steady_clock::now();
  FILE* pipe = ::popen(command.c_str(), "r");
  std::array<char, 65536> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) r.out.append(buf.data(), n);
  int status = ::pclose(pipe);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_file);
  r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  fs::remove(err_file);
  return r;
}

std::string materialize(const std::string& recipe_text, const std::string& dir) {
  fixtures::Recipe recipe = testing::recipe_from_text(recipe_text, dir);
  std::string error;
  EXPECT_TRUE(fixtures::materialize(recipe, dir + "/ck", error)) << error;
  return dir + "/ck";
}

std::multiset<std::tuple<std::string, std::string, std::string>> finding_keys(const std::string& json_text) {
  std::multiset<std::tuple<std::string, std::string, std::string>> keys;
  nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false);
  EXPECT_TRUE(j.is_object()) << json_text.substr(0, 500);
  if (!j.is_object()) return keys;
  for (const auto& f : j["findings"]) {
    auto text = [&](const char* k) { return f.contains(k) && f[k].is_string() ? f[k].get<std::string>() : std::string(); };
    keys.emplace(text("rule"), text("file"), text("tensor"));
  }
  return keys;
}

// "remote URL: N requests, M bytes" from --verbose.
std::pair<std::uint64_t, std::uint64_t> transfer(const std::string& err) {
  std::smatch m;
  if (!std::regex_search(err, m, std::regex(R"(remote \S+: (\d+) requests, (\d+) bytes)"))) return {0, 0};
  return {std::stoull(m[1]), std::stoull(m[2])};
}

struct Case {
  const char* name;
  const char* recipe;
  const char* remove;  ///< a file deleted after generation ("" for none)
};

class SameAsLocal : public ::testing::TestWithParam<Case> {};

TEST_P(SameAsLocal, header_check_reports_what_the_local_check_reports) {
  const Case& c = GetParam();
  HubServer& hub = HubServer::get();
  ScratchDir dir(std::string("remote-") + c.name);
  std::string local = materialize(c.recipe, dir.path());
  if (*c.remove) fs::remove(local + "/" + c.remove);
  std::string url = hub.publish(local, "org", c.name);
  std::uint64_t smallest_shard = UINT64_MAX, shards = 0;
  for (const auto& e : fs::directory_iterator(local)) {
    if (e.path().extension() == ".safetensors") smallest_shard = std::min<std::uint64_t>(smallest_shard, e.file_size()), ++shards;
  }
  CliRun here = ckptlint("check " + local + " --no-values --format json");
  hub.reset();
  CliRun there = ckptlint("check " + url + " --no-values --format json --verbose");
  nlohmann::json stats = hub.stats();
  EXPECT_EQ(there.code, here.code) << there.err;
  EXPECT_EQ(finding_keys(there.out), finding_keys(here.out));
  EXPECT_NE(there.out.find("\"path\": \"" + url + "\""), std::string::npos) << "target.path is the URL";
  auto [requests, bytes] = transfer(there.err);
  // The listing, config.json and the index, then two range requests per shard.
  EXPECT_LE(requests, 3 + 2 * shards) << there.err;
  EXPECT_GT(bytes, 0u);
  EXPECT_LT(bytes, 4u << 20) << "bytes read for one repository";
  // Never a shard's data: no answer anywhere near the smallest shard.
  EXPECT_LT(stats["largest_body"].get<std::uint64_t>(), std::min<std::uint64_t>(smallest_shard, 4u << 20)) << stats.dump();
}

INSTANTIATE_TEST_SUITE_P(
    FullSize, SameAsLocal,
    ::testing::Values(
        Case{"clean-e4b", "gemma4: {preset: e4b, quant: affine-4, recipe: ple-safe}\n", ""},
        Case{"hand-fused-e4b",
             "gemma4:\n  preset: e4b\n  quant: affine-8\n  recipe: ple-safe\n  single-file: true\n  index: false\n  mutate:\n"
             "    - {dequantize: \"language_model.model.layers.*.self_attn.q_proj\", layers: [0, 28]}\n"
             "    - {dequantize: \"language_model.model.layers.*.self_attn.v_proj\", layers: [0, 28]}\n",
             ""},
        Case{"index-names-missing-shard", "gemma4: {preset: e4b, quant: none}\n", "model-00002-of-00004.safetensors"},
        Case{"kv-shared-partial-e2b",
             "gemma4:\n  preset: e2b\n  quant: affine-4\n  mutate:\n    - {drop: \"language_model.model.layers.20.self_attn.v_proj.*\"}\n", ""}),
    [](const ::testing::TestParamInfo<Case>& i) {
      std::string n = i.param.name;
      for (char& ch : n) ch = ch == '-' ? '_' : ch;
      return n;
    });

// The side files over HTTP: each small one in one request, tokenizer.json as its first MiB in
// one range request. A full-size Gemma 4 tokenizer.json (262,144 pieces, ~6 MB here) gives
// the local findings plus one info saying what its prefix could not show; an added token
// past the embedding sits in the prefix (added tokens come first) and is found remotely too.
TEST(Remote, side_files_are_read_and_tokenizer_json_as_a_prefix) {
  HubServer& hub = HubServer::get();
  ScratchDir dir("remote-side-files");
  std::string local = materialize(
      "gemma4: {preset: e4b, quant: affine-4, recipe: ple-safe, side-files: {preset: gemma4-it, tokenizer: false}}\n"
      "files:\n"
      "  tokenizer.json: {tokenizer: {vocab: 262144, merges: 20000, preset: gemma4, added: [{id: 262144, content: \"<extra>\"}]}}\n",
      dir.path());
  std::uint64_t shards = 0, side_files = 0;
  for (const auto& e : fs::directory_iterator(local)) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() == ".safetensors") ++shards;
    else if (name != "config.json" && name != "model.safetensors.index.json") ++side_files;
  }
  ASSERT_EQ(side_files, 5u);
  ASSERT_GT(fs::file_size(local + "/tokenizer.json"), 4u << 20);
  std::string url = hub.publish(local, "org", "side-files-e4b");
  CliRun here = ckptlint("check " + local + " --no-values --format json");
  hub.reset();
  CliRun there = ckptlint("check " + url + " --no-values --format json --verbose");
  nlohmann::json stats = hub.stats();
  EXPECT_EQ(there.code, here.code) << there.err;
  auto local_keys = finding_keys(here.out), remote_keys = finding_keys(there.out);
  EXPECT_EQ(local_keys.count({"vocab-tokenizer-exceeds-embedding", "tokenizer.json", ""}), 1u) << here.out.substr(0, 2000);
  EXPECT_EQ(remote_keys.count({"vocab-tokenizer-exceeds-embedding", "tokenizer.json", ""}), 1u) << there.out.substr(0, 2000);
  EXPECT_EQ(remote_keys.count({"tokenizer-not-read-remotely", "tokenizer.json", ""}), 1u);
  remote_keys.erase({"tokenizer-not-read-remotely", "tokenizer.json", ""});
  EXPECT_EQ(remote_keys, local_keys);
  auto [requests, bytes] = transfer(there.err);
  // The listing, config.json and the index, two range requests per shard, one per side file.
  EXPECT_LE(requests, 3 + 2 * shards + side_files) << there.err;
  EXPECT_LT(bytes, 3u << 20) << "bytes read for one repository";
  EXPECT_LE(stats["largest_body"].get<std::uint64_t>(), 1u << 20) << stats.dump();
}

TEST(Remote, every_side_of_a_command_can_be_remote) {
  HubServer& hub = HubServer::get();
  ScratchDir dir("remote-sides");
  std::string error;
  auto recipe = fixtures::read_recipe(testing::fixtures_dir() + "/fuse-scale-mismatch/trigger.yaml", error);
  ASSERT_TRUE(recipe) << error;
  ASSERT_TRUE(fixtures::materialize(*recipe, dir.path(), error)) << error;
  const std::string local = dir.path();
  const std::string remote = hub.publish(local, "org", "triple");
  // diff hf://BASE LOCAL and the other way round: header findings as locally, values said skipped.
  CliRun here = ckptlint("diff " + local + "/base " + local + "/fused --no-values --format json");
  for (const std::string& args : {"diff " + remote + "/base " + local + "/fused", "diff " + local + "/base " + remote + "/fused"}) {
    CliRun there = ckptlint(args + " --format json");
    EXPECT_EQ(there.code, here.code) << args << "\n" << there.err;
    auto keys = finding_keys(there.out);
    EXPECT_EQ(keys.count({"values-not-read-remotely", ".", ""}), 1u) << args;
    keys.erase({"values-not-read-remotely", ".", ""});
    EXPECT_EQ(keys, finding_keys(here.out)) << args;
  }
  // The fuse fit needs the adapter's and both checkpoints' bytes: said, not faked.
  CliRun fit = ckptlint("diff " + local + "/base " + local + "/fused --adapter " + remote + "/adapter");
  EXPECT_EQ(fit.code, 0) << fit.out << fit.err;
  EXPECT_NE(fit.out.find("changed-value comparison and the fuse fit did not run"), std::string::npos) << fit.out;
  // check ADAPTER --base hf://… and check hf://BASE --adapter DIR.
  CliRun adapter_here = ckptlint("check " + local + "/adapter --base " + local + "/base --no-values --format json");
  CliRun adapter_remote_base = ckptlint("check " + local + "/adapter --base " + remote + "/base --no-values --format json");
  EXPECT_EQ(finding_keys(adapter_remote_base.out), finding_keys(adapter_here.out)) << adapter_remote_base.err;
  CliRun base_remote = ckptlint("check " + remote + "/base --adapter " + local + "/adapter --no-values --format json");
  EXPECT_EQ(finding_keys(base_remote.out), finding_keys(adapter_here.out)) << base_remote.err;
  // A plain directory URL, files fetched by name (here the Hub's resolve route, which
  // redirects the shards to the CDN host).
  CliRun plain = ckptlint("check " + hub.hub_url() + "/org/triple/resolve/main/base/ --no-values --format json");
  CliRun base_here = ckptlint("check " + local + "/base --no-values --format json");
  EXPECT_EQ(plain.code, base_here.code) << plain.err;
  EXPECT_EQ(finding_keys(plain.out), finding_keys(base_here.out)) << plain.err;
}

// File names from the index go into URLs percent-encoded: a '#', '?', '%' or space names
// that file, not a fragment, a query or another file.
TEST(Remote, odd_shard_names_are_fetched_as_themselves) {
  HubServer& hub = HubServer::get();
  ScratchDir dir("remote-odd-names");
  std::string local = materialize(
      "files:\n"
      "  \"shard #1 ?x=%41.safetensors\":\n"
      "    metadata: {format: pt}\n"
      "    tensors: [{name: \"model.norm.weight\", dtype: BF16, shape: [2]}]\n"
      "  model-00002-of-00002.safetensors:\n"
      "    metadata: {format: pt}\n"
      "    tensors: [{name: \"model.embed_tokens.weight\", dtype: BF16, shape: [2, 2]}]\n"
      "  config.json: {model_type: toy, hidden_size: 2}\n"
      "  model.safetensors.index.json: {auto: true}\n",
      dir.path());
  ASSERT_TRUE(fs::exists(local + "/shard #1 ?x=%41.safetensors"));
  std::string url = hub.publish(local, "org", "odd-names");
  CliRun here = ckptlint("check " + local + " --no-values --format json");
  CliRun there = ckptlint("check " + url + " --no-values --format json");
  EXPECT_EQ(there.code, here.code) << there.err;
  EXPECT_EQ(finding_keys(there.out), finding_keys(here.out));
  nlohmann::json report = nlohmann::json::parse(there.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << there.err;
  EXPECT_EQ(report["summary"]["error"], 0) << there.out;
}

TEST(Remote, private_repository_needs_the_token_and_the_cdn_never_sees_it) {
  HubServer& hub = HubServer::get();
  ScratchDir dir("remote-private");
  std::string local = materialize("gemma4: {preset: tiny-e4b, quant: affine-8}\n", dir.path());
  std::string url = hub.publish(local, "private-org", "model");
  CliRun here = ckptlint("check " + local + " --no-values --format json");
  CliRun anonymous = ckptlint("check " + url + " --no-values");
  EXPECT_EQ(anonymous.code, 2);
  EXPECT_NE(anonymous.err.find("private or gated"), std::string::npos) << anonymous.err;
  EXPECT_NE(anonymous.err.find("set HF_TOKEN"), std::string::npos) << anonymous.err;
  CliRun wrong = ckptlint("check " + url + " --no-values", "HF_TOKEN=not-the-token");
  EXPECT_EQ(wrong.code, 2);
  EXPECT_NE(wrong.err.find("has no access"), std::string::npos) << wrong.err;
  hub.reset();
  CliRun with_token = ckptlint("check " + url + " --no-values --format json", "HF_TOKEN=" + hub.token());
  EXPECT_EQ(with_token.code, here.code) << with_token.err;
  EXPECT_EQ(finding_keys(with_token.out), finding_keys(here.out));
  EXPECT_EQ(hub.stats()["auth_on_cdn"], 0) << "the token reached the redirect host";
  EXPECT_GT(hub.stats()["requests"].get<int>(), 3);
  // The token file huggingface_hub writes, under HF_HOME.
  fs::create_directories(dir.path() + "/hf-home");
  std::ofstream(dir.path() + "/hf-home/token") << hub.token() << "\n";
  CliRun token_file = ckptlint("check " + url + " --no-values --format json", "HF_HOME=" + dir.path() + "/hf-home");
  EXPECT_EQ(token_file.code, here.code) << token_file.err;
}

TEST(Remote, unknown_repository_revision_and_no_network_are_exit_2) {
  HubServer& hub = HubServer::get();
  ScratchDir dir("remote-missing");
  std::string local = materialize("gemma4: {preset: tiny-e4b}\n", dir.path());
  std::string url = hub.publish(local, "org", "present");
  CliRun missing = ckptlint("check hf://org/absent");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("no such repository or revision"), std::string::npos) << missing.err;
  CliRun revision = ckptlint("check " + url + "@v9");
  EXPECT_EQ(revision.code, 2);
  EXPECT_NE(revision.err.find("404"), std::string::npos) << revision.err;
  CliRun malformed = ckptlint("check hf://org/../etc");
  EXPECT_EQ(malformed.code, 2);
  EXPECT_NE(malformed.err.find("hf://ORG/REPO"), std::string::npos) << malformed.err;
  CliRun offline = ckptlint("check hf://org/present --timeout 5", "HF_ENDPOINT=http://127.0.0.1:9");
  EXPECT_EQ(offline.code, 2);
  EXPECT_NE(offline.err.find("cannot connect"), std::string::npos) << offline.err;
  // TLS spoken to a server that does not: a TLS failure, said so.
  std::string https = "https://" + hub.hub_url().substr(std::string("http://").size());
  CliRun tls = ckptlint("check hf://org/present --timeout 5", "HF_ENDPOINT=" + https);
  EXPECT_EQ(tls.code, 2);
  EXPECT_NE(tls.err.find("TLS"), std::string::npos) << tls.err;
}

struct Hostile {
  const char* mode;
  const char* says;
  int code = 2;  ///< 1: refused as a finding of the file (a config.json over the size limit)
};

class HostileServer : public ::testing::TestWithParam<Hostile> {};

TEST_P(HostileServer, is_refused_with_exit_2_in_bounded_time) {
  HubServer& hub = HubServer::get();
  ScratchDir dir(std::string("remote-hostile-") + GetParam().mode);
  std::string local = materialize("gemma4: {preset: tiny-e4b}\n", dir.path());
  std::string url = hub.publish(local, "hostile", GetParam().mode);
  CliRun r = ckptlint("check " + url + " --no-values --timeout 2");
  EXPECT_EQ(r.code, GetParam().code) << r.out << r.err;
  const std::string& said = GetParam().code == 2 ? r.err : r.out;
  EXPECT_NE(said.find(GetParam().says), std::string::npos) << r.out << r.err;
  if (GetParam().code == 2) EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_LT(r.seconds, 20) << "a request is bounded by --timeout";
}

INSTANTIATE_TEST_SUITE_P(Modes, HostileServer,
                         ::testing::Values(Hostile{"ignore-range", "ignores Range requests"},
                                           Hostile{"wrong-range", "with Content-Range"},
                                           Hostile{"short-body", "transfer closed"},
                                           Hostile{"endless", "larger than the"},
                                           Hostile{"redirect-loop", "more than 10 redirects"},
                                           Hostile{"huge-length", "not a JSON object (byte 0): file is above the 16777216-byte limit", 1},
                                           Hostile{"drip", "no complete answer within 2 s (--timeout: the limit for each request and for the run's remote reads together)"}),
                         [](const ::testing::TestParamInfo<Hostile>& i) {
                           std::string n = i.param.mode;
                           for (char& ch : n) ch = ch == '-' ? '_' : ch;
                           return n;
                         });

}  // namespace
}  // namespace ckptlint

namespace ckptlint {
namespace {

// Every rule's trigger fixture that is one checkpoint or adapter on disk, served by the stand-in Hub:
// the header rules find the same (rule, file, tensor) set over HTTP as on disk. The only
// differences are what HTTP cannot carry: a directory, FIFO or dangling link under a
// .safetensors name (the Hub lists regular files only).
TEST(Remote, every_rule_fixture_gives_the_same_header_findings_over_http) {
  HubServer& hub = HubServer::get();
  std::size_t compared = 0;
  for (const auto& rule_dir : fs::directory_iterator(testing::fixtures_dir())) {
    for (const auto& file : fs::directory_iterator(rule_dir.path())) {
      const std::string name = file.path().filename().string();
      if (file.path().extension() != ".yaml" || !name.starts_with("trigger")) continue;
      std::string error;
      auto recipe = fixtures::read_recipe(file.path().string(), error);
      ASSERT_TRUE(recipe) << error;
      if (recipe->is_diff() || recipe->base || recipe->after_load || !recipe->serve.empty()) continue;
      const std::string id = rule_dir.path().filename().string();
      if (id == "file-unreadable") continue;  // FIFOs, directories, link loops: nothing HTTP can serve
      bool non_file = false;  // a side file planted as a link, FIFO or directory: the same
      for (const auto& kv : recipe->files) {
        non_file = non_file || (kv.second.IsMap() && (kv.second["symlink"] || kv.second["fifo"] || kv.second["directory"]));
      }
      if (non_file) continue;
      if (id == "adapter-lora-b-zero") continue;  // an adapter's values are scanned even with --no-values, on disk only
      SCOPED_TRACE(file.path().string());
      ScratchDir dir("remote-fixture");
      ASSERT_TRUE(fixtures::materialize(*recipe, dir.path(), error)) << error;
      RunOptions options;  // header rules only, on both sides
      Checkpoint local, remote;
      ASSERT_TRUE(load_checkpoint(dir.path(), local, error)) << error;
      ASSERT_TRUE(load_checkpoint(hub.publish(dir.path(), "fixtures", id + "-" + file.path().stem().string()), remote, error)) << error;
      auto keys = [](const Report& r) {
        std::multiset<std::tuple<std::string, std::string, std::string>> k;
        for (const Finding& f : r.findings) k.emplace(f.rule_id, f.location.file, f.location.tensor);
        return k;
      };
      EXPECT_EQ(keys(run_rules(remote, testing::source_rules(), options)), keys(run_rules(local, testing::source_rules(), options)));
      ++compared;
    }
  }
  EXPECT_GT(compared, 100u);
}

}  // namespace
}  // namespace ckptlint
