// SPDX-License-Identifier: Apache-2.0
// Resource limits under attack (bad-input.md A.6, G): each case yields a finding through the
// CLI, exit code 1, never a crash, a hang or exit 2, in bounded time and memory.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "ckptlint/load.h"
#include "support/test_paths.h"

namespace ckptlint {
namespace {

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
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif
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

TEST(HostileInput, one_point_three_million_tensors_in_one_header) {
  ScratchDir dir("many");
  std::string header = "{";
  header.reserve(1'300'000 * 56);
  for (int i = 0; i < 1'300'000; ++i) {
    header += (i ? ",\"t" : "\"t") + std::to_string(i) + "\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}";
  }
  header += "}";
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
  // name (not a regular file: not listed, not opened).
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
  EXPECT_EQ(o.out.find("chat_template.jinja"), std::string::npos) << o.out;
  EXPECT_LT(o.seconds, kSeconds);
  EXPECT_LT(o.max_rss_kb, kMaxRssKb);
}

}  // namespace
}  // namespace ckptlint
