// SPDX-License-Identifier: Apache-2.0
// What `ckptlint fix` would change: each finding whose rule declares a `fix:` (YAML, a few
// generic edits: set or remove a JSON value, write the index from the shard headers, copy a
// file or a value from the base) becomes edits of the checkpoint's metadata files, composed
// per file into its new text. Never a tensor byte, never a shard header. Nothing is written
// here (fix/write_files.h does that).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "ckptlint/checkpoint.h"
#include "ckptlint/report.h"
#include "ckptlint/rule.h"

namespace ckptlint {

/// One file's change.
struct FileChange {
  std::string file;         ///< relative to the checkpoint root
  bool exists = false;      ///< the file is there (false: the fix creates it)
  std::string before, after;
  bool unsafe = false;      ///< some edit of it changes behaviour (needs --unsafe-fixes)
  std::vector<std::string> rules;  ///< the rules whose fixes it carries
};

/// A finding the plan does not repair, and why.
struct Unfixed {
  const Finding* finding = nullptr;
  std::string why;  ///< "no fix", "unsafe: needs --unsafe-fixes", "ambiguous: ..."
};

struct FixPlan {
  std::vector<FileChange> changes;  ///< files that would change, by name
  std::vector<Unfixed> unfixed;     ///< findings at warning or above left as they are
};

struct FixInputs {
  const Report* report = nullptr;
  const RuleSet* rules = nullptr;
  const Checkpoint* target = nullptr;
  const Checkpoint* base = nullptr;  ///< --base / --adapter's model, for copy-from-base edits
  bool unsafe = false;               ///< --unsafe-fixes
};

/// The edits every fixable finding of the report asks for, composed per file.
FixPlan plan_fixes(const FixInputs& inputs);

/// The index of `ck` as its shards hold it: weight_map sorted by name and total_size the sum
/// of tensor bytes, in the layout of the existing index if there is one (its indentation and
/// other metadata kept), else as MLX writes it (indent 4).
std::string index_text(const Checkpoint& ck);

}  // namespace ckptlint
