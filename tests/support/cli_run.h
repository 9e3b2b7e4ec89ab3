// SPDX-License-Identifier: Apache-2.0
// Running the ckptlint binary from a test, as users and pipelines run it.
#pragma once
#include <string>

#include "support/test_paths.h"

namespace ckptlint::testing {

struct CliRun {
  int code = -1;    ///< exit code; -1 when killed by a signal
  std::string out;  ///< standard output and standard error together
};

/// A /bin/sh command line, its standard output and error together.
CliRun shell(const std::string& line);

/// `ckptlint ARGS` (ARGS as shell words).
CliRun ckptlint(const std::string& args);

/// `ckptlint ARGS` run from the working directory `cwd` (where the project config is sought).
CliRun ckptlint_in(const std::string& cwd, const std::string& args);

/// Materialises the fixture recipe `recipe_name` (relative to fixtures/) into `dir`.
std::string make(const ScratchDir& dir, const std::string& recipe_name);

}  // namespace ckptlint::testing
