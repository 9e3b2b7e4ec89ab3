// SPDX-License-Identifier: Apache-2.0
// Tensor names matching a glob (a known-bad shape of name, such as the doubled prefix
// language_model.model.model. that naive renaming produces). One summary match per file:
// thousands of renamed keys are one problem.
#include <map>

#include "analysis/analysis.h"
#include "primitives/primitive.h"
#include "util/glob.h"

namespace ckptlint {
namespace {

class TensorNameGlob final : public Primitive {
 public:
  explicit TensorNameGlob(std::string glob) : glob_(std::move(glob)) {}
  std::vector<std::string> fact_names() const override { return {"file", "tensor", "count", "glob"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    std::map<std::string, std::pair<std::string, std::size_t>> per_file;  // file -> (first by name, count)
    for (const auto& [name, file] : context.analysis.file_of) {
      if (!glob_match(glob_, name)) continue;
      auto& [first, n] = per_file[std::string(file)];
      if (n++ == 0 || name < first) first = name;
    }
    for (const auto& [file, hit] : per_file) {
      Match m;
      m.location = location_at(file, hit.first);
      m.facts = {{"file", file}, {"tensor", hit.first}, {"count", std::to_string(hit.second)}, {"glob", glob_}};
      out.push_back(std::move(m));
    }
  }

 private:
  std::string glob_;
};

}  // namespace

std::unique_ptr<Primitive> make_tensor_name_glob(PrimitiveArgs& with) {
  with.allow_only({"glob"});
  return std::make_unique<TensorNameGlob>(with.string("glob", true));
}

}  // namespace ckptlint
