// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "ckptlint/dtype.h"
#include "ckptlint/finding.h"
#include "ckptlint/name_index.h"

namespace ckptlint {

/// One entry of a safetensors header that parsed into a usable tensor description.
struct TensorInfo {
  std::string name;                   ///< the header key
  DType dtype = DType::U8;            ///< element type
  std::vector<std::uint64_t> shape;   ///< dimensions, row-major
  std::uint64_t data_begin = 0;       ///< byte offset into the shard's data section
  std::uint64_t data_end = 0;         ///< one past the last byte
  std::uint64_t nbytes() const { return data_end - data_begin; }
};

/// Every distinct way reading a checkpoint can fail; each value has a rule and a test.
enum class LoadProblemCode : std::uint8_t {
  file_unreadable,          ///< open/read failed: permission, a directory, a FIFO, a symlink loop
  file_too_small,           ///< fewer than the 8 bytes of the header-length prefix
  file_is_lfs_pointer,      ///< a Git-LFS pointer text instead of the blob
  file_not_safetensors,     ///< content of another format (zip, pickle, HTML) under a .safetensors name
  header_too_large,         ///< declared header length above the 100,000,000-byte cap
  header_at_mlx_limit,      ///< header of exactly 100,000,000 bytes: the reference accepts, MLX rejects
  header_exceeds_file,      ///< declared header length runs past the end of the file
  header_not_utf8,          ///< header bytes are not valid UTF-8
  header_byte_order_mark,   ///< header starts with a UTF-8 byte order mark
  header_not_json,          ///< header is empty, not JSON, or nested too deeply
  header_root_not_object,   ///< header JSON is valid but not an object
  header_trailing_bytes,    ///< non-whitespace bytes (NUL padding, payload) after the JSON object
  header_leading_whitespace,///< whitespace before the opening brace
  metadata_not_string_map,  ///< __metadata__ is not an object of string values (nor null)
  metadata_null,            ///< "__metadata__": null, which readers take as no metadata
  tensor_duplicate,         ///< the same tensor name appears twice in one header
  tensor_field_duplicate,   ///< a field repeated inside one tensor entry
  tensor_entry_malformed,   ///< entry not an object, or dtype/shape/data_offsets missing or mistyped
  tensor_unknown_field,     ///< an entry field other than dtype, shape, data_offsets
  tensor_name_suspicious,   ///< empty name or control characters
  tensor_name_case_collision, ///< names differing only in case
  dtype_unknown,            ///< dtype not among the 22 names of the format
  shape_malformed,          ///< a dimension that is negative, fractional, a string or above 2^64
  offsets_malformed,        ///< data_offsets not a pair of unsigned integers
  offsets_reversed,         ///< data_offsets begin > end
  shape_overflow,           ///< element or bit count overflows 64 bits
  subbyte_misaligned,       ///< F4/F6 tensor whose bit count is not a whole number of bytes
  size_mismatch,            ///< end - begin differs from shape x dtype size
  offsets_gap,              ///< data bytes that belong to no tensor (at the start or between tensors)
  offsets_overlap,          ///< data bytes claimed by two tensors
  zero_size_shared_offset,  ///< an empty tensor placed inside another tensor's bytes
  data_truncated,           ///< tensors extend past the end of the file
  trailing_bytes,           ///< bytes after the last tensor (polyglot file)
  header_unsorted,          ///< header entries not in data-offset order
  data_unaligned,           ///< tensor data not aligned to its element size
  index_not_json,           ///< model.safetensors.index.json is not JSON
  index_malformed,          ///< index root or weight_map of the wrong shape, or duplicate keys
  index_unsafe_path,        ///< index names a file outside the directory (.., absolute, URL)
  index_shard_missing,      ///< index names a shard file that does not exist
  config_not_json,          ///< config.json is not a JSON object
  adapter_config_not_json,  ///< adapter_config.json is not a JSON object
  adapter_config_missing,   ///< adapter weights without an adapter_config.json
  adapter_weights_missing,  ///< adapter_config.json without a weights file
  side_file_unreadable,     ///< a tokenizer, generation, template or processor file no loader can read
};

/// Number of LoadProblemCode values.
inline constexpr int load_problem_code_count = 44;

/// Kebab-case name of a code, as written in rule files ("header-too-large").
const char* to_string(LoadProblemCode code);
std::optional<LoadProblemCode> load_problem_code_from_string(const std::string& name);
/// The facts every problem of this code carries (rule messages may use exactly these).
const std::vector<std::string>& load_problem_fact_names(LoadProblemCode code);

/// Something that could not be read as it should; the loader records these and never throws.
struct LoadProblem {
  LoadProblemCode code = LoadProblemCode::file_unreadable;
  Location location;   ///< the file, and the tensor or byte offset when known
  Facts facts;         ///< observed value, limit, likely cause: see load_problem_fact_names()
  /// Problems of the same code in the same file found after this one and counted, not kept:
  /// the loader keeps kMaxFindingsPerRuleFile of each (a report lists no more of one rule in
  /// one file), so a header of a million bad entries does not keep a million problems.
  std::uint64_t omitted = 0;
};

/// One .safetensors file.
struct Shard {
  std::string file;                             ///< path relative to the checkpoint root
  std::uint64_t file_size = 0;                  ///< bytes on disk
  std::uint64_t header_size = 0;                ///< the little-endian u64 prefix
  bool readable = false;                        ///< the header parsed; tensors are meaningful
  bool exists = true;                           ///< false: a name (the index's) with no file behind it
  std::vector<TensorInfo> tensors;              ///< well-formed entries, in header order
  /// The entries that are not in `tensors` (malformed, or left out for a problem), by name,
  /// each with its position among all entries but __metadata__, in header order.
  std::vector<std::pair<std::size_t, std::string>> other_entries;
  std::optional<std::map<std::string, std::string>> metadata;  ///< "__metadata__", when a string map
  std::uint64_t data_start() const { return 8 + header_size; }  ///< file offset of the data section
  /// Top-level keys but __metadata__: tensors and other entries.
  std::size_t entry_count() const { return tensors.size() + other_entries.size(); }
  /// Calls `fn(position, name)` for every top-level key but __metadata__, in header order.
  template <typename Fn>
  void for_each_entry_name(Fn&& fn) const {
    std::size_t t = 0, o = 0;
    for (std::size_t pos = 0; pos < entry_count(); ++pos) {
      if (o < other_entries.size() && other_entries[o].first == pos) {
        fn(pos, other_entries[o++].second);
      } else if (t < tensors.size()) {
        fn(pos, tensors[t++].name);
      }
    }
  }
};

/// A JSON file of the checkpoint (config, index, adapter config), kept for rules to query.
struct JsonFile {
  std::string file;      ///< relative to the checkpoint root
  nlohmann::json value;  ///< the parsed document
  std::string text;      ///< the raw text, to point reports at lines
};

/// A token a tokenizer adds to its model's vocabulary (tokenizer.json `added_tokens`,
/// tokenizer_config.json `added_tokens_decoder`): the special tokens live here, with their ids.
struct AddedToken {
  std::uint64_t id = 0;
  std::string content;
  bool special = false;
};

/// What was read of tokenizer.json: the added tokens and the vocabulary's size, never the
/// vocabulary itself (a Gemma tokenizer.json is tens of MB; it is read up to the end of
/// `model.vocab`, and what follows, the merges, is not read).
struct TokenizerSummary {
  std::uint64_t file_size = 0;
  std::uint64_t bytes_read = 0;       ///< the prefix that was read
  /// Read over HTTP: only the first bytes_read bytes were fetched; what lies past them is unknown.
  bool partial = false;
  std::string model_type;             ///< model.type: "BPE", "Unigram", "WordPiece", ...
  std::optional<std::uint64_t> vocab_entries;  ///< entries of model.vocab, when read to its end
  std::optional<std::uint64_t> vocab_max_id;   ///< the largest id in model.vocab
  bool added_complete = false;        ///< every entry of added_tokens was read
  std::vector<AddedToken> added;      ///< added_tokens in file order (those read)
};

/// The files beside the weights that decide whether the model loads and generates as
/// trained. Each is present only when the file was there and could be read; what could not
/// be read is a LoadProblem (side-file-unreadable).
struct SideFiles {
  std::optional<JsonFile> tokenizer_config;    ///< without added_tokens_decoder (in `config_added`)
  std::vector<AddedToken> config_added;         ///< tokenizer_config.json added_tokens_decoder, by id
  std::optional<JsonFile> generation_config;
  std::optional<JsonFile> special_tokens_map;
  std::optional<JsonFile> chat_template_json;   ///< {"chat_template": ...}, written by processors
  std::optional<std::string> chat_template_jinja;  ///< chat_template.jinja, the text
  std::optional<JsonFile> processor_config;
  std::optional<JsonFile> preprocessor_config;
  std::optional<TokenizerSummary> tokenizer;    ///< tokenizer.json
  bool tokenizer_model = false;                 ///< tokenizer.model is there (presence is what is read)
  std::optional<std::uint64_t> tokenizer_model_bytes;  ///< its size, when known (on disk)
  /// The JSON side file named `file`, or nullptr.
  const JsonFile* json(const std::string& file) const;
};

/// Where a tensor lives: shard index and position in that shard's tensors.
struct TensorRef {
  std::size_t shard = 0;
  std::size_t index = 0;
};

/// Tensors by name: the first definition of every well-formed name, in shard order (later
/// duplicates stay in the shards). Flat: a lookup probes adjacent slots and a walk reads one
/// array, where a node-based map chased a pointer per name (a third of the run at 400,000
/// names). The names are views into the shards it was built from, which must not change.
class TensorIndex {
 public:
  using value_type = std::pair<std::string_view, TensorRef>;
  using const_iterator = std::vector<value_type>::const_iterator;

  /// Indexes `shards`, replacing what was indexed before.
  void build(const std::vector<Shard>& shards);
  /// The first definition of `name`, or nullptr.
  const TensorRef* find(std::string_view name) const;
  /// As find(), for a name that must be there; throws std::out_of_range otherwise.
  const TensorRef& at(std::string_view name) const;
  std::size_t count(std::string_view name) const { return find(name) != nullptr ? 1 : 0; }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }

 private:
  std::vector<value_type> entries_;
  NameIndex index_{0};
};

/// Everything ckptlint read from one checkpoint or adapter. Built by load_checkpoint().
/// Movable, not copyable: `by_name` views the names held in `shards`.
struct Checkpoint {
  Checkpoint() = default;
  Checkpoint(const Checkpoint&) = delete;
  Checkpoint& operator=(const Checkpoint&) = delete;
  Checkpoint(Checkpoint&&) = default;  // the shards' buffers move with their names: views stay valid
  Checkpoint& operator=(Checkpoint&&) = default;
  std::filesystem::path root;            ///< the directory (or the single file's directory)
  std::string display_path;              ///< the path as the user gave it
  /// Read over HTTP: only headers and JSON files are here, no tensor data can be read.
  bool remote = false;
  std::uint64_t remote_requests = 0;     ///< requests made (each following its redirects)
  std::uint64_t remote_bytes = 0;        ///< bytes received
  std::string kind = "checkpoint";       ///< "checkpoint" or "adapter"
  /// A lone .safetensors file was given: its directory (config, index) was not read.
  bool single_file = false;
  std::vector<Shard> shards;             ///< the safetensors files read, sorted by name
  std::vector<std::string> files;        ///< every name in the directory but subdirectories', sorted
  std::optional<JsonFile> index;         ///< model.safetensors.index.json, if present and parsed (its
                                         ///< "weight_map" is in `weight_map`, not in the DOM)
  /// The index's weight_map as (tensor, shard file) in file order, first of duplicates kept;
  /// empty without a usable index.
  std::vector<std::pair<std::string, std::string>> weight_map;
  std::optional<JsonFile> config;        ///< config.json (an adapter's: adapter_config.json), if parsed
  SideFiles side;                        ///< tokenizer, generation, template and processor files
  std::vector<LoadProblem> problems;     ///< what could not be read; never thrown
  std::string family;                    ///< config model_type, or "" when unknown
  /// First definition of every well-formed tensor by name (later duplicates are in the shards).
  /// It views the names in `shards` (no second copy of every name).
  TensorIndex by_name;

  const TensorInfo& tensor(TensorRef ref) const { return shards[ref.shard].tensors[ref.index]; }
  const TensorInfo* find(std::string_view name) const;
  /// The shard whose tensor list holds `t` (by address), or nullptr.
  const Shard* shard_of(const TensorInfo& t) const;
};

/// The model_type values a config answers to: the top-level one, then text_config's.
std::vector<std::string> config_model_types(const nlohmann::json& config);

}  // namespace ckptlint
