// SPDX-License-Identifier: Apache-2.0
// What the value scan found (values/value_scan.h): tensors holding NaN or Inf, found by bit
// pattern, or tensors whose data could not be read back.
//
//   report: non-finite | read-errors
#include <fmt/format.h>

#include "analysis/analysis.h"
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class NonFiniteValues final : public Primitive {
 public:
  explicit NonFiniteValues(bool read_errors) : read_errors_(read_errors) {}
  bool needs_values() const override { return true; }
  std::vector<std::string> fact_names() const override {
    return {"tensor", "file", "dtype", "nan", "pos_inf", "neg_inf", "count", "first_index", "elements", "error"};
  }
  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.values) return;
    for (const TensorValues& v : a.values->tensors) {
      const Shard& shard = context.checkpoint.shards[v.shard];
      const TensorInfo& t = shard.tensors[v.tensor];
      if (read_errors_ ? v.read_error.empty() : v.counts.total() == 0) continue;
      std::uint64_t elements = 1;
      for (std::uint64_t d : t.shape) elements *= d;  // validated by the reader: no overflow
      Match m;
      m.location = location_at(shard.file, t.name);
      m.facts = {{"tensor", t.name},
                 {"file", shard.file},
                 {"dtype", std::string(to_string(t.dtype))},
                 {"nan", std::to_string(v.counts.nan)},
                 {"pos_inf", std::to_string(v.counts.pos_inf)},
                 {"neg_inf", std::to_string(v.counts.neg_inf)},
                 {"count", std::to_string(v.counts.total())},
                 {"first_index", v.counts.total() ? std::to_string(v.counts.first_index) : "none"},
                 {"elements", std::to_string(elements)},
                 {"error", v.read_error}};
      out.push_back(std::move(m));
    }
  }

 private:
  bool read_errors_;
};

}  // namespace

std::unique_ptr<Primitive> make_non_finite_values(PrimitiveArgs& with) {
  with.allow_only({"report"});
  std::string report = with.string("report", false, "non-finite");
  if (report != "non-finite" && report != "read-errors") {
    with.error(with.node()["report"], "report must be non-finite or read-errors");
    return nullptr;
  }
  return std::make_unique<NonFiniteValues>(report == "read-errors");
}

}  // namespace ckptlint
