// SPDX-License-Identifier: Apache-2.0
// A fixture recipe written to disk and read back, run the way the CLI would run it: `check`,
// `check ADAPTER --base BASE` (recipe `base:`), or `diff BASE FUSED [--adapter]` (recipe
// `fuse:` or `diff-base:`).
#pragma once
#include <string>

#include "ckptlint/lint.h"
#include "recipe.h"

namespace ckptlint::testing {

struct LoadedRecipe {
  Checkpoint target;   ///< what is linted: the checkpoint, the adapter, or the fused side
  Checkpoint base;     ///< the adapter's base, or the diff's base
  Checkpoint adapter;  ///< the adapter of a fuse recipe
  bool has_base = false;
  bool has_adapter = false;
  bool is_diff = false;

  Report run(const RuleSet& rules, const RunOptions& options) const;
};

/// Materialises `recipe` into `dir` and loads what it wrote; failures are test failures.
/// The source tree's rule packs, loaded once per test binary; a problem in them fails the
/// test that loaded them first.
const RuleSet& source_rules();

void load_recipe(const fixtures::Recipe& recipe, const std::string& dir, LoadedRecipe& out);

/// A recipe given as YAML text (saved as `dir`/recipe.yaml and read back).
fixtures::Recipe recipe_from_text(const std::string& text, const std::string& dir);

}  // namespace ckptlint::testing
