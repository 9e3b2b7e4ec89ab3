// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ckptlint/finding.h"

namespace ckptlint {

/// What was checked, for the report header.
struct Target {
  std::string path;          ///< as given on the command line
  std::string kind;          ///< "checkpoint", "adapter" or "diff"
  std::string family;        ///< config model_type, "" when unknown
  std::string layout;        ///< the key layout (a layout model's variant: "mlx", "hf", ...) or "unknown"
  std::string quantization;  ///< "none", "affine-4", "mixed", ...
};

/// How one module (a .weight with its .scales/.biases) or other tensor is stored, for the
/// layer map of the HTML report. Filled only when RunOptions::storage_map asks for it.
struct StoredUnit {
  std::string name;     ///< module path ("...layers.3.self_attn.q_proj") or tensor name
  /// bf16, f16, f32 (any float dtype, lower case), affine-<bits>, mxfp4, nvfp4, mxfp8, other
  /// stored dtypes in lower case; missing (expected, absent), absent (optional, absent: e.g.
  /// pruned by KV sharing), unexpected (present, not in the layout); lora (an adapter's pair).
  std::string storage;
  std::string detail;   ///< what the storage was read from: "U32 [2560, 640] + scales + biases"
};

/// A rule keeps at most this many findings per file; the rest are counted (Report::capped).
inline constexpr std::size_t kMaxFindingsPerRuleFile = 1000;

/// Findings of one rule in one file past the cap (kMaxFindingsPerRuleFile):
/// counted, not kept, so that memory and report size stay bounded whatever the header.
/// They count toward the summary and the verdict like listed findings; a baseline accepts
/// them only with an entry for every tensor of the rule in that file (tensor "*").
struct CappedFindings {
  std::string rule;
  std::string file;
  std::size_t omitted = 0;
  Severity severity = Severity::error;  ///< the rule's (after the project's override)
};

/// A file beside the weights (tokenizer, generation, template, processor), for the HTML
/// report's side-file table. Filled only when RunOptions::storage_map asks for it.
struct SideFileEntry {
  std::string file;                   ///< its name in the checkpoint directory
  std::string role;                   ///< what loaders read it for
  bool present = false;               ///< false: listed because the base has it or a finding names it
  std::optional<std::uint64_t> bytes; ///< its size, when read
};

/// Everything one run found.
struct Report {
  Target target;
  std::vector<Finding> findings;  ///< sorted: file, tensor, rule, message
  std::size_t rules_run = 0;      ///< rules that applied and ran
  std::size_t files_read = 0;     ///< safetensors files whose header was read
  std::size_t tensors_read = 0;   ///< tensors described by those headers
  Severity fail_on = Severity::error;  ///< the threshold the verdict uses
  std::size_t suppressed = 0;          ///< findings a baseline accepted (not in `findings`)
  std::vector<std::string> baseline_unmatched;  ///< baseline entries that matched nothing: "rule | file | tensor"
  std::vector<CappedFindings> capped;  ///< findings counted but not kept, per rule and file
  std::vector<StoredUnit> units;       ///< the storage map (RunOptions::storage_map), sorted by name
  std::vector<SideFileEntry> side_files;  ///< the side files (RunOptions::storage_map), in a fixed order
  /// What the findings were derived from (the expanded layout, the module tables), freed
  /// with the report rather than before the report is returned: a command line that exits
  /// without destroying its report never pays for freeing it.
  std::shared_ptr<const void> retained;
};

/// Sorts findings into report order (file, tensor, rule id, message).
void sort_findings(std::vector<Finding>& findings);

/// Number of findings of one severity.
std::size_t count(const Report& report, Severity severity);

/// True when some finding is at or above `report.fail_on`.
bool fails(const Report& report);

/// 0: nothing at or above the threshold; 1: findings at or above it. (2 is main()'s, for tool errors.)
int exit_code(const Report& report);

}  // namespace ckptlint
