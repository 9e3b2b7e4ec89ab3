// SPDX-License-Identifier: Apache-2.0
// Strings from an untrusted checkpoint in every report (issue 26): tensor names, file names,
// config and index strings reach text, GitHub, HTML, JSON and SARIF through one escaper, so
// no control byte, C1 control or bidi override reaches a terminal or a CI log, no line can
// forge an annotation, and JSON/SARIF stay valid UTF-8 with the exact name beside its
// display form; findings are capped, so the report of a hostile header stays small. Run under
// ASan+UBSan in CI with the rest of the suite.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/cli_run.h"
#include "support/sanitized.h"
#include "util/display_text.h"

namespace ckptlint {
namespace {

using testing::CliRun;
using testing::ckptlint;
using testing::ScratchDir;

void write_shard(const std::string& path, const std::string& header, const std::string& data = "") {
  std::ofstream f(path, std::ios::binary);
  std::uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) f.put(static_cast<char>((n >> (8 * i)) & 0xFF));
  f << header << data;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Output a reader can trust: valid UTF-8; no C0 control but line feeds, no DEL, no C1
// control, no bidi override; in text formats no line starting "::" but our own annotations.
void expect_clean(const std::string& out, const std::string& what, bool annotations_allowed) {
  EXPECT_TRUE(is_valid_utf8(out)) << what;
  for (std::size_t i = 0; i < out.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(out[i]);
    EXPECT_FALSE((c < 0x20 && c != '\n') || c == 0x7F) << what << ": raw byte " << int(c) << " at " << i;
    if (c == 0xC2 && i + 1 < out.size()) {
      unsigned char d = static_cast<unsigned char>(out[i + 1]);
      EXPECT_FALSE(d >= 0x80 && d <= 0x9F) << what << ": a C1 control at " << i;
    }
    if (c == 0xE2 && i + 2 < out.size() && static_cast<unsigned char>(out[i + 1]) == 0x80) {
      unsigned char d = static_cast<unsigned char>(out[i + 2]);
      EXPECT_FALSE((d >= 0xAA && d <= 0xAE) || d == 0x8E || d == 0x8F) << what << ": a bidi control at " << i;
    }
  }
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("::")) continue;
    // Our own annotations carry the forged text as data, after their "::" (it cannot start a line).
    EXPECT_TRUE(annotations_allowed && (line.starts_with("::error file=") || line.starts_with("::warning file=")))
        << what << ": a line a CI runner would read as a command: " << line;
    EXPECT_FALSE(line.starts_with("::error file=x.py")) << what << ": " << line;
  }
}

// A checkpoint whose every string is an attack: a config whose strings carry ESC sequences,
// C1 CSI, bidi overrides and a line that would be a GitHub annotation; index keys likewise; a
// tensor name with a BEL; a file name with ESC; two 199-letter names ending in a multi-byte
// character that differ in case (a reporter cutting names at 200 bytes split them).
std::string hostile_checkpoint(const ScratchDir& dir) {
  const std::string d = dir.path() + "/ck";
  std::filesystem::create_directories(d);
  const std::string forged = "\\n::error file=x.py,line=1::forged\\u001b[31m\\u009b2J\\u202e\\u0007";
  std::ofstream(d + "/config.json") << "{\"model_type\": \"gemma4" + forged + "\", \"quantization\": {\"group_size\": 64, \"bits\": 4, \"mode\": \"affine" +
                                            forged + "\"}, \"layer_types\": [\"x" + forged + "\"]}";
  std::string long_a(199, 'a'), long_b(199, 'A');
  std::string header = "{\"__metadata__\":{\"format\":\"pt\"},"
                       "\"" + long_a + "\xe2\x82\xac\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                       "\"" + long_b + "\xe2\x82\xac\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]},"
                       "\"bell\\u0007name\\u202e\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[2,3]}}";
  write_shard(d + "/model-00001-of-00001.safetensors", header, std::string(3, '\0'));
  write_shard(d + "/model\x1b[2Jstray.safetensors", "{\"x\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", std::string(1, '\0'));
  std::ofstream(d + "/model.safetensors.index.json")
      << "{\"metadata\": {\"total_size\": 3}, \"weight_map\": {\"ghost" + forged + "\": \"model-00001-of-00001.safetensors\"}}";
  return d;
}

TEST(UntrustedStrings, every_format_stays_clean_and_valid) {
  ScratchDir dir("hostile-strings");
  const std::string ck = hostile_checkpoint(dir);
  for (const char* format : {"text", "github", "html"}) {
    CliRun r = ckptlint("check '" + ck + "' --no-values --format " + format + " --verbose");
    EXPECT_EQ(r.code, 1) << format << ": " << r.out;
    expect_clean(r.out, format, std::string(format) == "github");
  }
  // JSON and SARIF: valid UTF-8 documents (nlohmann rejects anything else), never exit 2, and
  // the exact names are there beside their display forms.
  for (const char* format : {"json", "sarif"}) {
    std::string file = dir.path() + "/report." + format;
    CliRun r = ckptlint("check '" + ck + "' --no-values --format " + format + " --output " + file);
    EXPECT_EQ(r.code, 1) << format << ": " << r.out;
    std::string text = slurp(file);
    ASSERT_FALSE(text.empty()) << format;
    EXPECT_TRUE(is_valid_utf8(text)) << format;
    nlohmann::json doc = nlohmann::json::parse(text);  // throws on invalid UTF-8
    if (std::string(format) == "json") {
      bool exact = false, shown = false;
      for (const auto& f : doc["findings"]) {
        if (f["tensor"].is_string() && f["tensor"].get<std::string>() == "bell\x07name\xe2\x80\xae") exact = true;
        if (f.contains("tensor_display") && f["tensor_display"] == "bell\\x07name\\u{202e}") shown = true;
      }
      EXPECT_TRUE(exact) << "the exact tensor name is kept";
      EXPECT_TRUE(shown) << "its display form is beside it";
    }
  }
}

TEST(UntrustedStrings, the_escaper_is_injective_and_cuts_on_code_points) {
  EXPECT_NE(display_text("a\x1b"), display_text("a\\x1b"));
  EXPECT_EQ(display_text("a\\x1b"), "a\\\\x1b");
  EXPECT_EQ(display_text("\xc2\x9b" "2J"), "\\u{009b}2J");
  EXPECT_EQ(display_text("x\xff"), "x\\xff");
  EXPECT_EQ(display_text("a\xe2\x80\xa8" "b\xe2\x80\xa9"), "a\\u{2028}b\\u{2029}");
  std::string cut = display_text(std::string(199, 'a') + "\xe2\x82\xac", 200);
  EXPECT_TRUE(is_valid_utf8(cut));
  EXPECT_EQ(cut, std::string(199, 'a') + "...");
  EXPECT_EQ(utf8_prefix("ab\xe2\x82\xac", 4), "ab");
}

// 200,000 findings' worth of hostile header: memory and the report stay small (findings past
// 1,000 per rule and file are counted, not kept).
TEST(UntrustedStrings, a_header_of_200000_bad_names_gives_a_small_report) {
  ScratchDir dir("hostile-many-findings");
  std::string header = "{";
  header.reserve(200'000 * 70);
  for (int i = 0; i < 200'000; ++i) {
    header += (i ? ",\"t\\u0001" : "\"t\\u0001") + std::to_string(i) + "\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}";
  }
  header += "}";
  write_shard(dir.path() + "/model.safetensors", header);
  std::string report = dir.path() + "/report.json";
  CliRun r = testing::shell("/usr/bin/time -f 'maxrss %M' " + testing::ckptlint_binary() + " check " + dir.path() +
                            " --no-values --format json --output " + report);
  EXPECT_EQ(r.code, 0) << r.out;  // warnings only
  nlohmann::json doc = nlohmann::json::parse(slurp(report));
  EXPECT_LE(doc["findings"].size(), 3000u);
  ASSERT_FALSE(doc["summary"]["capped"].empty()) << "the count of what was not kept is reported";
  EXPECT_LT(std::filesystem::file_size(report), 20u << 20);
  std::size_t at = r.out.find("maxrss ");
  // About 190 MB in the Release build; AddressSanitizer's shadow memory triples it.
  const long bound_kib = (testing::kSanitized ? 3 : 1) * 512L * 1024;
  if (at != std::string::npos) EXPECT_LT(std::stol(r.out.substr(at + 7)), bound_kib) << r.out;
}

// Findings past the per-file cap are counted, not listed: they still count in the summary and
// decide the verdict, and a baseline of listed findings cannot accept new ones.
TEST(UntrustedStrings, findings_past_the_cap_count_and_no_baseline_of_listed_ones_hides_them) {
  ScratchDir dir("capped-baseline");
  auto names = [](int n) {
    std::string header = "{";
    for (int i = 0; i < n; ++i) {
      header += (i ? ",\"t\\u0001" : "\"t\\u0001") + std::to_string(i) + "\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}";
    }
    return header + "}";
  };
  ::mkdir((dir.path() + "/listed").c_str(), 0755);
  ::mkdir((dir.path() + "/more").c_str(), 0755);
  write_shard(dir.path() + "/listed/model.safetensors", names(1000));
  write_shard(dir.path() + "/more/model.safetensors", names(1500));
  const std::string baseline = dir.path() + "/baseline.json";
  ASSERT_EQ(ckptlint("check " + dir.path() + "/listed --no-values --fail-on warning --write-baseline " + baseline).code, 1);
  EXPECT_EQ(ckptlint("check " + dir.path() + "/listed --no-values --fail-on warning --baseline " + baseline).code, 0);
  CliRun more = ckptlint("check " + dir.path() + "/more --no-values --fail-on warning --format json --baseline " + baseline);
  EXPECT_EQ(more.code, 1) << more.out;
  nlohmann::json doc = nlohmann::json::parse(more.out);
  EXPECT_EQ(doc["summary"]["verdict"], "fail");
  EXPECT_GE(doc["summary"]["warning"].get<int>(), 500);
  // A baseline written where the cap was reached accepts the rule in that file whole.
  ASSERT_EQ(ckptlint("check " + dir.path() + "/more --no-values --fail-on warning --write-baseline " + baseline).code, 1);
  EXPECT_EQ(ckptlint("check " + dir.path() + "/more --no-values --fail-on warning --baseline " + baseline).code, 0);
  CliRun counted = ckptlint("check " + dir.path() + "/more --no-values --format json");
  EXPECT_GE(nlohmann::json::parse(counted.out)["summary"]["warning"].get<int>(), 1500) << "every finding is counted";
}

}  // namespace
}  // namespace ckptlint
