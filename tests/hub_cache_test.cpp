// SPDX-License-Identifier: Apache-2.0
// `ckptlint check ORG/REPO[@REVISION]` reads the snapshot of the local Hugging Face cache, laid
// out here as huggingface_hub writes it (blobs, a snapshot of relative links, refs/<branch>),
// never the network; a local path of the same name wins; a name not cached is a usage error
// that names hf://ORG/REPO. (tests/python/test_hub_cache.py checks the same through the API.)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/cli_run.h"

namespace ckptlint {
namespace {

namespace fs = std::filesystem;
using testing::CliRun;
using testing::ScratchDir;

const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";

// `source`'s files as blobs, linked from snapshots/<commit>/, with refs/main naming it.
std::string cache_model(const fs::path& cache, const std::string& source) {
  const fs::path repo = cache / "models--acme--tiny";
  const fs::path snapshot = repo / "snapshots" / kCommit;
  fs::create_directories(snapshot);
  fs::create_directories(repo / "blobs");
  fs::create_directories(repo / "refs");
  int n = 0;
  for (const auto& e : fs::directory_iterator(source)) {
    const std::string blob = "blob" + std::to_string(n++);
    fs::copy_file(e.path(), repo / "blobs" / blob);
    fs::create_symlink("../../blobs/" + blob, snapshot / e.path().filename());
  }
  std::ofstream(repo / "refs" / "main") << kCommit;
  return snapshot.string();
}

CliRun in_cache(const std::string& cwd, const std::string& cache, const std::string& args) {
  return testing::shell("cd '" + cwd + "' && HF_HUB_CACHE='" + cache + "' " + testing::ckptlint_binary() + " " + args);
}

TEST(HubCache, a_repository_name_reads_its_cached_snapshot) {
  ScratchDir dir("hub-cache"), source("hub-cache-model");
  const std::string model = testing::make(source, "mixed-quantization/trigger.yaml");
  const std::string cache = dir.path() + "/hub";
  const std::string snapshot = cache_model(cache, model);

  CliRun by_name = in_cache(dir.path(), cache, "check acme/tiny --no-config --format json");
  CliRun by_path = in_cache(dir.path(), cache, "check '" + snapshot + "' --no-config --format json");
  EXPECT_EQ(by_name.code, 1) << by_name.out;
  EXPECT_EQ(by_name.out, by_path.out);
  EXPECT_NE(by_name.out.find("mixed-quantization"), std::string::npos);
  EXPECT_EQ(in_cache(dir.path(), cache, "check acme/tiny@" + kCommit + " --no-config --format json").out, by_path.out);

  CliRun branch = in_cache(dir.path(), cache, "check acme/tiny@v9");
  EXPECT_EQ(branch.code, 2);
  EXPECT_NE(branch.out.find("revision 'v9' is not"), std::string::npos) << branch.out;
  CliRun absent = in_cache(dir.path(), cache, "check acme/other");
  EXPECT_EQ(absent.code, 2);
  EXPECT_NE(absent.out.find("ckptlint check hf://acme/other --no-values"), std::string::npos) << absent.out;
}

TEST(HubCache, a_local_path_of_the_same_name_wins) {
  ScratchDir dir("hub-cache-local"), bad("hub-cache-bad"), good("hub-cache-good");
  const std::string cache = dir.path() + "/hub";
  cache_model(cache, testing::make(bad, "mixed-quantization/trigger.yaml"));
  fs::create_directories(dir.path() + "/acme");
  fs::copy(testing::make(good, "shards-without-index/pass.yaml"), dir.path() + "/acme/tiny");
  CliRun local = in_cache(dir.path(), cache, "check acme/tiny --no-config");
  EXPECT_EQ(local.code, 0) << local.out;
  EXPECT_NE(local.out.find(": acme/tiny ("), std::string::npos) << local.out;
}

}  // namespace
}  // namespace ckptlint
