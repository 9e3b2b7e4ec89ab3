// SPDX-License-Identifier: Apache-2.0
#include "mlx/quant_scheme.h"

#include <fmt/format.h>

#include <set>

#include "lang/doc_reader.h"

namespace ckptlint {
namespace {

// A YAML value as JSON: quoted scalars stay strings, plain ones that read as numbers,
// booleans or null become those.
nlohmann::json to_json(const DocNode& n) {
  if (n.is_map()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : n.members()) out[k.scalar()] = to_json(v);
    return out;
  }
  if (n.is_sequence()) {
    nlohmann::json out = nlohmann::json::array();
    for (const DocNode& item : n.items()) out.push_back(to_json(item));
    return out;
  }
  if (!n.is_scalar()) return nullptr;
  const std::string& t = n.scalar();
  if (n.quoted()) return t;
  if (t == "true" || t == "false") return t == "true";
  if (t == "null" || t == "~") return nullptr;
  nlohmann::json number = nlohmann::json::parse(t, nullptr, false);
  return number.is_number() ? number : nlohmann::json(t);
}

class SchemeReader : DocReader {
 public:
  using DocReader::DocReader;

  std::shared_ptr<const QuantScheme> read(const DocNode& root) {
    if (!root.is_map()) {
      error(root, "a scheme file must be a mapping");
      return nullptr;
    }
    std::size_t before = errors().size();
    static const std::set<std::string> kKeys = {"scheme", "summary", "declared", "mlx", "let", "quantizes", "example-config",
                                                "tensors", "references"};
    for (const auto& kv : root.members()) {
      if (kKeys.count(kv.first.scalar()) == 0) error(kv.first, fmt::format("unknown key '{}'", kv.first.scalar()));
    }
    auto s = std::make_shared<QuantScheme>();
    s->source = file();
    s->name = root["scheme"].scalar();
    if (s->name.empty()) error(root, "missing 'scheme' (the scheme's name)");
    s->summary = root["summary"].scalar();
    if (auto e = expression(root["declared"], "declared")) s->declared = *e;
    s->mlx = root["mlx"].scalar() == "true";
    s->lets = expressions(root["let"], "let");
    if (root["example-config"].defined()) s->example_config = to_json(root["example-config"]);
    if (root["quantizes"].defined()) s->quantizes = expression(root["quantizes"], "quantizes").value_or(Expr{});
    if (!root["tensors"].is_sequence()) error(root, "missing 'tensors' (a list)");
    bool marker = false;
    for (const DocNode& t : root["tensors"].items()) {
      static const std::set<std::string> kTensorKeys = {"suffix", "dtype", "shape", "when", "optional", "marker"};
      for (const auto& kv : t.members()) {
        if (kTensorKeys.count(kv.first.scalar()) == 0) error(kv.first, fmt::format("unknown key '{}' in a scheme tensor", kv.first.scalar()));
      }
      SchemeTensor out;
      out.suffix = t["suffix"].scalar();
      if (out.suffix.empty() || out.suffix.front() == '.' || out.suffix.back() == '.') {
        error(t, "a scheme tensor needs a 'suffix' (the name after the module path, without the dot)");
      }
      if (t["dtype"].defined()) out.dtype = expression(t["dtype"], "dtype");
      if (t["shape"].defined()) {
        out.has_shape = true;
        if (!t["shape"].is_sequence()) error(t["shape"], "'shape' must be a list of expressions (the last dimensions)");
        for (const DocNode& d : t["shape"].items()) {
          if (auto e = expression(d, "shape")) out.shape.push_back(*e);
        }
      }
      if (t["when"].defined()) out.when = expression(t["when"], "when").value_or(Expr{});
      out.optional = t["optional"].scalar() == "true";
      const std::string& marks = t["marker"].scalar();
      out.marker = marks == "true";
      if (marks == "by-dtype") {
        nlohmann::json dtype = out.dtype ? out.dtype->eval(Scope{}) : nlohmann::json();
        if (dtype.is_string()) out.marker_dtype = dtype.get<std::string>();
        else error(t["marker"], "'marker: by-dtype' needs a constant 'dtype' (a quoted dtype name)");
      } else if (t["marker"].defined() && !out.marker && marks != "false") {
        error(t["marker"], "'marker' must be true, false or by-dtype");
      }
      marker = marker || out.marker;
      for (const SchemeTensor& other : s->tensors) {
        if (other.suffix == out.suffix) error(t, fmt::format("suffix '{}' twice", out.suffix));
      }
      s->tensors.push_back(std::move(out));
    }
    if (!marker && !s->tensors.empty()) error(root["tensors"], "no tensor is a 'marker' (what tells a module is stored in this scheme)");
    return errors().size() == before ? s : nullptr;
  }
};

}  // namespace

const SchemeTensor* QuantScheme::find(std::string_view suffix) const {
  for (const SchemeTensor& t : tensors) {
    if (t.suffix == suffix) return &t;
  }
  return nullptr;
}

std::shared_ptr<const QuantScheme> load_quant_scheme(const std::string& file, const DocNode& root,
                                                     std::vector<RuleError>& errors) {
  return SchemeReader(file, errors).read(root);
}

std::vector<const QuantScheme*> declared_schemes(const QuantSchemes& schemes, const nlohmann::json& config) {
  std::vector<const QuantScheme*> out;
  Scope scope;
  scope.config = &config;
  for (const auto& s : schemes) {
    if (!s->declared.empty() && s->declared.test(scope)) out.push_back(s.get());
  }
  return out;
}

const QuantScheme* declared_other_scheme(const QuantSchemes& schemes, const nlohmann::json& config) {
  for (const QuantScheme* s : declared_schemes(schemes, config)) {
    if (!s->mlx) return s;
  }
  return nullptr;
}

std::vector<SchemeExpectation> expect_scheme(const QuantScheme& scheme, const SchemeModule& module,
                                             const nlohmann::json* config, bool* quantizes) {
  static const std::vector<std::uint64_t> kNoShape;
  const std::vector<std::uint64_t>& float_shape = module.shape != nullptr ? *module.shape : kNoShape;
  const nlohmann::json& mlx = module.mlx;
  Scope scope;
  scope.config = config;
  const std::size_t rank = float_shape.size();
  scope.vars = module.labels;
  scope.vars.insert(scope.vars.end(),
               {{"in", rank >= 1 ? nlohmann::json(float_shape[rank - 1]) : nlohmann::json(nullptr)},
                {"out", rank >= 2 ? nlohmann::json(float_shape[rank - 2]) : nlohmann::json(1)},
                {"float", module.dtype},
                {"bits", mlx.is_object() && mlx.contains("bits") ? mlx["bits"] : nlohmann::json(nullptr)},
                {"group_size", mlx.is_object() && mlx.contains("group_size") ? mlx["group_size"] : nlohmann::json(nullptr)},
                {"mode", mlx.is_object() && mlx.contains("mode") ? mlx["mode"] : nlohmann::json(nullptr)}});
  for (const auto& [name, e] : scheme.lets) {
    nlohmann::json v = e.eval(scope);
    scope.vars.emplace_back(name, std::move(v));
  }
  if (quantizes != nullptr) {
    // The default: every linear but the output head (what HF quantizers leave alone).
    static const Expr kDefault = [] {
      std::string error;
      int column = 0;
      return *Expr::parse("module_kind == 'linear' and part != 'head'", error, column);
    }();
    *quantizes = (scheme.quantizes.empty() ? kDefault : scheme.quantizes).test(scope);
  }
  std::vector<SchemeExpectation> out;
  out.reserve(scheme.tensors.size());
  for (const SchemeTensor& t : scheme.tensors) {
    SchemeExpectation x;
    x.tensor = &t;
    x.present = t.when.empty() || t.when.test(scope);
    if (t.dtype) {
      nlohmann::json d = t.dtype->eval(scope);
      if (d.is_string()) x.dtype = d.get<std::string>();
    }
    if (t.has_shape) {
      // The leading dimensions (stacked experts) are the float weight's; the scheme gives the rest.
      std::vector<std::uint64_t> shape(float_shape.begin(), float_shape.begin() + static_cast<std::ptrdiff_t>(rank >= 2 ? rank - 2 : 0));
      bool ok = true;
      for (const Expr& d : t.shape) {
        nlohmann::json v = d.eval(scope);
        if (!v.is_number_integer() || v.get<std::int64_t>() < 0) {
          ok = false;
          break;
        }
        shape.push_back(v.get<std::uint64_t>());
      }
      if (ok) x.shape = std::move(shape);
    }
    out.push_back(std::move(x));
  }
  return out;
}

}  // namespace ckptlint
