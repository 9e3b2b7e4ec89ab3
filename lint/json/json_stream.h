// SPDX-License-Identifier: Apache-2.0
// A strict, duplicate-preserving reader for JSON objects from untrusted files.
//
// nlohmann::json::parse keeps only the last of two equal keys, which hides exactly the
// files where two loaders disagree. This reader (a hand-written RFC 8259 parser, see
// json_stream.cpp) hands each top-level member to a callback as soon as it is complete
// (memory stays proportional to one member, however many members the file has), keeps
// duplicates, and bounds depth, array lengths and (where the caller asks) object sizes.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ckptlint {

struct JMember;

/// One JSON value below the top level. Numbers keep their class so that `1.0`, `-1` and
/// `18446744073709551616` can be told apart from a valid unsigned integer.
struct JValue {
  enum class Kind : std::uint8_t { null, boolean, negative, unsigned_int, fractional, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  std::uint64_t unsigned_value = 0;  ///< for unsigned_int
  std::int64_t negative_value = 0;   ///< for negative
  std::string text;                  ///< string value, or the literal of a number that is no 64-bit integer
  std::vector<JValue> items;         ///< array items, up to the cap
  std::vector<JMember> members;      ///< object members in order, duplicates kept
  bool truncated = false;            ///< more items or members than the cap; the rest were dropped
  std::uint64_t dropped = 0;         ///< how many items or members were dropped

  /// Short rendering for messages: `-1`, `1.5`, `"x"`, `[...]`, `{...}`.
  std::string brief() const;
  /// JSON type name: "null", "boolean", "number", "string", "array", "object".
  const char* type_name() const;
};

/// One member of an object (a pair, spelled out: JValue is incomplete inside itself).
struct JMember {
  JMember(std::string k, JValue v) : first(std::move(k)), second(std::move(v)) {}
  std::string first;
  JValue second;
};

/// Outcome of one parse.
struct JsonStreamResult {
  enum class Status : std::uint8_t { ok, syntax_error, root_not_object, too_deep, trailing_bytes };
  Status status = Status::ok;
  std::uint64_t error_offset = 0;  ///< byte offset of the problem in the text
  std::string error;               ///< parser message for syntax errors
  std::string root_type;           ///< for root_not_object
};

struct JsonStreamLimits {
  int max_depth = 64;               ///< nesting deeper than this aborts the parse
  std::size_t max_array_items = 4096;  ///< items kept per array below the top level
  /// Members kept per object below the top level; past it only members named in
  /// `keep_past_cap` are kept (the rest are parsed, counted in `dropped`, and let go).
  std::size_t max_object_members = SIZE_MAX;
  std::vector<std::string> keep_past_cap;
};

/// JSON's insignificant whitespace (RFC 8259 §2): space, tab, line feed, carriage return.
inline bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// A caller's fast path for the values of top-level members, tried before the general
/// parser: given the key and the text from the value's first byte to the end of the input,
/// it returns how many bytes it took, which must be exactly one JSON value (the member is
/// then the caller's, and `on_member` is not called for it), or 0 to decline (the value is
/// parsed in full and handed to `on_member` as usual). A fast path only has to recognise
/// the common, well-formed shape; everything else it declines.
using MemberFastPath = std::function<std::size_t(std::string& key, std::string_view rest)>;

/// Parses `text` as one JSON object; calls `on_member(key, value)` for each top-level member
/// that `fast_path` (if any) did not take.
JsonStreamResult stream_object_members(
    std::string_view text, const std::function<void(std::string&& key, JValue&& value)>& on_member,
    JsonStreamLimits limits = {}, const MemberFastPath& fast_path = nullptr);

}  // namespace ckptlint

namespace ckptlint {

/// True when no array or object in `text` nests deeper than `max_depth` (strings skipped,
/// nothing else checked). For documents parsed by nlohmann (a baseline, a Hub listing),
/// whose parser keeps a frame per level: 32 MiB of `[` would be 32 M frames.
bool json_depth_within(std::string_view text, int max_depth);

}  // namespace ckptlint
