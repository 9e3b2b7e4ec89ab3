// SPDX-License-Identifier: Apache-2.0
// A run that cannot go on for a reason outside the checkpoint.
#pragma once
#include <stdexcept>

namespace ckptlint {

/// The machine, not the checkpoint, stopped the run: the process or the system ran out of file
/// descriptors (EMFILE, ENFILE). Never a finding: a checkpoint is not corrupt because this
/// process could not open it. load_checkpoint(), run_rules() and
/// run_diff() throw it; the command line prints its message in one line and exits 2.
struct EnvironmentError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace ckptlint
