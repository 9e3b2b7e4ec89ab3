// SPDX-License-Identifier: Apache-2.0
// Reading the files beside the weights (tokenizer, generation, chat template, processor)
// into a checkpoint's SideFiles, with the hostility rules of every other input: sizes capped
// before reading, the strict JSON reader, and problems as findings, never a failed run.
#pragma once
#include <string>
#include <vector>

#include "checkpoint/file_store.h"
#include "ckptlint/checkpoint.h"

namespace ckptlint {

/// True when the side file `name` is there to be read: in `files` (the directory's listing),
/// or, on disk, anything under that name (a directory planted there is read, and refused).
bool side_file_there(FileStore& store, const std::vector<std::string>& files, const std::string& name);

/// Reads the side files named in `files` (the directory's listing) from `store`, but
/// tokenizer.json.
void read_side_files(FileStore& store, const std::vector<std::string>& files, SideFiles& out, std::vector<LoadProblem>& problems);

/// Scans tokenizer.json into `out.tokenizer` (the loader runs this on its own thread: it is
/// the one large side file). Touches nothing of `out` but `tokenizer`.
void read_tokenizer_json(FileStore& store, SideFiles& out, std::vector<LoadProblem>& problems);

}  // namespace ckptlint
