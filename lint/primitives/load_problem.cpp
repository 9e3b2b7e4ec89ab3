// SPDX-License-Identifier: Apache-2.0
// Re-emits the loader's problems of one code, so reader failures are ordinary rules with an
// id, a severity, wording and fixtures.
#include <fmt/format.h>

#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class LoadProblemPrimitive final : public Primitive {
 public:
  explicit LoadProblemPrimitive(LoadProblemCode code) : code_(code) {}
  std::vector<std::string> fact_names() const override { return load_problem_fact_names(code_); }
  void run(const RunContext& context, MatchSink& out) const override {
    for (const LoadProblem& p : context.checkpoint.problems) {
      if (p.code != code_) continue;
      out.push_back(Match{p.location, {}, p.facts});
      if (p.omitted > 0) out.omit(p.location.file, static_cast<std::size_t>(p.omitted));
    }
  }

 private:
  LoadProblemCode code_;
};

}  // namespace

std::unique_ptr<Primitive> make_load_problem(PrimitiveArgs& with) {
  with.allow_only({"code"});
  std::string name = with.string("code", true);
  auto code = load_problem_code_from_string(name);
  if (!code) {
    if (!name.empty()) with.error(with.node()["code"], fmt::format("unknown load problem code '{}'", name));
    return nullptr;
  }
  return std::make_unique<LoadProblemPrimitive>(*code);
}

}  // namespace ckptlint
