// SPDX-License-Identifier: Apache-2.0
// Modules stored in a quantization scheme other than MLX's (rules/quantization/*.scheme.yaml),
// against that scheme's description; the MLX triple has its own rules (rules/mlx).
//
//   check: incomplete   a module with the scheme's marker lacks a tensor the scheme requires
//                       (a partly quantized module: qweight without qzeros, absmax without
//                       its quant_state)
//          shape        a scheme tensor of a layout module whose dtype or shape is not the one
//                       the scheme derives from the float weight the config implies
//          undeclared   modules stored in a scheme the config does not declare (one match)
//          unknown      the config declares a quantization method no scheme describes (one
//                       match per checkpoint, whatever the tensors)
#include <fmt/format.h>

#include <set>

#include "analysis/analysis.h"
#include "primitives/primitive.h"
#include "util/shape_text.h"

namespace ckptlint {
namespace {

enum class Check { incomplete, shape, undeclared, unknown };

// What the config declares, as written: quantization_config.quant_method.
std::string declared_method(const Analysis& a) {
  if (a.config == nullptr || !a.config->is_object()) return "";
  auto qc = a.config->find("quantization_config");
  if (qc == a.config->end() || !qc->is_object()) return "";
  auto m = qc->find("quant_method");
  return m == qc->end() ? "" : render_value(*m);
}

class QuantSchemeModules final : public Primitive {
 public:
  explicit QuantSchemeModules(Check check) : check_(check) {}
  std::vector<std::string> fact_names() const override {
    return {"tensor", "module", "file", "scheme", "missing", "present", "dtype", "shape", "expected", "count",
            "example", "method", "declared"};
  }

  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (check_ == Check::unknown) return unknown(a, out);
    if (check_ == Check::undeclared) return undeclared(a, out);
    for (const auto& [module, m] : a.modules) {
      if (!m.other_scheme()) continue;
      const LayoutEntry* e = a.entry_for_module(module);
      SchemeModule sm;
      if (e != nullptr) {
        sm.shape = &e->shape;
        sm.dtype = e->dtype;
      }
      std::vector<SchemeExpectation> expected = expect_scheme(*m.scheme, sm, a.config);
      if (check_ == Check::incomplete) {
        std::string missing, present;
        for (const SchemeExpectation& x : expected) {
          if (m.part(x.tensor->suffix) != nullptr) present += (present.empty() ? "" : ", ") + x.tensor->suffix;
          else if (x.present && !x.tensor->optional) missing += (missing.empty() ? "" : ", ") + x.tensor->suffix;
        }
        if (missing.empty()) continue;
        const std::string first = module + "." + missing.substr(0, missing.find(','));
        Match match;
        match.location = location_at(m.file, module + "." + present.substr(0, present.find(',')));
        match.facts = {{"tensor", first}, {"module", module}, {"file", m.file}, {"scheme", m.scheme->name},
                       {"missing", missing}, {"present", present}};
        out.push_back(std::move(match));
        continue;
      }
      if (e == nullptr) continue;  // no float shape to derive the scheme's from
      for (const SchemeExpectation& x : expected) {
        const TensorInfo* t = m.part(x.tensor->suffix);
        if (t == nullptr) continue;
        const std::string dtype(to_string(t->dtype));
        bool dtype_ok = x.dtype.empty() || x.dtype == dtype;
        bool shape_ok = !x.shape || *x.shape == t->shape;
        if (dtype_ok && shape_ok) continue;
        Match match;
        match.location = location_at(m.file, t->name);
        match.facts = {{"tensor", t->name}, {"module", module}, {"file", m.file}, {"scheme", m.scheme->name},
                       {"dtype", dtype}, {"shape", typed_shape_text(dtype, t->shape)},
                       {"expected", x.shape ? typed_shape_text(x.dtype.empty() ? dtype : x.dtype, *x.shape)
                                            : (x.dtype.empty() ? dtype : x.dtype)}};
        out.push_back(std::move(match));
      }
    }
  }

 private:
  void unknown(const Analysis& a, MatchSink& out) const {
    const std::string method = declared_method(a);
    if (method.empty() || a.schemes == nullptr || !declared_schemes(*a.schemes, *a.config).empty()) return;
    Match match;
    match.location = location_at("config.json", "", "/quantization_config/quant_method");
    match.facts = {{"file", "config.json"}, {"method", method}};
    out.push_back(std::move(match));
  }

  void undeclared(const Analysis& a, MatchSink& out) const {
    // Schemes with the same marker (GPTQ and AWQ's qweight) are told apart by the config
    // only: without one, every scheme whose marker a module has is named.
    std::map<std::string, std::pair<std::size_t, std::string>> by_scheme;  // scheme(s) -> count, example module
    for (const auto& [module, m] : a.modules) {
      if (!m.other_scheme()) continue;
      std::string names;
      for (const auto& s : *a.schemes) {
        bool marked = false;
        for (const SchemeTensor& t : s->tensors) marked = marked || (t.marker && !s->mlx && m.part(t.suffix) != nullptr);
        if (marked) names += (names.empty() ? "" : " or ") + s->name;
      }
      // No marker left (marker: by-dtype): the module was taken for its declared scheme.
      if (names.empty()) names = m.scheme->name;
      auto& [count, example] = by_scheme[names];
      if (count++ == 0) example = module;
    }
    if (by_scheme.empty() || a.schemes == nullptr) return;
    std::vector<const QuantScheme*> declared;
    if (a.config != nullptr && a.schemes != nullptr) declared = declared_schemes(*a.schemes, *a.config);
    std::string declared_names;
    for (const QuantScheme* s : declared) declared_names += (declared_names.empty() ? "" : ", ") + s->name;
    for (const auto& [scheme, n] : by_scheme) {
      bool ok = false;
      for (const QuantScheme* s : declared) ok = ok || scheme.find(s->name) != std::string::npos;
      if (ok) continue;
      const std::string method = declared_method(a);
      Match match;
      match.location = location_at("config.json", "", method.empty() ? "" : "/quantization_config");
      match.facts = {{"file", "config.json"}, {"scheme", scheme}, {"count", std::to_string(n.first)},
                     {"example", n.second}, {"method", method.empty() ? "none" : method},
                     {"declared", declared_names.empty() ? "no quantization" : declared_names}};
      out.push_back(std::move(match));
    }
  }

  Check check_;
};

}  // namespace

std::unique_ptr<Primitive> make_quant_scheme_modules(PrimitiveArgs& with) {
  with.allow_only({"check"});
  std::string check = with.string("check", true);
  if (check == "incomplete") return std::make_unique<QuantSchemeModules>(Check::incomplete);
  if (check == "shape") return std::make_unique<QuantSchemeModules>(Check::shape);
  if (check == "undeclared") return std::make_unique<QuantSchemeModules>(Check::undeclared);
  if (check == "unknown") return std::make_unique<QuantSchemeModules>(Check::unknown);
  if (!check.empty()) with.error(with.node()["check"], "check must be incomplete, shape, undeclared or unknown");
  return nullptr;
}

}  // namespace ckptlint
