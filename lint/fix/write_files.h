// SPDX-License-Identifier: Apache-2.0
// Writing `ckptlint fix`'s changes so that nothing is lost: every new text goes to a
// temporary file in the file's own directory, flushed to disk, and only when all of them are
// written is each renamed over its file — a failure before that leaves every file as it was,
// and a rename is atomic, so each file is either old or new, never half-written. The old
// file is kept as FILE.orig (unless no backup is asked for). A symbolic link (Hugging Face
// cache snapshots link to blobs) is replaced by the new file, never written through: the
// blob is left alone.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace ckptlint {

struct NewFile {
  std::filesystem::path path;
  std::string text;
};

struct WriteOptions {
  bool backup = true;  ///< keep FILE.orig
  /// For tests: fail after the temporary files are written, before any rename, as a full
  /// disk or a crash would (CKPTLINT_FIX_FAIL_BEFORE_RENAME=1 sets it from the command line).
  bool fail_before_rename = false;
};

/// Writes every file or none; "" on success, else what failed (nothing is changed then).
std::string write_files_atomically(const std::vector<NewFile>& files, const WriteOptions& options);

}  // namespace ckptlint
