// SPDX-License-Identifier: Apache-2.0
#include "checkpoint/tensor_entries.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "checkpoint/plain_entry.h"
#include "checkpoint/problem_builder.h"
#include "checkpoint/safetensors_header.h"
#include "util/checked.h"
#include "ckptlint/name_index.h"
#include "util/display_text.h"
#include "util/text.h"
#include "util/shape_text.h"

namespace ckptlint {
namespace {

constexpr std::size_t kMaxNameInFinding = 64 * 1024;

const JValue* field(const JValue& entry, std::string_view name) {
  for (const auto& [k, v] : entry.members) {
    if (k == name) return &v;
  }
  return nullptr;
}

// A name as a finding carries it: exact (reports escape it for display, util/display_text.h),
// but bounded, so that a header of one 90 MB name does not copy 90 MB into every finding.
std::string printable(std::string_view name) { return std::string(utf8_prefix(name, kMaxNameInFinding)); }

}  // namespace

void EntryCollector::add_metadata(JValue&& value) {
  // The reference reader (an Option) and MLX both read null as "no metadata".
  if (value.kind == JValue::Kind::null) {
    problems_.add(LoadProblemCode::metadata_null, shard_.file, "", {});
    return;
  }
  bool ok = value.kind == JValue::Kind::object && !value.truncated;
  for (const auto& [k, v] : value.members) ok = ok && v.kind == JValue::Kind::string;
  if (!ok) {
    std::string observed = value.kind == JValue::Kind::object ? "an object with a non-string value"
                                                              : fmt::format("a {}", value.type_name());
    problems_.add(LoadProblemCode::metadata_not_string_map, shard_.file, "",
                  {{"observed", observed}});
    return;
  }
  std::map<std::string, std::string> metadata;
  for (auto& [k, v] : value.members) metadata[k] = std::move(v.text);
  shard_.metadata = std::move(metadata);
}

void EntryCollector::add(std::string&& key, JValue&& value) {
  if (key == "__metadata__") {
    if (metadata_seen_) {
      problems_.add(LoadProblemCode::tensor_duplicate, shard_.file, key,
                    {{"first", "__metadata__"}, {"second", "__metadata__"}});
    }
    metadata_seen_ = true;
    add_metadata(std::move(value));
    return;
  }
  const bool tensor = add_entry(key, std::move(value));
  count_entry(tensor, std::move(key));
}

void EntryCollector::count_entry(bool became_tensor, std::string&& name) {
  if (!became_tensor) shard_.other_entries.emplace_back(entries_, std::move(name));
  ++entries_;
}

// The general path: returns whether the entry became a tensor.
bool EntryCollector::add_entry(const std::string& key, JValue&& value) {
  // The name is escaped for messages (printable) only when an entry has a problem.
  auto malformed = [&](const std::string& problem) {
    problems_.add(LoadProblemCode::tensor_entry_malformed, shard_.file, printable(key), {{"problem", problem}});
  };
  if (value.kind != JValue::Kind::object) {
    malformed(fmt::format("the entry is a {}, not an object", value.type_name()));
    return false;
  }
  check_fields(key, value);
  const JValue* dtype = field(value, "dtype");
  const JValue* shape = field(value, "shape");
  const JValue* offsets = field(value, "data_offsets");
  if (dtype == nullptr || shape == nullptr) {
    malformed(fmt::format("missing field '{}'", dtype == nullptr ? "dtype" : "shape"));
    return false;
  }
  if (offsets == nullptr) {
    problems_.add(LoadProblemCode::offsets_malformed, shard_.file, printable(key), {{"value", "missing"}});
    return false;
  }
  TensorInfo t;
  t.name = key;
  bool ok = dtype->kind == JValue::Kind::string ? set_dtype(t, dtype->text, true) : set_dtype(t, dtype->brief(), false);
  bool shape_ok = shape->kind == JValue::Kind::array && !shape->truncated;
  for (const JValue& d : shape->items) shape_ok = shape_ok && d.kind == JValue::Kind::unsigned_int;
  if (!shape_ok) {
    std::string bad = shape->kind != JValue::Kind::array ? shape->brief() : "a dimension of more than 4096 entries";
    for (const JValue& d : shape->items) {
      if (d.kind != JValue::Kind::unsigned_int) {
        bad = d.brief();
        break;
      }
    }
    problems_.add(LoadProblemCode::shape_malformed, shard_.file, printable(key),
                  {{"value", bad}});
    ok = false;
  } else {
    for (const JValue& d : shape->items) t.shape.push_back(d.unsigned_value);
  }
  bool offsets_ok = offsets->kind == JValue::Kind::array && offsets->items.size() == 2 && !offsets->truncated &&
                    offsets->items[0].kind == JValue::Kind::unsigned_int &&
                    offsets->items[1].kind == JValue::Kind::unsigned_int;
  if (!offsets_ok) {
    std::string bad = offsets->kind != JValue::Kind::array ? offsets->brief()
                      : offsets->items.size() != 2     ? fmt::format("{} items instead of 2", offsets->items.size())
                                                       : fmt::format("[{}, {}]", offsets->items[0].brief(), offsets->items[1].brief());
    problems_.add(LoadProblemCode::offsets_malformed, shard_.file, printable(key), {{"value", bad}});
    return false;
  }
  t.data_begin = offsets->items[0].unsigned_value;
  t.data_end = offsets->items[1].unsigned_value;
  return add_tensor(t, ok);
}

std::size_t EntryCollector::add_plain(std::string& key, std::string_view text, std::size_t max_dims) {
  if (key == "__metadata__") return 0;
  PlainEntry entry;
  std::size_t used = scan_plain_entry(text, max_dims, entry);
  if (used == 0) return 0;
  TensorInfo t;
  t.name = std::move(key);
  bool ok = set_dtype(t, entry.dtype, true);
  t.shape = std::move(entry.shape);
  t.data_begin = entry.data_begin;
  t.data_end = entry.data_end;
  const bool tensor = add_tensor(t, ok);
  count_entry(tensor, std::move(t.name));  // the name is only kept when `t` did not become a tensor
  return used;
}

bool EntryCollector::set_dtype(TensorInfo& t, std::string_view seen, bool is_string) {
  if (is_string) {
    if (std::optional<DType> d = dtype_from_string(seen)) {
      t.dtype = *d;
      return true;
    }
  }
  problems_.add(LoadProblemCode::dtype_unknown, shard_.file, printable(t.name),
                {{"dtype", printable(seen)}, {"suggestion", std::string(nearest_dtype_name(seen))}});
  return false;
}

// What both paths share once the fields are typed: ranges, element count, byte size.
// Returns whether `t` became a tensor (moved from); otherwise it is left as it was.
bool EntryCollector::add_tensor(TensorInfo& t, bool dtype_ok) {
  if (t.data_begin > t.data_end) {
    problems_.add(LoadProblemCode::offsets_reversed, shard_.file, printable(t.name),
                  {{"begin", std::to_string(t.data_begin)}, {"end", std::to_string(t.data_end)}});
    return false;
  }
  if (!dtype_ok) return false;
  std::optional<std::uint64_t> elements = 1;
  for (std::uint64_t d : t.shape) elements = elements ? checked_mul(*elements, d) : std::nullopt;
  std::optional<std::uint64_t> bits =
      elements ? checked_mul(*elements, static_cast<std::uint64_t>(bit_width(t.dtype))) : std::nullopt;
  if (!bits) {
    problems_.add(LoadProblemCode::shape_overflow, shard_.file, printable(t.name),
                  {{"shape", shape_text(t.shape)}, {"dtype", std::string(to_string(t.dtype))}});
    return false;
  }
  if (*bits % 8 != 0) {
    problems_.add(LoadProblemCode::subbyte_misaligned, shard_.file, printable(t.name),
                  {{"dtype", std::string(to_string(t.dtype))}, {"elements", std::to_string(*elements)},
                   {"bits", std::to_string(*bits)}});
    return false;
  }
  if (*bits / 8 != t.nbytes()) {
    problems_.add(LoadProblemCode::size_mismatch, shard_.file, printable(t.name),
                  {{"dtype", std::string(to_string(t.dtype))}, {"shape", shape_text(t.shape)},
                   {"expected_bytes", std::to_string(*bits / 8)}, {"actual_bytes", std::to_string(t.nbytes())}});
    // The range is still real bytes of the file: keep it for the coverage walk below.
  }
  shard_.tensors.push_back(std::move(t));
  return true;
}

// One finding per entry for repeated fields (serde rejects them, nlohmann, and so MLX, keeps
// the last) and one for unknown fields, each with a count: linear in the entry's size.
void EntryCollector::check_fields(const std::string& key, const JValue& value) {
  const std::string* first_repeated = nullptr;
  const std::string* first_unknown = nullptr;
  std::size_t repeated = 0;
  std::uint64_t unknown = value.dropped;  // members dropped past the cap are never dtype/shape/data_offsets
  // How many times a field was seen up to now: a scan of the few fields of an ordinary entry,
  // a hash map once an entry is large (a hostile one).
  std::unordered_map<std::string_view, std::size_t> seen;
  const bool small = value.members.size() <= 8;
  for (std::size_t i = 0; i < value.members.size(); ++i) {
    const std::string& f = value.members[i].first;
    std::size_t times = 1;
    if (small) {
      for (std::size_t j = 0; j < i; ++j) times += value.members[j].first == f ? 1 : 0;
    } else {
      times = ++seen[f];
    }
    if (times == 2) {
      ++repeated;
      if (first_repeated == nullptr) first_repeated = &f;
    }
    if (times == 1 && f != "dtype" && f != "shape" && f != "data_offsets") {
      ++unknown;
      if (first_unknown == nullptr) first_unknown = &f;
    }
  }
  if (first_repeated != nullptr) {
    problems_.add(LoadProblemCode::tensor_field_duplicate, shard_.file, printable(key),
                  {{"field", printable(*first_repeated)}, {"count", std::to_string(repeated)}});
  }
  if (unknown > 0) {
    problems_.add(LoadProblemCode::tensor_unknown_field, shard_.file, printable(key),
                  {{"field", first_unknown != nullptr ? printable(*first_unknown) : std::string("?")},
                   {"count", std::to_string(unknown)}});
  }
}

void EntryCollector::check_duplicates() {
  // The tensors vector no longer moves: its names can be read by position.
  const std::vector<TensorInfo>& tensors = shard_.tensors;
  auto name_at = [&](std::size_t i) -> std::string_view { return tensors[i].name; };
  NameIndex first(tensors.size());
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    std::size_t earlier = first.insert(tensors[i].name, i, name_at);
    if (earlier == NameIndex::npos) continue;
    problems_.add(LoadProblemCode::tensor_duplicate, shard_.file, printable(tensors[i].name),
                  {{"first", describe(tensors[earlier])}, {"second", describe(tensors[i])}});
  }
}

std::string EntryCollector::describe(const TensorInfo& t) const {
  return fmt::format("{} at bytes [{}, {})", typed_shape_text(to_string(t.dtype), t.shape), t.data_begin, t.data_end);
}

void EntryCollector::finish() {
  check_duplicates();
  check_names();
  check_coverage();
  check_order_and_alignment();
}

void EntryCollector::check_names() {
  // Names that differ only in case form a class keyed by the lower-cased name. One finding
  // per file names the first class and counts them all: a hostile header with a million
  // such pairs costs one finding, not a million. Only a class with an upper-case spelling
  // can have two: those classes are keyed first (each upper-case name lowered once), then
  // every name is placed in its class. Each class keeps its first two spellings, nothing more.
  struct Spellings {
    const std::string* first = nullptr;   // the first spelling in file order
    const std::string* second = nullptr;  // the first other spelling after it
    std::size_t seen_at = 0;              // index of the first spelling
  };
  auto has_upper = [](const std::string& name) {
    return std::any_of(name.begin(), name.end(), [](unsigned char c) { return c >= 'A' && c <= 'Z'; });
  };
  auto suspicious_name = [&](const std::string& name) {
    if (name.empty()) {
      problems_.add(LoadProblemCode::tensor_name_suspicious, shard_.file, printable(name),
                    {{"problem", "the name is empty"}});
    } else if (std::any_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; })) {
      problems_.add(LoadProblemCode::tensor_name_suspicious, shard_.file, printable(name),
                    {{"problem", "the name contains control characters"}});
    }
  };
  // Class keys (lower-cased names) by class number; the index finds a key's number. All
  // are sized from a count of the upper-case names: no table grows by doubling.
  std::size_t uppers = 0;
  shard_.for_each_entry_name([&](std::size_t, const std::string& name) { uppers += has_upper(name) ? 1 : 0; });
  std::vector<std::string> keys;
  keys.reserve(uppers);
  auto key_at = [&](std::size_t i) -> std::string_view { return keys[i]; };
  NameIndex classes(uppers);
  // The class of each upper-case name, in file order: each is lowered once.
  std::vector<std::size_t> upper_class;
  upper_class.reserve(uppers);
  shard_.for_each_entry_name([&](std::size_t, const std::string& name) {
    suspicious_name(name);
    if (!has_upper(name)) return;
    std::string lower = ascii_lower(name);
    std::size_t id = classes.find(lower, key_at);
    if (id == NameIndex::npos) {
      id = keys.size();
      keys.push_back(std::move(lower));
      classes.insert(keys.back(), id, key_at);
    }
    upper_class.push_back(id);
  });
  if (keys.empty()) return;
  std::vector<Spellings> spellings(keys.size());
  std::size_t next_upper = 0;
  shard_.for_each_entry_name([&](std::size_t i, const std::string& name) {
    std::size_t id = has_upper(name) ? upper_class[next_upper++] : classes.find(name, key_at);
    if (id == NameIndex::npos) return;
    Spellings& c = spellings[id];
    if (c.first == nullptr) {
      c.first = &name;
      c.seen_at = i;
    } else if (c.second == nullptr && name != *c.first) {
      c.second = &name;
    }
  });
  const Spellings* first = nullptr;
  std::size_t count = 0;
  for (const Spellings& c : spellings) {
    if (c.second == nullptr) continue;
    ++count;
    if (first == nullptr || c.seen_at < first->seen_at) first = &c;
  }
  if (first == nullptr) return;
  problems_.add(LoadProblemCode::tensor_name_case_collision, shard_.file, printable(*first->second),
                {{"other", printable(*first->first)}, {"count", std::to_string(count)}});
}

void EntryCollector::check_coverage() {
  const std::uint64_t data_size = shard_.file_size - shard_.data_start();
  std::vector<const TensorInfo*> sorted;
  sorted.reserve(shard_.tensors.size());
  for (const TensorInfo& t : shard_.tensors) sorted.push_back(&t);
  std::sort(sorted.begin(), sorted.end(), [](const TensorInfo* a, const TensorInfo* b) {
    return std::pair(a->data_begin, a->data_end) < std::pair(b->data_begin, b->data_end);
  });
  std::uint64_t running_end = 0;
  const TensorInfo* owner = nullptr;  // the tensor that reaches running_end
  for (const TensorInfo* t : sorted) {
    if (t->data_begin > running_end) {
      problems_.add(LoadProblemCode::offsets_gap, shard_.file, printable(t->name),
                    {{"begin", std::to_string(t->data_begin)}, {"expected_begin", std::to_string(running_end)},
                     {"gap", std::to_string(t->data_begin - running_end)}});
    } else if (t->data_begin < running_end && owner != nullptr && owner->name != t->name && t->nbytes() > 0) {
      // Equal names overlap because they are duplicates: tensor-duplicate already says so.
      problems_.add(LoadProblemCode::offsets_overlap, shard_.file, printable(t->name),
                    {{"other", printable(owner->name)}, {"begin", std::to_string(t->data_begin)},
                     {"overlap", std::to_string(std::min(running_end, t->data_end) - t->data_begin)}});
    }
    if (t->data_end >= running_end) {
      running_end = t->data_end;
      owner = t;
    }
  }
  check_zero_size(sorted);
  if (running_end > data_size) {
    problems_.add(LoadProblemCode::data_truncated, shard_.file, owner ? printable(owner->name) : "",
                  {{"end", std::to_string(running_end)}, {"data_size", std::to_string(data_size)},
                   {"missing", std::to_string(running_end - data_size)}});
  } else if (running_end < data_size) {
    std::uint64_t at = shard_.data_start() + running_end;
    char magic[4] = {};
    std::uint64_t count = data_size - running_end;
    std::string what = "unclaimed bytes";
    if (source_.read(at, static_cast<std::size_t>(std::min<std::uint64_t>(count, 4)), magic)) {
      if (count >= 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0) what = "a zip archive (polyglot file)";
      if (static_cast<unsigned char>(magic[0]) == 0x80 && magic[1] >= 2 && magic[1] <= 5) what = "a pickle (polyglot file)";
    }
    LoadProblem* p = problems_.add(LoadProblemCode::trailing_bytes, shard_.file, "",
                                   {{"count", std::to_string(count)}, {"offset", std::to_string(at)}, {"what", what}});
    if (p != nullptr) p->location.byte_offset = at;
  }
}

void EntryCollector::check_zero_size(const std::vector<const TensorInfo*>& sorted) {
  // Every byte must have one owner (safetensors PR #586): an empty tensor whose offset falls
  // inside a real tensor's range passes the reference walk, since (0,0) sorts before (0,4).
  std::vector<const TensorInfo*> nonempty;
  for (const TensorInfo* t : sorted) {
    if (t->nbytes() > 0) nonempty.push_back(t);
  }
  for (const TensorInfo* t : sorted) {
    if (t->nbytes() != 0) continue;
    auto after = std::upper_bound(nonempty.begin(), nonempty.end(), t->data_begin,
                                  [](std::uint64_t x, const TensorInfo* u) { return x < u->data_begin; });
    if (after == nonempty.begin()) continue;  // no real tensor starts at or before it
    const TensorInfo* host = *(after - 1);
    if (t->data_begin < host->data_end) {
      problems_.add(LoadProblemCode::zero_size_shared_offset, shard_.file, printable(t->name),
                    {{"other", printable(host->name)}, {"offset", std::to_string(t->data_begin)}});
    }
  }
}

void EntryCollector::check_order_and_alignment() {
  for (std::size_t i = 1; i < shard_.tensors.size(); ++i) {
    const TensorInfo& prev = shard_.tensors[i - 1];
    const TensorInfo& cur = shard_.tensors[i];
    if (cur.data_begin < prev.data_begin) {
      problems_.add(LoadProblemCode::header_unsorted, shard_.file, printable(cur.name),
                    {{"previous", printable(prev.name)}});
      break;  // one note per shard is enough
    }
  }
  for (const TensorInfo& t : shard_.tensors) {
    std::uint64_t align = static_cast<std::uint64_t>(std::max(1, bit_width(t.dtype) / 8));
    std::uint64_t absolute = shard_.data_start() + t.data_begin;
    if (t.nbytes() > 0 && absolute % align != 0) {
      problems_.add(LoadProblemCode::data_unaligned, shard_.file, printable(t.name),
                    {{"offset", std::to_string(absolute)}, {"alignment", std::to_string(align)}});
      break;
    }
  }
}

}  // namespace ckptlint
