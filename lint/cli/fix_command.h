// SPDX-License-Identifier: Apache-2.0
// `ckptlint fix PATH [--base DIR] [--adapter DIR] [--write] [--unsafe-fixes] [--no-backup]`:
// the checks, then the repairs the rules declare for what they found, shown as a unified
// diff; with --write applied (fix/write_files.h) and the checks run again, saying what was
// fixed and what remains, and why. Metadata only: never a tensor byte or a shard header.
#pragma once
#include "cli/options.h"

namespace ckptlint {

/// Runs the command and returns its exit code (as `check`'s, on what remains).
int run_fix_command(const Options& options);

}  // namespace ckptlint
