// SPDX-License-Identifier: Apache-2.0
// Every operating-system-specific call of ckptlint, each with a Linux, a macOS and a plain
// POSIX implementation. Nothing else in lint/ includes an OS header beyond POSIX. The CMake
// option CKPTLINT_POSIX_FALLBACK builds the POSIX ones on Linux too, so that CI runs the
// whole test suite on the paths a platform without the Linux or macOS extras takes.
#pragma once
#include <filesystem>

namespace ckptlint::platform {

/// The running executable (Linux: /proc/self/exe; macOS: _NSGetExecutablePath); empty when
/// the system cannot say, and the caller then falls back to argv[0].
std::filesystem::path executable_path();

/// Tells the system that `fd` will be read once, front to back (Linux: posix_fadvise
/// SEQUENTIAL; macOS: F_RDAHEAD; POSIX fallback: nothing).
void advise_sequential(int fd);

/// Heap tuning for a short, allocation-heavy process (glibc: larger heap steps, an arena per
/// core, huge pages for the main heap; elsewhere nothing). A header-only check allocates a few
/// megabytes in small pieces; on a VM each first touch of a 4 KiB page costs microseconds,
/// and those faults, not parsing, dominated a cold run. Best effort.
void prepare_heap();

/// Which implementation this build uses: "linux", "macos" or "posix".
const char* name();

}  // namespace ckptlint::platform
