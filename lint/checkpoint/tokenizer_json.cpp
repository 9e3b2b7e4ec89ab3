// SPDX-License-Identifier: Apache-2.0
#include "checkpoint/tokenizer_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "checkpoint/problem_builder.h"
#include "json/json_cursor.h"

namespace ckptlint {
namespace {

constexpr std::string_view kLfsPointer = "version https://git-lfs.github.com/spec/";

const JValue* member(const JValue& object, std::string_view key) {
  for (const auto& m : object.members) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

class Scan {
 public:
  Scan(JsonCursor& cursor, TokenizerSummary& out) : c_(cursor), out_(out) {}

  // Walks the root object until both the added tokens and the vocabulary are in.
  void run() {
    if (!c_.enter_object()) return;
    std::string key;
    while (!(added_done_ && vocab_done_) && c_.next_member(&key)) {
      if (key == "added_tokens" && !added_seen_) {
        added_seen_ = true;
        added_tokens();
      } else if (key == "model" && !model_seen_) {
        model_seen_ = true;
        model();
      } else {
        c_.skip();
      }
    }
    // The whole document was read: what it lacks, it has none of.
    if (!c_.failed() && !(added_done_ && vocab_done_)) {
      complete_ = c_.at_end();
      if (!added_seen_) out_.added_complete = true;
    }
  }

  bool complete() const { return complete_; }
  std::string malformed;  // the first entry no loader could read, said for a person

 private:
  void added_tokens() {
    if (!c_.enter_array()) return;
    JsonStreamLimits limits;
    limits.max_depth = 4;
    std::size_t index = 0;
    for (; c_.next_item(); ++index) {
      JValue v;
      if (!c_.read(v, limits)) return;
      const JValue* id = v.kind == JValue::Kind::object ? member(v, "id") : nullptr;
      const JValue* content = v.kind == JValue::Kind::object ? member(v, "content") : nullptr;
      if (id == nullptr || id->kind != JValue::Kind::unsigned_int || content == nullptr || content->kind != JValue::Kind::string) {
        if (malformed.empty()) malformed = fmt::format("added_tokens[{}] has no integer 'id' and string 'content'", index);
        continue;
      }
      if (out_.added.size() >= kMaxAddedTokens) {
        if (malformed.empty()) malformed = fmt::format("more than {} added tokens (the rest were not read)", kMaxAddedTokens);
        dropped_ = true;
        continue;
      }
      const JValue* special = member(v, "special");
      out_.added.push_back({id->unsigned_value, content->text, special != nullptr && special->kind == JValue::Kind::boolean && special->boolean});
    }
    if (c_.failed()) return;
    added_done_ = true;
    out_.added_complete = !dropped_;
  }

  void model() {
    if (!c_.enter_object()) return;
    std::string key;
    while (c_.next_member(&key)) {
      if (key == "type") {
        JValue v;
        if (!c_.read(v)) return;
        if (v.kind == JValue::Kind::string) out_.model_type = v.text.substr(0, 64);
      } else if (key == "vocab" && !vocab_done_) {
        vocab();
        // The merges after the vocabulary are most of the file: leave once nothing else is needed.
        if (added_done_ && vocab_done_) return;
      } else {
        c_.skip();
      }
    }
  }

  // model.vocab: {"piece": id, ...} (BPE, WordPiece, WordLevel) or [["piece", score], ...]
  // (Unigram, ids by position). Counted, not kept.
  void vocab() {
    std::uint64_t entries = 0, max_id = 0;
    if (c_.peek() == JsonCursor::Type::array) {
      if (!c_.enter_array()) return;
      while (c_.next_item()) {
        if (!c_.skip()) return;
        ++entries;
      }
      max_id = entries == 0 ? 0 : entries - 1;
    } else {
      std::uint64_t others = 0;
      if (!c_.count_members(entries, max_id, others)) return;
      if (others > 0 && malformed.empty()) malformed = fmt::format("model.vocab has {} entr{} whose id is no integer", others, others == 1 ? "y" : "ies");
    }
    if (c_.failed()) return;
    vocab_done_ = true;
    out_.vocab_entries = entries;
    if (entries > 0) out_.vocab_max_id = max_id;
  }

  JsonCursor& c_;
  TokenizerSummary& out_;
  bool added_seen_ = false, added_done_ = false, model_seen_ = false, vocab_done_ = false, complete_ = false;
  bool dropped_ = false;
};

}  // namespace

bool added_token_from(const std::string& key, const JValue& value, AddedToken& out) {
  if (key.empty() || key.size() > 19 || key.find_first_not_of("0123456789") != std::string::npos) return false;
  if (value.kind != JValue::Kind::object) return false;
  const JValue* content = member(value, "content");
  if (content == nullptr || content->kind != JValue::Kind::string) return false;
  const JValue* special = member(value, "special");
  out.id = std::stoull(key);
  out.content = content->text;
  out.special = special != nullptr && special->kind == JValue::Kind::boolean && special->boolean;
  return true;
}

TokenizerSummary scan_tokenizer_json(SequentialFile& file, const std::string& name, std::vector<LoadProblem>& problems) {
  TokenizerSummary out;
  out.file_size = file.size();
  out.partial = file.readable() < file.size();
  auto problem = [&](const std::string& error) { add_problem(problems, LoadProblemCode::side_file_unreadable, name, "", {{"error", error}}); };

  // The first bytes say whether this is the file at all (a clone without git-lfs holds a
  // pointer text), and are then handed to the cursor before the rest.
  std::string head(std::min<std::uint64_t>(file.readable(), 4096), '\0');
  head.resize(file.read(head.data(), head.size()));
  if (head.starts_with(kLfsPointer)) {
    problem("it is a Git LFS pointer, not the file (clone with git-lfs, or run git lfs pull)");
    out.bytes_read = head.size();
    return out;
  }
  std::size_t head_at = 0;
  std::uint64_t given = 0;
  bool capped = false;
  JsonCursor cursor([&](char* dst, std::size_t max) -> std::size_t {
    if (given >= kTokenizerScanBytes) {
      capped = true;
      return 0;
    }
    max = static_cast<std::size_t>(std::min<std::uint64_t>(max, kTokenizerScanBytes - given));
    std::size_t n = 0;
    if (head_at < head.size()) {
      n = std::min(max, head.size() - head_at);
      std::memcpy(dst, head.data() + head_at, n);
      head_at += n;
    } else {
      n = file.read(dst, max);
    }
    given += n;
    return n;
  });
  Scan scan(cursor, out);
  scan.run();
  out.bytes_read = cursor.bytes_read();

  if (cursor.failed()) {
    const JsonStreamResult& e = cursor.error();
    if (cursor.truncated() && out.partial && given >= file.readable()) {  // the prefix ends: not a problem
      if (!scan.malformed.empty()) problem(scan.malformed);
      return out;
    }
    if (capped) {
      problem(fmt::format("not read past its first {} bytes, which hold no complete vocabulary", kTokenizerScanBytes));
    } else if (cursor.truncated()) {
      problem(fmt::format("it ends inside the JSON document at byte {} (a cut-off download or copy)", e.error_offset));
    } else {
      problem(fmt::format("not valid JSON at byte {}: {}", e.error_offset, e.error));
    }
    return out;
  }
  if (!scan.malformed.empty()) problem(scan.malformed);
  // Left early, after the vocabulary: the merges were not read, but a file cut short
  // shows at its end, which must close the root object.
  if (!scan.complete() && !out.partial) {
    std::string tail = file.tail(64);
    while (!tail.empty() && is_json_space(tail.back())) tail.pop_back();
    if (!tail.empty() && tail.back() != '}') problem("its last bytes do not close the JSON document (a cut-off download or copy)");
  }
  return out;
}

}  // namespace ckptlint
