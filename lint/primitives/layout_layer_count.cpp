// SPDX-License-Identifier: Apache-2.0
// The number of decoder layers stored against the count the config gives: the direct
// statement behind a wall of missing or unexpected layer tensors.
//   part: the layout part whose keys hold the layers ("text"): its prefix + "layers.N."
//   prefixes: without a layout model, the key prefixes before N ("model.layers.")
//   count: expression for the expected count ("L")
#include <set>

#include "analysis/analysis.h"
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class LayoutLayerCount final : public Primitive {
 public:
  LayoutLayerCount(std::string part, std::vector<std::string> prefixes, Expr count)
      : part_(std::move(part)), prefixes_(std::move(prefixes)), count_(std::move(count)) {}
  std::vector<std::string> fact_names() const override { return {"file", "found", "expected", "highest"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    std::vector<std::string> prefixes = prefixes_;
    if (!part_.empty()) {
      if (!a.layout || !a.layout_model) return;
      auto layout_prefixes = a.layout_model->prefixes.find(a.layout->variant);
      if (layout_prefixes == a.layout_model->prefixes.end() || layout_prefixes->second.count(part_) == 0) return;
      prefixes = {layout_prefixes->second.at(part_) + "layers."};
    }
    // Without an expected count there is nothing to compare: no walk over every name.
    nlohmann::json expected = count_.eval(a.root_scope());
    if (!expected.is_number_integer()) return;
    std::set<long> layers;
    // The names in shards that could not be read count as stored: the layers they hold are
    // that shard's finding, not a config that disagrees.
    auto count_layer = [&](std::string_view name) {
      for (const std::string& prefix : prefixes) {
        if (!name.starts_with(prefix)) continue;
        std::size_t start = prefix.size(), end = name.find('.', start);
        if (end == std::string_view::npos) continue;
        std::string_view digits = name.substr(start, end - start);
        if (!digits.empty() && digits.size() < 7 && digits.find_first_not_of("0123456789") == std::string_view::npos) {
          layers.insert(std::stol(std::string(digits)));
        }
      }
    };
    for (const auto& [name, file] : a.file_of) count_layer(name);
    for (std::string_view name : a.declared_unread) count_layer(name);
    if (layers.empty()) return;
    long highest = *layers.rbegin();
    if (static_cast<long>(layers.size()) == expected.get<long>() && highest + 1 == expected.get<long>()) return;
    Match m;
    m.location = location_at("config.json", "");
    m.facts = {{"file", "config.json"}, {"found", std::to_string(layers.size())}, {"expected", expected.dump()},
               {"highest", std::to_string(highest)}};
    out.push_back(std::move(m));
  }

 private:
  std::string part_;
  std::vector<std::string> prefixes_;
  Expr count_;
};

}  // namespace

std::unique_ptr<Primitive> make_layout_layer_count(PrimitiveArgs& with) {
  with.allow_only({"part", "prefixes", "count"});
  std::string part = with.string("part", false);
  std::vector<std::string> prefixes = with.strings("prefixes", false);
  Expr count = with.expression("count", true);
  if (part.empty() == prefixes.empty()) {
    with.error(with.node(), "give either part (a layout part) or prefixes (key prefixes before the layer number)");
    return nullptr;
  }
  if (count.empty()) return nullptr;
  return std::make_unique<LayoutLayerCount>(std::move(part), std::move(prefixes), std::move(count));
}

}  // namespace ckptlint
