// SPDX-License-Identifier: Apache-2.0
// The number of decoder layers stored against the count the config gives: the direct
// statement behind a wall of missing or unexpected layer tensors.
//   part: the layout part whose keys hold the layers ("text")
//   count: expression for the expected count ("L")
#include <regex>
#include <set>

#include "engine/analysis.h"
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class LayoutLayerCount final : public Primitive {
 public:
  LayoutLayerCount(std::string part, Expr count) : part_(std::move(part)), count_(std::move(count)) {}
  std::vector<std::string> fact_names() const override { return {"file", "found", "expected", "highest"}; }
  void run(const RunContext& context, std::vector<Match>& out) const override {
    const Analysis& a = context.analysis;
    if (!a.layout || !a.layout_model) return;
    auto prefixes = a.layout_model->prefixes.find(a.layout->variant);
    if (prefixes == a.layout_model->prefixes.end() || prefixes->second.count(part_) == 0) return;
    const std::string& prefix = prefixes->second.at(part_);
    std::set<long> layers;
    for (const auto& [name, file] : a.file_of) {
      if (name.compare(0, prefix.size(), prefix) != 0 || name.compare(prefix.size(), 7, "layers.") != 0) continue;
      std::size_t start = prefix.size() + 7, end = name.find('.', start);
      std::string digits(name.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
      if (!digits.empty() && digits.size() < 7 && digits.find_first_not_of("0123456789") == std::string::npos) {
        layers.insert(std::stol(digits));
      }
    }
    nlohmann::json expected = count_.eval(a.root_scope());
    if (layers.empty() || !expected.is_number_integer()) return;
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
  Expr count_;
};

}  // namespace

std::unique_ptr<Primitive> make_layout_layer_count(PrimitiveArgs& with) {
  with.allow_only({"part", "count"});
  std::string part = with.string("part", true);
  Expr count = with.expression("count", true);
  if (count.empty()) return nullptr;
  return std::make_unique<LayoutLayerCount>(std::move(part), std::move(count));
}

}  // namespace ckptlint
