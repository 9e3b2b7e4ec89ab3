// SPDX-License-Identifier: Apache-2.0
#include "cli/layout_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <sstream>

#include "checkpoint/json_file.h"
#include "ckptlint/checkpoint.h"
#include "layout/expected_tensors.h"
#include "lang/message_template.h"
#include "mlx/quant_config.h"
#include "mlx/quant_scheme.h"
#include "rules/rule_packs.h"
#include "cli/report_output.h"
#include "util/checked.h"
#include "util/display_text.h"
#include "util/shape_text.h"

namespace ckptlint {
namespace {

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// One line of the text listing: the name padded to 72 columns, the dtype to 5, the shape.
// Padded by hand: fmt measures the display width of every padded string, which made the
// listing of an E4B (2,896 lines) cost more than expanding the layout. Names with
// non-ASCII bytes keep fmt's width rules.
void append_row(std::string& text, const ExpectedTensor& t) {
  if (!is_ascii(t.name) || !is_ascii(t.dtype)) {
    text += fmt::format("{:<72} {:<5} ", display_text(t.name), display_text(t.dtype));
  } else {
    text += t.name;
    text.append(t.name.size() < 72 ? 72 - t.name.size() : 0, ' ');
    text += ' ';
    text += t.dtype;
    text.append(t.dtype.size() < 5 ? 5 - t.dtype.size() : 0, ' ');
    text += ' ';
  }
  text += shape_text(t.shape);
  if (t.optional) text += " (optional)";
  text += '\n';
}

}  // namespace

std::optional<std::string> render_layout(const Options& o, const RuleSet& rules, std::vector<std::string>& errors) {
  JsonFileError error;
  auto config = read_json_object(o.positional[0], 16u << 20, error);
  if (!config) {
    errors.push_back(fmt::format("'{}' is not a JSON object: {}", display_text(o.positional[0], 1024), display_text(error.error, 1024)));
    return std::nullopt;
  }
  const std::vector<std::string> types = config_model_types(config->dom);
  const LayoutModel* model = layout_for(rules.packs().layouts, types, &config->dom);
  if (model == nullptr) {
    // A model of these types whose applies-to.when left this config out says so.
    if (const LayoutModel* excluded = layout_for(rules.packs().layouts, types)) {
      errors.push_back(fmt::format("the layout model '{}' does not describe this config (applies-to.when: {}); it is not modelled",
                                   excluded->name, excluded->when.text()));
      return std::nullopt;
    }
    errors.push_back(fmt::format("no layout model for model_type {}", types.empty() ? "(none)" : display_text(fmt::format("{}", fmt::join(types, ", ")), 256)));
    return std::nullopt;
  }
  const std::string variant = o.variant.empty() ? default_variant_for(*model, config->dom) : o.variant;
  Layout layout = expand_layout(*model, config->dom, variant);
  // A layout the config cannot fully expand is no answer: listing the part that expanded
  // would read as the whole model.
  for (const std::string& p : layout.problems) errors.push_back(display_text(p, 1024));
  if (!layout.problems.empty() || layout.entries.empty()) {
    errors.push_back(fmt::format("the {} layout cannot be expanded from '{}'", model->name, display_text(o.positional[0], 1024)));
    return std::nullopt;
  }
  std::string recipe = o.recipe.empty() ? model->body().default_recipe : o.recipe;
  std::string recipe_error;
  std::vector<ExpectedTensor> tensors = expected_tensors(*model, layout, config->dom, recipe, recipe_error, rules.packs().layouts.schemes);
  if (!recipe_error.empty()) {
    errors.push_back(recipe_error);
    return std::nullopt;
  }
  // What decided which tensors are quantized, for the header: a non-MLX scheme the config
  // declares (its own `quantizes`), the MLX section with the recipe, or nothing (a float
  // config lists the same tensors under every recipe).
  const QuantScheme* other = declared_other_scheme(rules.packs().layouts.schemes, config->dom);
  const std::string quantized_by = other != nullptr                      ? other->name
                                   : QuantConfig::from(config->dom).present ? "recipe"
                                                                            : "none";
  const std::string storage = quantized_by == "recipe" ? "recipe " + recipe
                              : quantized_by == "none" ? std::string("not quantized")
                                                       : quantized_by + " as the config declares";
  std::uint64_t total = 0;
  // Saturates: many tensors of absurd (but bounded) sizes must not wrap to a plausible total.
  for (const ExpectedTensor& t : tensors) total = checked_add(total, t.nbytes()).value_or(UINT64_MAX);

  std::ostringstream out;
  if (o.format == "json") {
    nlohmann::ordered_json doc;
    doc["schema"] = "ckptlint-layout/1";
    doc["layout"] = model->name;
    doc["variant"] = variant;
    doc["recipe"] = recipe;
    doc["quantized_by"] = quantized_by;  // "recipe", "none" or the scheme's name
    doc["config"] = o.positional[0];
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const ExpectedTensor& t : tensors) {
      list.push_back({{"name", t.name}, {"dtype", t.dtype}, {"shape", t.shape}});
      if (t.optional) list.back()["optional"] = true;
    }
    doc["tensors"] = list;
    doc["count"] = tensors.size();
    doc["total_size"] = total;
    out << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } else {
    out << fmt::format("layout {} ({} keys, {}) for {}\n", model->name, variant, storage, display_text(o.positional[0], 1024));
    std::string text;
    for (const ExpectedTensor& t : tensors) append_row(text, t);
    out << text;
    out << fmt::format("{} tensors, {} bytes\n", group_digits(std::to_string(tensors.size())), group_digits(std::to_string(total)));
  }
  return out.str();
}

int run_layout_command(const Options& o, const RuleSet& rules) {
  std::vector<std::string> errors;
  std::optional<std::string> listing = render_layout(o, rules, errors);
  for (const std::string& e : errors) fmt::print(stderr, "ckptlint: {}\n", e);
  if (!listing) return 2;
  if (std::string error = write_output(o.output, *listing); !error.empty()) {
    fmt::print(stderr, "ckptlint: {}\n", error);
    return 2;
  }
  return 0;
}

}  // namespace ckptlint
