// SPDX-License-Identifier: Apache-2.0
// Resource limits under attack (bad-input.md A.6, G, and issue 26): each case yields a finding
// through the CLI, exit code 1, never a crash or a hang, in bounded time and memory. What is
// no property of the checkpoint (the process out of file descriptors, a hostile server, the
// run's deadline) is exit 2 with one line, never a finding.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "ckptlint/load.h"
#include "ckptlint/report.h"
#include "recipe.h"
#include "support/hub_server.h"
#include "support/recipe_run.h"
#include "support/sanitized.h"
#include "support/test_paths.h"

namespace ckptlint {
namespace {

using testing::HubServer;
using testing::ScratchDir;

struct Outcome {
  int code = -1;
  std::string out;
  double seconds = 0;
  long max_rss_kb = 0;
};

// Runs the CLI in a child process and measures its time and peak memory.
Outcome lint(const std::string& path, const std::string& extra = "") {
  Outcome o;
  std::string command = testing::ckptlint_binary() + " check " + path + " --quiet " + extra + " 2>&1";
  auto start = std::chrono::steady_clock::now();
  FILE* pipe = ::popen(command.c_str(), "r");
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) o.out.append(buf.data(), n);
  int status = ::pclose(pipe);
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  struct rusage usage {};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  o.max_rss_kb = usage.ru_maxrss;
  return o;
}

void write_file(const std::string& path, const std::string& header, const std::string& data = "") {
  std::ofstream f(path, std::ios::binary);
  std::uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) f.put(static_cast<char>((n >> (8 * i)) & 0xFF));
  f << header << data;
}

// Under AddressSanitizer the CLI runs several times slower and keeps shadow memory: the
// bounds below are hang and blow-up guards there, figures in bench/hostile_headers.sh.
using testing::kSanitized;
// Under qemu (the arm64 run of a cross build) instructions are translated: time bounds are
// a few times looser there, memory is the same.
#if defined(CKPTLINT_TEST_EMULATED)
constexpr double kSlowdown = 4.0;
#else
constexpr double kSlowdown = 1.0;
#endif
constexpr double kSeconds = kSanitized ? 120.0 : 10.0 * kSlowdown;
constexpr long kMaxRssKb = kSanitized ? 4L * 1024 * 1024 : 512L * 1024;

TEST(HostileInput, header_of_99_megabytes_of_nested_arrays) {
  ScratchDir dir("nested");
  std::string header = "{\"a\":" + std::string(99'000'000, '[');
  write_file(dir.path() + "/model.safetensors", header);
  Outcome o = lint(dir.path());
  EXPECT_EQ(o.code, 1) << o.out;
  EXPECT_NE(o.out.find("header-not-json"), std::string::npos) << o.out;
  EXPECT_LT(o.seconds, 10.0 * kSlowdown);
}

// A header of `count` entries t0, t1, ... each with the value `entry`.
std::string header_of_entries(int count, const std::string& entry) {
  std::string header = "{";
  header.reserve(static_cast<std::size_t>(count) * (entry.size() + 12));
  for (int i = 0; i < count; ++i) header += (i ? ",\"t" : "\"t") + std::to_string(i) + "\":" + entry;
  return header + "}";
}

TEST(HostileInput, one_point_three_million_tensors_in_one_header) {
  ScratchDir dir("many");
  const std::string header = header_of_entries(1'300'000, R"({"dtype":"U8","shape":[0],"data_offsets":[0,0]})");
  ASSERT_LT(header.size(), 100'000'000u);
  write_file(dir.path() + "/model.safetensors", header);
  Outcome o = lint(dir.path(), "--no-values");
  EXPECT_EQ(o.code, 0) << o.out;  // only a warning: shard-tensor-count
  EXPECT_NE(o.out.find("shard-tensor-count"), std::string::npos) << o.out;
  EXPECT_LT(o.seconds, kSanitized ? 240.0 : 60.0 * kSlowdown);
}

// Attacks on the per-entry and per-name checks (10x the sizes that once took seconds and
// hundreds of MB): each yields one finding with a count, in linear time and bounded memory.
std::size_t count_rule(const std::string& json_report, const std::string& rule) {
  std::size_t n = 0;
  for (std::size_t at = json_report.find("\"rule\": \"" + rule + "\""); at != std::string::npos;
       at = json_report.find("\"rule\": \"" + rule + "\"", at + 1)) {
    ++n;
  }
  return n;
}

std::string entry(const std::string& name, std::uint64_t begin, const std::string& extra = "") {
  return "\"" + name + "\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[" + std::to_string(begin) + "," +
         std::to_string(begin + 1) + "]" + extra + "}";
}

TEST(HostileInput, four_hundred_thousand_unknown_fields_in_one_entry) {
  ScratchDir dir("fields");
  std::string extra;
  for (int i = 0; i < 400'000; ++i) extra += ",\"f" + std::to_string(i) + "\":0";
  write_file(dir.path() + "/model.safetensors", "{" + entry("a", 0, extra) + "}", std::string(1, '\0'));
  Outcome o = lint(dir.path(), "--no-values --format json");
  EXPECT_EQ(o.code, 0) << o.out.substr(0, 2000);
  EXPECT_EQ(count_rule(o.out, "tensor-unknown-field"), 1u);
  EXPECT_NE(o.out.find("has 400,000 field(s) the format does not define, first 'f0'"), std::string::npos);
  EXPECT_LT(o.seconds, kSeconds);
  EXPECT_LT(o.max_rss_kb, kMaxRssKb);
}

TEST(HostileInput, a_field_repeated_four_hundred_thousand_times) {
  ScratchDir dir("repeated");
  std::string extra;
  for (int i = 0; i < 400'000; ++i) extra += ",\"dtype\":\"U8\"";
  write_file(dir.path() + "/model.safetensors", "{" + entry("a", 0, extra) + "}", std::string(1, '\0'));
  Outcome o = lint(dir.path(), "--no-values --format json");
  EXPECT_EQ(o.code, 1) << o.out.substr(0, 2000);
  EXPECT_EQ(count_rule(o.out, "tensor-field-duplicate"), 1u);
  EXPECT_NE(o.out.find("repeats 1 field name(s), first 'dtype'"), std::string::npos);
  EXPECT_LT(o.seconds, kSeconds);
  EXPECT_LT(o.max_rss_kb, kMaxRssKb);
}

TEST(HostileInput, four_hundred_thousand_names_in_case_only_pairs) {
  ScratchDir dir("case");
  std::string header = "{";
  for (int i = 0; i < 200'000; ++i) {
    header += (i ? "," : "") + entry("w" + std::to_string(i), 2ull * i) + "," + entry("W" + std::to_string(i), 2ull * i + 1);
  }
  header += "}";
  write_file(dir.path() + "/model.safetensors", header, std::string(400'000, '\0'));
  Outcome o = lint(dir.path(), "--no-values --format json");
  EXPECT_EQ(o.code, 0) << o.out.substr(0, 2000);
  EXPECT_EQ(count_rule(o.out, "tensor-name-case-collision"), 1u);
  EXPECT_NE(o.out.find("differs only in case from 'w0' (200,000 such name classes in the file)"), std::string::npos);
  EXPECT_LT(o.seconds, kSeconds);
  EXPECT_LT(o.max_rss_kb, kMaxRssKb);
}

// `diff --full` compares every row of a changed weight. A 1-D tensor of 2^28 elements has no
// rows: the comparison must not build an index per element first (it took 2 GB here).
TEST(HostileInput, diff_full_of_a_long_vector_allocates_no_index_per_element) {
  ScratchDir dir("long-vector");
  const std::uint64_t elements = 1ull << 28;
  const std::string header = "{\"big.weight\":{\"dtype\":\"BF16\",\"shape\":[" + std::to_string(elements) +
                             "],\"data_offsets\":[0," + std::to_string(2 * elements) + "]}}";
  for (const char* side : {"base", "fused"}) {
    std::filesystem::create_directories(dir.path() + "/" + side);
    const std::string file = dir.path() + "/" + side + "/model.safetensors";
    // The fused side differs in its first byte; the rest of both is a sparse hole.
    write_file(file, header, std::string(1, side[0] == 'f' ? '\x01' : '\0'));
    std::filesystem::resize_file(file, 8 + header.size() + 2 * elements);
  }
  std::string command = testing::ckptlint_binary() + " diff " + dir.path() + "/base " + dir.path() +
                        "/fused --full --format json --exit-zero 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  int status = ::pclose(pipe);
  struct rusage usage {};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0) << out.substr(0, 2000);
  EXPECT_NE(out.find("big.weight"), std::string::npos) << out.substr(0, 2000);  // reported as changed
  EXPECT_LT(usage.ru_maxrss, kMaxRssKb);
}

TEST(HostileInput, index_naming_a_fifo_a_device_and_the_parent_directory) {
  ScratchDir dir("index");
  ASSERT_EQ(::mkfifo((dir.path() + "/pipe.safetensors").c_str(), 0644), 0);
  write_file(dir.path() + "/model-00001-of-00001.safetensors",
             R"({"__metadata__":{"format":"pt"},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", "x");
  std::ofstream(dir.path() + "/model.safetensors.index.json")
      << R"({"weight_map":{"a":"model-00001-of-00001.safetensors","b":"pipe.safetensors","c":"/dev/zero","d":"../../etc/passwd"}})";
  Outcome o = lint(dir.path());
  EXPECT_EQ(o.code, 1) << o.out;
  EXPECT_NE(o.out.find("a FIFO"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("'/dev/zero' (an absolute path)"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("'../../etc/passwd'"), std::string::npos) << o.out;
  EXPECT_LT(o.seconds, 10.0 * kSlowdown);
}

TEST(HostileInput, a_shard_without_read_permission_and_the_rest_still_checked) {
  ScratchDir dir("perm");
  write_file(dir.path() + "/model-00001-of-00002.safetensors",
             R"({"__metadata__":{"format":"pt"},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", "x");
  write_file(dir.path() + "/model-00002-of-00002.safetensors",
             R"({"__metadata__":{"format":"pt"},"b":{"dtype":"U8","shape":[1],"data_offsets":[0,2]}})", "xy");
  ::chmod((dir.path() + "/model-00001-of-00002.safetensors").c_str(), 0);
  ::chmod(dir.path().c_str(), 0755);
  std::string command = testing::ckptlint_binary() + " check " + dir.path() + " --quiet > " + dir.path() + "/../perm.out 2>&1";
  // Root ignores file modes: run the CLI as nobody, the way a user without access would.
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(99);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(98);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::ifstream in(dir.path() + "/../perm.out");
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(dir.path() + "/../perm.out");
  EXPECT_EQ(WEXITSTATUS(status), 1) << out;
  EXPECT_NE(out.find("file-unreadable"), std::string::npos) << out;
  EXPECT_NE(out.find("Permission denied"), std::string::npos) << out;
  EXPECT_NE(out.find("size-mismatch"), std::string::npos) << "the readable shard must still be checked: " << out;
}

// The side files are untrusted too: each case is a finding on its file (or nothing), never
// a hang, a crash or exit 2, and a tokenizer.json of any size is read through a window.
std::string clean_shard(const std::string& dir) {
  write_file(dir + "/model.safetensors", R"({"__metadata__":{"format":"pt"},"model.embed_tokens.weight":{"dtype":"U8","shape":[16],"data_offsets":[0,16]}})",
             std::string(16, 'x'));
  std::ofstream(dir + "/config.json") << R"({"model_type": "toy", "vocab_size": 16})";
  return dir;
}

TEST(HostileInput, a_tokenizer_json_of_two_hundred_megabytes_is_read_in_flat_memory) {
  ScratchDir dir("tokenizer-huge");
  clean_shard(dir.path());
  {
    std::ofstream f(dir.path() + "/tokenizer.json", std::ios::binary);
    f << R"({"added_tokens": [], "model": {"type": "BPE", "vocab": {)";
    std::string line;
    for (int i = 0; i < 8000000; ++i) {
      line = (i ? ", \"t" : "\"t") + std::to_string(i) + "\": " + std::to_string(i);
      f << line;
    }
    f << "}, \"merges\": []}}";
  }
  ASSERT_GT(std::filesystem::file_size(dir.path() + "/tokenizer.json"), 150u << 20);
  Outcome o = lint(dir.path(), "--select vocab-tokenizer-exceeds-embedding");
  EXPECT_EQ(o.code, 1) << o.out;
  EXPECT_NE(o.out.find("defines 7999984 id(s) from 16 to 7999999"), std::string::npos) << o.out;
  EXPECT_LT(o.seconds, kSeconds);
  EXPECT_LT(o.max_rss_kb, kSanitized ? kMaxRssKb : 64L * 1024) << "the vocabulary is counted, not kept";
}

TEST(HostileInput, side_files_that_are_too_large_deep_long_or_not_files) {
  ScratchDir dir("side-hostile");
  clean_shard(dir.path());
  // 1,000,000 added tokens (the first 100,000 are kept), then a 20 MB string, 100,000
  // levels of arrays, a tokenizer_config.json past its 16 MB cap, a FIFO under a template's
  // name (opened without blocking, and refused: it is there, and no file).
  {
    std::ofstream f(dir.path() + "/tokenizer.json", std::ios::binary);
    f << R"({"added_tokens": [)";
    for (int i = 0; i < 1000000; ++i) f << (i ? "," : "") << R"({"id":)" << i << R"(,"content":"a"})";
    f << R"(], "normalizer": ")" << std::string(20u << 20, 'x') << R"(", "model": {"vocab": {}}})";
  }
  std::ofstream(dir.path() + "/special_tokens_map.json") << "{\"a\": " << std::string(100000, '[') << std::string(100000, ']') << "}";
  {
    std::ofstream f(dir.path() + "/tokenizer_config.json", std::ios::binary);
    f << "{\"chat_template\": \"" << std::string((16u << 20) + 10, 'x') << "\"}";
  }
  ASSERT_EQ(::mkfifo((dir.path() + "/chat_template.jinja").c_str(), 0644), 0);
  Outcome o = lint(dir.path());
  EXPECT_EQ(o.code, 1) << o.out;
  EXPECT_NE(o.out.find("'tokenizer.json' cannot be read: not valid JSON at byte"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("longer than 16777216 bytes"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("'special_tokens_map.json' cannot be read"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("'tokenizer_config.json' cannot be read: file of"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("'chat_template.jinja' cannot be read: a FIFO, not a file"), std::string::npos) << o.out;
  EXPECT_LT(o.seconds, kSeconds);
  EXPECT_LT(o.max_rss_kb, kMaxRssKb);
}

}  // namespace
}  // namespace ckptlint

namespace ckptlint {
namespace {

// ---- Issue 26: resources bounded by design (the lower layers) ----

// A valid sharded model: `shards` files of one BF16 tensor each, and their index.
void write_sharded_model(const std::string& dir, int shards) {
  std::filesystem::create_directories(dir);
  std::string weight_map;
  for (int i = 1; i <= shards; ++i) {
    char file[64];
    std::snprintf(file, sizeof file, "model-%05d-of-%05d.safetensors", i, shards);
    const std::string tensor = "layers." + std::to_string(i - 1) + ".weight";
    write_file(dir + "/" + file,
               R"({"__metadata__":{"format":"pt"},")" + tensor + R"(":{"dtype":"BF16","shape":[4,4],"data_offsets":[0,32]}})",
               std::string(32, '\0'));
    weight_map += (i > 1 ? ",\"" : "\"") + tensor + "\":\"" + file + "\"";
  }
  std::ofstream(dir + "/model.safetensors.index.json")
      << R"({"metadata":{"total_size":)" << 32 * shards << R"(},"weight_map":{)" << weight_map << "}}";
}

// Descriptor limits are set on the child that execs ckptlint: under qemu-user (the arm64 run
// of a cross build) the binary is started through the emulator, which needs descriptors of
// its own, so these cases run natively only (the Release and sanitizer builds).
#if !defined(CKPTLINT_TEST_EMULATED)
// Runs ckptlint with `args` (split at spaces) in a child whose limit on open files is `limit`;
// with `leave_free`, the child first fills its descriptor table so that only that many are
// free when ckptlint starts. Returns the exit code; stdout and stderr go to `out`.
int lint_with_fd_limit(const std::string& args, rlim_t limit, std::string& out, int leave_free = -1) {
  const std::string out_file = std::filesystem::temp_directory_path() / ("ckptlint-fd-" + std::to_string(::getpid()));
  std::vector<std::string> words;
  std::istringstream split(testing::ckptlint_binary() + " " + args);
  for (std::string w; split >> w;) words.push_back(w);
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd_out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd_out < 0 || ::dup2(fd_out, 1) < 0 || ::dup2(fd_out, 2) < 0) ::_exit(96);
    struct rlimit rl {};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = std::min(limit, rl.rlim_max);
    for (int fd = 3; fd < 1024; ++fd) ::close(fd);
    if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) ::_exit(97);
    if (leave_free >= 0) {
      // Inherited by ckptlint: no close-on-exec.
      std::vector<int> held;
      for (int fd; (fd = ::open("/dev/null", O_RDONLY)) >= 0;) held.push_back(fd);
      for (int i = 0; i < leave_free && !held.empty(); ++i) {
        ::close(held.back());
        held.pop_back();
      }
    }
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(98);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::ifstream in(out_file);
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  std::filesystem::remove(out_file);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A value scan used to keep every shard open: past `ulimit -n` each tensor read as corrupt
// (macOS's default limit is 256). Shards now go through a small pool of descriptors.
TEST(HostileInput, a_valid_300_shard_model_under_a_low_open_file_limit_is_not_corrupt) {
  ScratchDir dir("fd-limit");
  write_sharded_model(dir.path() + "/model", 300);
  for (rlim_t limit : {rlim_t{256}, rlim_t{64}, rlim_t{16}}) {
    std::string out;
    int code = lint_with_fd_limit("check " + dir.path() + "/model --format json", limit, out);
    EXPECT_EQ(code, 0) << "ulimit -n " << limit << ": " << out.substr(0, 2000);
    EXPECT_EQ(out.find("corrupt-file"), std::string::npos) << "ulimit -n " << limit << ": " << out.substr(0, 2000);
    EXPECT_EQ(out.find("tensor-data-unreadable"), std::string::npos) << out.substr(0, 2000);
  }
  // diff reads both sides' shards at once: 600 files under a limit of 64.
  std::filesystem::copy(dir.path() + "/model", dir.path() + "/copy");
  std::string out;
  int code = lint_with_fd_limit("diff " + dir.path() + "/model " + dir.path() + "/copy --format json --full", 64, out);
  EXPECT_EQ(code, 0) << out.substr(0, 2000);
  EXPECT_NE(out.find("\"diff-summary\""), std::string::npos) << out.substr(0, 2000);
  EXPECT_EQ(out.find("diff-changed"), std::string::npos) << "no tensor changed: " << out.substr(0, 2000);
}
#endif  // !CKPTLINT_TEST_EMULATED

// 1.5 million entries sharing one byte (an 87 MB header): each overlaps the first. The
// loader kept a problem per entry (1.65 GB for the loader alone); it now keeps what a report
// lists of one rule in one file and counts the rest.
TEST(HostileInput, a_header_of_one_and_a_half_million_aliasing_tensors_keeps_the_loader_bounded) {
  ScratchDir dir("alias");
  const std::string header = header_of_entries(1'500'000, R"({"dtype":"U8","shape":[1],"data_offsets":[0,1]})");
  ASSERT_LT(header.size(), 100'000'000u);
  write_file(dir.path() + "/model.safetensors", header, "x");
  // A rule that does not fire: what loading costs.
  Outcome loaded = lint(dir.path(), "--no-values --select shard-tensor-count --format json");
  EXPECT_EQ(loaded.code, 0) << loaded.out.substr(0, 2000);
  EXPECT_LT(loaded.max_rss_kb, kMaxRssKb);
  EXPECT_LT(loaded.seconds, kSanitized ? 240.0 : 60.0 * kSlowdown);
  Outcome all = lint(dir.path(), "--no-values --select offsets-overlap --format json");
  EXPECT_EQ(all.code, 1) << all.out.substr(0, 2000);
  EXPECT_EQ(count_rule(all.out, "offsets-overlap"), kMaxFindingsPerRuleFile + 1) << "the findings listed and summary.capped";
  EXPECT_NE(all.out.find("\"omitted\": 1498999"), std::string::npos) << "1,499,999 overlaps, 1,000 listed";
  EXPECT_LT(all.max_rss_kb, kMaxRssKb);
}

// A 55-byte PEFT target_modules pattern over 2,000 LoRA pairs took 50 s of matching (each
// character of each module path visits 15,000 states). Matching a pattern has a work budget
// for the run; when it runs out, a finding says so.
TEST(HostileInput, a_costly_target_pattern_over_2000_pairs_is_a_finding_in_bounded_time) {
  ScratchDir dir("regex");
  std::string header = "{";
  std::uint64_t offset = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::string module = "base_model.model.model.language_model.layers." + std::to_string(i / 10) + ".self_attn.m" +
                               std::to_string(i % 10) + "_proj";
    for (const char* part : {".lora_A.weight", ".lora_B.weight"}) {
      header += (offset ? ",\"" : "\"") + module + part + "\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[" +
                std::to_string(offset) + "," + std::to_string(offset + 16) + "]}";
      offset += 16;
    }
  }
  header += "}";
  write_file(dir.path() + "/adapter_model.safetensors", header, std::string(offset, '\x01'));
  std::ofstream(dir.path() + "/adapter_config.json")
      << R"({"peft_type":"LORA","r":2,"lora_alpha":4,"target_modules":"(.?){0,999}(.?){0,999}(.?){0,999}(.?){0,999}(.?){0,999}"})";
  Outcome o = lint(dir.path(), "--format json");
  EXPECT_EQ(count_rule(o.out, "adapter-pattern-over-budget"), 1u) << o.out.substr(0, 3000);
  EXPECT_NE(o.out.find("against the 2,000 LoRA module paths needs more than 50,000,000 steps of work"), std::string::npos)
      << o.out.substr(0, 3000);
  EXPECT_EQ(count_rule(o.out, "adapter-untargeted-tensors"), 0u) << "no guess about what the pattern matches";
  EXPECT_LT(o.seconds, kSanitized ? 60.0 : 5.0 * kSlowdown);
}

// Values that read as valid but are not: each is a finding, where each passed.
std::string materialize_recipe(const ScratchDir& dir, const std::string& text) {
  fixtures::Recipe recipe = testing::recipe_from_text(text, dir.path());
  std::string error;
  EXPECT_TRUE(fixtures::materialize(recipe, dir.path() + "/ck", error)) << error;
  return dir.path() + "/ck";
}

TEST(HostileInput, negative_zero_in_a_shape_or_in_data_offsets_is_malformed) {
  // serde_json reads -0 as the float -0.0: the reference reader refuses both files.
  ScratchDir dir("negative-zero");
  std::filesystem::create_directories(dir.path() + "/shape");
  std::filesystem::create_directories(dir.path() + "/offsets");
  write_file(dir.path() + "/shape/model.safetensors", R"({"a":{"dtype":"U8","shape":[2,-0],"data_offsets":[0,0]}})");
  write_file(dir.path() + "/offsets/model.safetensors", R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[-0,2]}})", "xy");
  Outcome shape = lint(dir.path() + "/shape", "--format json");
  EXPECT_EQ(shape.code, 1) << shape.out;
  EXPECT_EQ(count_rule(shape.out, "shape-malformed"), 1u) << shape.out;
  EXPECT_NE(shape.out.find("shape dimension -0, not an unsigned integer"), std::string::npos) << shape.out;
  Outcome offsets = lint(dir.path() + "/offsets", "--format json");
  EXPECT_EQ(offsets.code, 1) << offsets.out;
  EXPECT_NE(offsets.out.find("data_offsets [-0, 2], not [begin, end]"), std::string::npos) << offsets.out;
}

TEST(HostileInput, a_lora_pair_of_rank_0_and_a_configured_rank_of_0_are_errors) {
  ScratchDir dir("rank-zero");
  const std::string pair = R"({"base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight":{"dtype":"F32","shape":[0,4],"data_offsets":[0,0]},)"
                           R"("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight":{"dtype":"F32","shape":[4,0],"data_offsets":[0,0]}})";
  write_file(dir.path() + "/adapter_model.safetensors", pair);
  std::ofstream(dir.path() + "/adapter_config.json") << R"({"peft_type":"LORA","r":0,"lora_alpha":16,"target_modules":["q_proj"]})";
  Outcome o = lint(dir.path(), "--format json");
  EXPECT_EQ(o.code, 1) << o.out;
  EXPECT_EQ(count_rule(o.out, "adapter-rank-zero"), 1u) << o.out;
  EXPECT_EQ(count_rule(o.out, "adapter-config-rank-not-positive"), 1u) << o.out;
}

TEST(HostileInput, a_negative_count_of_kv_shared_layers_is_out_of_range) {
  ScratchDir dir("kv-negative");
  const std::string ck = materialize_recipe(
      dir, "gemma4: {preset: tiny-e4b, mutate: [{config-set: {text_config.num_kv_shared_layers: -3}}]}\n");
  Outcome o = lint(ck, "--no-values --format json");
  EXPECT_EQ(o.code, 1) << o.out.substr(0, 3000);
  EXPECT_NE(o.out.find("num_kv_shared_layers is -3 for 9 layers: it counts the last layers that reuse an earlier cache"), std::string::npos)
      << o.out.substr(0, 3000);
}

TEST(HostileInput, an_index_total_size_that_is_no_byte_count_is_a_finding) {
  for (const char* total : {"-1", "18446744073709551616", "\"20\""}) {
    ScratchDir dir("total-size");
    write_file(dir.path() + "/model.safetensors", R"({"a":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}})", "abcd");
    std::ofstream(dir.path() + "/model.safetensors.index.json")
        << R"({"metadata":{"total_size":)" << total << R"(},"weight_map":{"a":"model.safetensors"}})";
    Outcome o = lint(dir.path(), "--format json");
    EXPECT_EQ(count_rule(o.out, "index-total-size-not-a-size"), 1u) << total << ": " << o.out;
  }
}

TEST(HostileInput, an_integer_tensor_where_the_layout_implies_a_float_is_a_finding) {
  ScratchDir dir("dtype");
  const std::string ck = materialize_recipe(
      dir, "gemma4: {preset: tiny-e4b, mutate: [{set-dtype: language_model.model.norm.weight, dtype: U8}]}\n");
  Outcome o = lint(ck, "--no-values --format json");
  EXPECT_EQ(o.code, 1) << o.out.substr(0, 3000);
  EXPECT_EQ(count_rule(o.out, "tensor-dtype-mismatch"), 1u) << o.out.substr(0, 3000);
  EXPECT_NE(o.out.find("'language_model.model.norm.weight' is U8, config.json implies BF16 (a float)"), std::string::npos);
}

// A hostile Hub (tests/remote/hub_server.py, org "hostile"): the listing is parsed as a
// stream with a depth limit (32 MiB of '[' once took 2.5 GB), a repository may name at most
// kMaxRemoteFiles files to read (400,000 shard names once made 63,000 range requests in
// 90 s), and --timeout bounds the run's remote reads together, not only each request.
TEST(HostileInput, a_hub_listing_of_32_mib_of_nested_arrays_is_refused_in_bounded_memory) {
  HubServer& hub = HubServer::get();
  ScratchDir dir("nested-listing");
  write_sharded_model(dir.path() + "/model", 1);
  Outcome o = lint(hub.publish(dir.path() + "/model", "hostile", "nested-listing"), "--no-values");
  EXPECT_EQ(o.code, 2) << o.out;
  EXPECT_NE(o.out.find("the Hub API answered a file listing nested more than 64 levels deep"), std::string::npos) << o.out;
  EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), 1) << o.out;
  EXPECT_LT(o.max_rss_kb, kMaxRssKb);
  EXPECT_LT(o.seconds, kSeconds);
}

TEST(HostileInput, a_hub_listing_of_400_000_shards_is_refused_before_reading_them) {
  HubServer& hub = HubServer::get();
  ScratchDir dir("many-files");
  write_sharded_model(dir.path() + "/model", 1);
  const std::string url = hub.publish(dir.path() + "/model", "hostile", "many-files");
  hub.reset();
  Outcome o = lint(url, "--no-values");
  const nlohmann::json stats = hub.stats();
  EXPECT_EQ(o.code, 2) << o.out;
  EXPECT_NE(o.out.find(url + ": 400001 files to read, more than the 2048 that ckptlint reads from one remote repository"),
            std::string::npos)
      << o.out;
  EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), 1) << o.out;
  // The listing, and nothing of the 400,001 shards it names.
  EXPECT_EQ(stats["requests"].get<int>(), 1) << stats.dump();
  EXPECT_LT(o.seconds, kSeconds);
}

TEST(HostileInput, timeout_bounds_the_whole_remote_run_not_only_each_request) {
  HubServer& hub = HubServer::get();
  ScratchDir dir("slow");
  write_sharded_model(dir.path() + "/model", 48);
  // Every answer is half a second late, each well within --timeout 2; 48 shards (a redirect
  // and a range request each, eight at a time) would take six seconds.
  Outcome o = lint(hub.publish(dir.path() + "/model", "hostile", "slow"), "--no-values --timeout 2");
  EXPECT_EQ(o.code, 2) << o.out;
  EXPECT_NE(o.out.find(" 2 s (--timeout: the limit for each request and for the run's remote reads together)"), std::string::npos)
      << o.out;
  EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), 1) << o.out;
  EXPECT_LT(o.seconds, 4.0 * kSlowdown);
}

#if !defined(CKPTLINT_TEST_EMULATED)  // the emulator itself needs descriptors
// Out of descriptors for real (everything else the process holds them): an environment
// error, one line and exit 2, never a finding about the checkpoint.
TEST(HostileInput, running_out_of_file_descriptors_is_exit_2_with_one_line) {
  // UBSan tests whether memory is readable through a pipe: with no descriptor free, its own
  // vptr checks report objects as invalid. The Release build runs this case.
  if (kSanitized) GTEST_SKIP() << "the sanitizers need descriptors of their own";
  ScratchDir dir("fd-out");
  write_sharded_model(dir.path() + "/base", 2);
  write_sharded_model(dir.path() + "/fused", 2);
  std::string out;
  // One descriptor free: enough to start and to read headers one at a time, not for diff,
  // which holds a base and a fused shard open together.
  int code = lint_with_fd_limit("diff " + dir.path() + "/base " + dir.path() + "/fused", 64, out, 1);
  EXPECT_EQ(code, 2) << out;
  EXPECT_EQ(out.rfind("ckptlint: out of file descriptors while reading the checkpoint (Too many open files; "
                      "this process may open 64 files (ulimit -n)): raise the limit; the checkpoint was not judged\n", 0),
            0u)
      << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
}
#endif

}  // namespace
}  // namespace ckptlint
