// SPDX-License-Identifier: Apache-2.0
// Fires once, at the checkpoint itself, whenever its rule applies: a note about the run
// rather than the files (what could not be checked, and why). The rule's `applies-to.when`
// says when; facts are named expressions for the message.
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class RunNote final : public Primitive {
 public:
  explicit RunNote(std::vector<std::pair<std::string, Expr>> facts) : facts_(std::move(facts)) {}

  std::vector<std::string> fact_names() const override {
    std::vector<std::string> names = {"file"};
    for (const auto& [name, e] : facts_) names.push_back(name);
    return names;
  }

  void run(const RunContext& context, MatchSink& out) const override {
    Match m;
    m.location.file = ".";
    m.facts.emplace_back("file", ".");
    for (const auto& [name, e] : facts_) m.facts.emplace_back(name, render_value(e.eval(context.scope)));
    out.push_back(std::move(m));
  }

 private:
  std::vector<std::pair<std::string, Expr>> facts_;
};

}  // namespace

std::unique_ptr<Primitive> make_run_note(PrimitiveArgs& with) {
  with.allow_only({"facts"});
  return std::make_unique<RunNote>(with.expressions("facts"));
}

}  // namespace ckptlint
