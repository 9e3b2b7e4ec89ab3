// SPDX-License-Identifier: Apache-2.0
// Validation of the tensor entries of one safetensors header, and of how their byte ranges
// tile the data section (Metadata::validate in huggingface/safetensors, plus the checks
// the reference skips: duplicate keys, suspicious names, zero-size tensors inside others).
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "checkpoint/byte_source.h"
#include "checkpoint/problem_builder.h"
#include "json/json_stream.h"
#include "ckptlint/checkpoint.h"

namespace ckptlint {

class EntryCollector {
 public:
  EntryCollector(Shard& shard, const ByteSource& source, std::vector<LoadProblem>& problems)
      : shard_(shard), source_(source), problems_(problems) {}

  /// One top-level member of the header, in file order.
  void add(std::string&& key, JValue&& value);
  /// The fast path (checkpoint/plain_entry.h): adds the member if its value at the start of
  /// `text` is a plain tensor entry and returns the bytes it spans; 0 otherwise, with
  /// nothing added and `key` untouched.
  std::size_t add_plain(std::string& key, std::string_view text, std::size_t max_dims);
  /// Checks that need every entry: duplicates, names, coverage of the data section.
  void finish();

 private:
  void add_metadata(JValue&& value);
  bool add_entry(const std::string& key, JValue&& value);
  /// Gives the entry just read its position; one that is not a tensor keeps its name there.
  void count_entry(bool became_tensor, std::string&& name);
  bool set_dtype(TensorInfo& t, std::string_view seen, bool is_string);
  bool add_tensor(TensorInfo& t, bool dtype_ok);
  void check_fields(const std::string& key, const JValue& value);
  void check_duplicates();
  void check_names();
  void check_coverage();
  void check_zero_size(const std::vector<const TensorInfo*>& sorted);
  void check_order_and_alignment();
  std::string describe(const TensorInfo& t) const;

  Shard& shard_;
  const ByteSource& source_;
  CappedProblems problems_;
  bool metadata_seen_ = false;
  std::size_t entries_ = 0;  // entries but __metadata__ so far: the next one's position
};

}  // namespace ckptlint
