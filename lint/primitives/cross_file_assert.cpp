// SPDX-License-Identifier: Apache-2.0
// Fires once when an expression over the checkpoint's files is false: config.json and the
// side files as variables (analysis/side_vars.h), the family's token facts, the base's side
// files, and the tensors named in `tensors:` (tensor_vars.h). The cross-file comparisons of
// the side-file rules: config.json's eos_token_id against generation_config.json's, the chat
// template's turn terminator against the ids generation stops on, the embedding's rows
// against vocab_size. `file` (an expression) names the file the finding points at; facts are
// named expressions. Silent when `assert` is undefined, unless `undefined-fires: true`.
#include "primitives/primitive.h"
#include "primitives/tensor_vars.h"

namespace ckptlint {
namespace {

class CrossFileAssert final : public Primitive {
 public:
  CrossFileAssert(Expr check, Expr file, std::vector<std::pair<std::string, Expr>> facts, TensorGlobs tensors, bool undefined_fires)
      : check_(std::move(check)), file_(std::move(file)), facts_(std::move(facts)), tensors_(std::move(tensors)),
        undefined_fires_(undefined_fires) {}

  std::vector<std::string> fact_names() const override {
    std::vector<std::string> names = {"file"};
    for (const auto& [name, e] : facts_) names.push_back(name);
    return names;
  }

  void run(const RunContext& context, MatchSink& out) const override {
    Scope scope;
    scope.parent = &context.scope;
    bind_tensors(context, tensors_, scope.vars);
    nlohmann::json result = check_.eval(scope);
    if (result.is_null() && !undefined_fires_) return;
    if (truthy(result)) return;
    nlohmann::json file = file_.empty() ? nlohmann::json("config.json") : file_.eval(scope);
    Match m;
    m.location.file = file.is_string() && !file.get<std::string>().empty() ? file.get<std::string>() : ".";
    m.facts.emplace_back("file", m.location.file);
    for (const auto& [name, e] : facts_) m.facts.emplace_back(name, render_value(e.eval(scope)));
    out.push_back(std::move(m));
  }

 private:
  Expr check_, file_;
  std::vector<std::pair<std::string, Expr>> facts_;
  TensorGlobs tensors_;
  bool undefined_fires_;
};

}  // namespace

std::unique_ptr<Primitive> make_cross_file_assert(PrimitiveArgs& with) {
  with.allow_only({"assert", "file", "facts", "tensors", "undefined-fires"});
  Expr check = with.expression("assert", true);
  Expr file = with.expression("file", false);
  auto facts = with.expressions("facts");
  TensorGlobs tensors = tensor_globs(with);
  bool undefined_fires = with.string("undefined-fires", false, "false") == "true";
  if (check.empty()) return nullptr;
  return std::make_unique<CrossFileAssert>(std::move(check), std::move(file), std::move(facts), std::move(tensors), undefined_fires);
}

}  // namespace ckptlint
