// SPDX-License-Identifier: Apache-2.0
// metadata.total_size must equal the sum of the tensors' byte sizes (what mlx-lm, mlx-vlm
// and transformers write). A stale index carried over from another conversion shows here
// first (mlx-swift-lm #554: 8.9 GB declared, 3.1 GB present).
//
//   check: mismatch     (default) a byte count that is not the sum
//          not-a-size   a total_size that is no byte count at all (negative, past 64 bits, a string)
#include <fmt/format.h>

#include <cmath>

#include "primitives/index_view.h"
#include "primitives/primitive.h"
#include "util/checked.h"

namespace ckptlint {
namespace {

// The value as the index gives it: a string quoted, an integer past 64 bits (which the JSON
// reader keeps as a float) in full, not as 1.8446744073709552e+19.
std::string as_written(const nlohmann::json& v) {
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) >= 0x1p64 && std::fabs(d) < 1e30) return fmt::format("{:.0f}", d);
  }
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

class IndexTotalSize final : public Primitive {
 public:
  explicit IndexTotalSize(bool not_a_size) : not_a_size_(not_a_size) {}
  std::vector<std::string> fact_names() const override { return {"file", "declared", "actual", "difference"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    const Checkpoint& ck = context.checkpoint;
    if (!has_weight_map(ck)) return;
    const nlohmann::json& meta = ck.index->value.contains("metadata") ? ck.index->value["metadata"] : nlohmann::json();
    if (!meta.is_object() || !meta.contains("total_size")) return;
    const nlohmann::json& total = meta["total_size"];
    if (!total.is_number_unsigned()) {
      // -1, 2^64, "20", 1.5: no byte count (the sum below cannot be compared with it).
      if (not_a_size_) out.push_back(match(ck, as_written(total), "", ""));
      return;
    }
    if (not_a_size_) return;
    std::uint64_t declared = total.get<std::uint64_t>();
    // Sum the bytes of indexed tensors as found in their shards; unknown ones make the sum meaningless.
    std::uint64_t actual = 0;
    for (const auto& [tensor, file] : ck.weight_map) {
      const TensorInfo* t = ck.find(tensor);
      if (t == nullptr) return;
      auto sum = checked_add(actual, t->nbytes());
      if (!sum) return;
      actual = *sum;
    }
    if (actual == declared || declared == stored_bytes(ck)) return;
    std::uint64_t diff = actual > declared ? actual - declared : declared - actual;
    out.push_back(match(ck, std::to_string(declared), std::to_string(actual), (actual > declared ? "+" : "-") + std::to_string(diff)));
  }

 private:
  // Every stored tensor's bytes, indexed or not: a total that equals it is right for the files,
  // and what the index lacks is tensor-missing-from-index's finding (one cause, one finding).
  static std::optional<std::uint64_t> stored_bytes(const Checkpoint& ck) {
    std::uint64_t sum = 0;
    for (const Shard& s : ck.shards) {
      for (const TensorInfo& t : s.tensors) {
        auto next = checked_add(sum, t.nbytes());
        if (!next) return std::nullopt;
        sum = *next;
      }
    }
    return sum;
  }

  static Match match(const Checkpoint& ck, std::string declared, std::string actual, std::string difference) {
    Match m;
    m.location = location_at(ck.index->file, "", "/metadata/total_size");
    m.facts = {{"file", ck.index->file}, {"declared", std::move(declared)}, {"actual", std::move(actual)},
               {"difference", std::move(difference)}};
    return m;
  }

  bool not_a_size_;
};

}  // namespace

std::unique_ptr<Primitive> make_index_total_size(PrimitiveArgs& with) {
  with.allow_only({"check"});
  const std::string check = with.string("check", false, "mismatch");
  if (check != "mismatch" && check != "not-a-size") {
    with.error(with.node()["check"], "check must be mismatch or not-a-size");
    return nullptr;
  }
  return std::make_unique<IndexTotalSize>(check == "not-a-size");
}

}  // namespace ckptlint
