// SPDX-License-Identifier: Apache-2.0
// Container-level checks: length prefix, content sniffing, UTF-8, JSON shape.
// Entry-level checks live in tensor_entries.cpp.
#include "checkpoint/safetensors_header.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "json/json_stream.h"
#include "checkpoint/problem_builder.h"
#include "checkpoint/tensor_entries.h"

namespace ckptlint {
namespace {

std::uint64_t read_le64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// What a file that is not safetensors most likely is, from its first bytes; "" if unknown.
std::string sniff_foreign_format(std::string_view head) {
  if (head.starts_with("PK\x03\x04")) return "a zip archive (a PyTorch .bin checkpoint renamed?)";
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x80 && head[1] >= 2 && head[1] <= 5) {
    return "a Python pickle (a PyTorch checkpoint renamed?)";
  }
  std::string lower(head.substr(0, 64));
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.find("<!doctype html") != std::string::npos || lower.find("<html") != std::string::npos) {
    return "an HTML page (a login or error page saved instead of the file?)";
  }
  if (head.starts_with("GGUF")) return "a GGUF file";
  return "";
}

// Git-LFS pointer: "version https://git-lfs.github.com/spec/v1\noid sha256:<hex>\nsize <n>\n".
bool record_lfs_pointer(const std::string& file, std::string_view head, std::vector<LoadProblem>& problems) {
  if (!head.starts_with("version https://git-lfs")) return false;
  auto field = [&](std::string_view name) {
    std::size_t at = head.find(name);
    if (at == std::string_view::npos) return std::string("unknown");
    std::size_t end = head.find('\n', at);
    return std::string(head.substr(at + name.size(), end == std::string_view::npos ? end : end - at - name.size()));
  };
  add_problem(problems, LoadProblemCode::file_is_lfs_pointer, file, "",
              {{"oid", field("oid ")}, {"size", field("size ")}});
  return true;
}

// Returns the offset of the first byte that is not valid UTF-8, or npos.
std::size_t first_invalid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size(), i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return i;
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    // Overlong encodings, surrogates and code points past U+10FFFF are not UTF-8.
    bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return i;
    i += len;
  }
  return std::string_view::npos;
}

void record_trailing(const std::string& file, std::string_view header, std::size_t at,
                     std::vector<LoadProblem>& problems) {
  std::string_view rest = header.substr(at);
  bool all_nul = std::all_of(rest.begin(), rest.end(), [](char c) { return c == '\0' || is_json_space(c); });
  std::string what = all_nul ? "NUL padding" : "non-whitespace content (possibly a hidden payload)";
  add_problem(problems, LoadProblemCode::header_trailing_bytes, file, "",
              {{"offset", std::to_string(8 + at)},
               {"count", std::to_string(rest.size())},
               {"what", what}});
}

}  // namespace

Shard read_safetensors_header(const std::string& file, const ByteSource& source,
                              std::vector<LoadProblem>& problems) {
  Shard shard;
  shard.file = file;
  shard.file_size = source.size();

  // The first bytes identify foreign content; 512 covers an LFS pointer and an HTML preamble.
  std::string head(static_cast<std::size_t>(std::min<std::uint64_t>(shard.file_size, 512)), '\0');
  if (!source.read(0, head.size(), head.data())) {
    add_problem(problems, LoadProblemCode::file_unreadable, file, "", {{"reason", "read failed"}});
    return shard;
  }
  if (record_lfs_pointer(file, head, problems)) return shard;
  if (shard.file_size < 8) {
    add_problem(problems, LoadProblemCode::file_too_small, file, "",
                {{"file_size", std::to_string(shard.file_size)},
                 {"cause", shard.file_size == 0 ? "an empty file: interrupted download or placeholder?"
                                                : "truncated download?"}});
    return shard;
  }
  std::uint64_t n = read_le64(head.data());
  shard.header_size = n;
  std::uint64_t available = shard.file_size - 8;
  if (n > kMaxHeaderSize || n > available) {
    // A length prefix that cannot be right: say what the bytes are, when we can tell.
    std::string foreign = sniff_foreign_format(head);
    if (!foreign.empty()) {
      add_problem(problems, LoadProblemCode::file_not_safetensors, file, "", {{"format", foreign}});
    } else if (n > kMaxHeaderSize) {
      add_problem(problems, LoadProblemCode::header_too_large, file, "",
                  {{"header_size", std::to_string(n)},
                   {"limit", std::to_string(kMaxHeaderSize)}});
    } else {
      add_problem(problems, LoadProblemCode::header_exceeds_file, file, "",
                  {{"header_size", std::to_string(n)}, {"available", std::to_string(available)}})
          .location.byte_offset = 0;
    }
    return shard;
  }

  // n is now bounded by the cap and by the file size: allocating it is safe.
  std::string header(static_cast<std::size_t>(n), '\0');
  if (n > 0 && !source.read(8, header.size(), header.data())) {
    add_problem(problems, LoadProblemCode::file_unreadable, file, "", {{"reason", "short read in header"}});
    return shard;
  }
  if (header.starts_with("\xEF\xBB\xBF")) {
    add_problem(problems, LoadProblemCode::header_byte_order_mark, file, "",
                {});
    return shard;
  }
  if (std::size_t bad = first_invalid_utf8(header); bad != std::string_view::npos) {
    add_problem(problems, LoadProblemCode::header_not_utf8, file, "", {{"offset", std::to_string(8 + bad)}})
        .location.byte_offset = 8 + bad;
    return shard;
  }
  std::size_t leading = 0;
  while (leading < header.size() && is_json_space(header[leading])) ++leading;
  if (leading > 0 && leading < header.size()) {
    add_problem(problems, LoadProblemCode::header_leading_whitespace, file, "",
                {{"count", std::to_string(leading)}});
  }

  EntryCollector collector(shard, source, problems);
  // A tensor entry has three fields: past a few thousand, only those three are kept (the rest
  // are counted), so a hostile entry with millions of fields costs no memory.
  JsonStreamLimits limits;
  limits.max_object_members = 4096;
  limits.keep_past_cap = {"dtype", "shape", "data_offsets"};
  JsonStreamResult parsed = stream_object_members(
      header, [&](std::string&& key, JValue&& value) { collector.add(std::move(key), std::move(value)); }, limits,
      [&](std::string& key, std::string_view rest) { return collector.add_plain(key, rest, limits.max_array_items); });
  switch (parsed.status) {
    case JsonStreamResult::Status::ok:
      break;
    case JsonStreamResult::Status::trailing_bytes:
      record_trailing(file, header, static_cast<std::size_t>(parsed.error_offset), problems);
      break;
    case JsonStreamResult::Status::root_not_object:
      add_problem(problems, LoadProblemCode::header_root_not_object, file, "", {{"json_type", parsed.root_type}});
      return shard;
    case JsonStreamResult::Status::syntax_error:
    case JsonStreamResult::Status::too_deep: {
      std::string error = n == 0 ? "the header is empty (length 0)" : parsed.error;
      add_problem(problems, LoadProblemCode::header_not_json, file, "",
                  {{"offset", std::to_string(8 + parsed.error_offset)}, {"error", error}})
          .location.byte_offset = 8 + parsed.error_offset;
      return shard;
    }
  }
  if (n == kMaxHeaderSize) {
    add_problem(problems, LoadProblemCode::header_at_mlx_limit, file, "",
                {{"header_size", std::to_string(n)}});
  }
  collector.finish();
  shard.readable = true;
  return shard;
}

}  // namespace ckptlint
