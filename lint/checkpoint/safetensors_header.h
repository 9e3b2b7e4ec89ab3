// SPDX-License-Identifier: Apache-2.0
// Reader for the header of one .safetensors file.
//
// On-disk layout (huggingface/safetensors README, "Format"):
//
//   bytes [0, 8)          N: unsigned little-endian 64-bit header length
//   bytes [8, 8 + N)      UTF-8 JSON object, optionally padded with trailing spaces:
//                           {"__metadata__": {"k": "v", ...},           (optional, str -> str)
//                            "<tensor name>": {"dtype": "BF16",
//                                              "shape": [d0, d1, ...],
//                                              "data_offsets": [begin, end]}, ...}
//   bytes [8 + N, EOF)    the data section; begin/end are relative to its start, end is
//                         one past the last byte, and the tensors must tile it exactly:
//                         sorted by (begin, end) they start at 0, touch each other, and the
//                         last one ends at EOF.
//
// The reference reader (safetensors/src/tensor.rs, Metadata::validate) caps N at
// 100,000,000, checks every size with checked arithmetic and rejects holes, overlaps,
// trailing bytes and a wrong byte count. MLX's reader (mlx/io/safetensors.cpp) is laxer in
// places (NUL after the JSON, gaps, trailing bytes) and stricter in others (N >= 1e8).
// This reader reports every deviation as a LoadProblem naming which readers reject it.
#pragma once
#include <string>
#include <vector>

#include "checkpoint/byte_source.h"
#include "ckptlint/checkpoint.h"

namespace ckptlint {

/// The reference reader's cap on the header length (MAX_HEADER_SIZE).
inline constexpr std::uint64_t kMaxHeaderSize = 100'000'000;

/// Reads and validates the header of `file` (a name for messages) from `source`. Never throws
/// on bad data: what is wrong is appended to `problems`; `shard.readable` says whether the
/// tensor list can be used.
Shard read_safetensors_header(const std::string& file, const ByteSource& source,
                              std::vector<LoadProblem>& problems);

}  // namespace ckptlint
