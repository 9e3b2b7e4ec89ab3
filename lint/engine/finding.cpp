// SPDX-License-Identifier: Apache-2.0
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <tuple>

#include "ckptlint/report.h"
#include "ckptlint/rule.h"

namespace ckptlint {
namespace {

constexpr std::array<const char*, 3> kSeverities = {"info", "warning", "error"};
constexpr std::array<const char*, 16> kClasses = {
    "corrupt-file",   "shard-index",   "quant-metadata", "mixed-quantization", "stale-config",   "key-naming",
    "kv-sharing",     "ple-quantized", "adapter-scale",  "adapter-mismatch",   "non-finite",     "fuse-drift",
    "loader-compat",  "stop-tokens",   "chat-template",  "vocabulary",
};

// PRODUCT.md §5, in the words a user reads under "why" in `ckptlint rules ID`.
constexpr std::array<const char*, kClasses.size()> kClassMeanings = {
    "a safetensors file is not a valid container: loaders reject it, or read it differently from each other",
    "the index and the shards disagree: loaders miss tensors, load stale ones, or refuse the checkpoint",
    "a quantized module is incomplete or inconsistent: it loads with the wrong shape or dequantizes to wrong weights",
    "a checkpoint partly dequantized by hand: the float layers lost their quantization while the config still declares it",
    "config.json disagrees with the tensors: tools that size or load the model from the config get it wrong",
    "keys in no known layout, or missing and unexpected tensors: loaders skip or reject them",
    "Gemma 4 KV-shared layers carry the wrong key/value set: loaders crash or drop weights",
    "the per-layer-embedding path is quantized: known to produce garbage at low bits",
    "the LoRA scale differs from what training applied, or cannot be known: the fused update is too strong or too weak",
    "the adapter does not fit its base or itself: pairs are skipped or applied to the wrong weights",
    "NaN or Inf in a float tensor: the model's outputs become NaN",
    "the fused model is not base + scale · B·A for the adapter given",
    "a valid file that a named loader refuses or reads differently",
    "generation will not stop, or stops wrongly: the ids it stops on, the tokenizer and the chat template disagree",
    "the chat template is missing where a loader looks, two copies differ, or it uses a token the tokenizer lacks",
    "token ids, vocab_size, the tokenizer and the embedding or lm_head rows disagree, or tie_word_embeddings contradicts the stored lm_head",
};
static_assert(kClassMeanings.size() == kClasses.size());

}  // namespace

const char* describe(FailureClass failure_class) { return kClassMeanings[static_cast<std::size_t>(failure_class)]; }

const char* to_string(Severity severity) { return kSeverities[static_cast<std::size_t>(severity)]; }
const char* to_string(FailureClass failure_class) { return kClasses[static_cast<std::size_t>(failure_class)]; }

std::optional<Severity> severity_from_string(const std::string& name) {
  for (std::size_t i = 0; i < kSeverities.size(); ++i) {
    if (name == kSeverities[i]) return static_cast<Severity>(i);
  }
  return std::nullopt;
}

std::optional<FailureClass> failure_class_from_string(const std::string& name) {
  for (std::size_t i = 0; i < kClasses.size(); ++i) {
    if (name == kClasses[i]) return static_cast<FailureClass>(i);
  }
  return std::nullopt;
}

std::vector<std::string> failure_class_names() { return {kClasses.begin(), kClasses.end()}; }

std::string to_string(const RuleError& error) {
  if (error.line == 0) return fmt::format("{}: {}", error.file, error.message);  // the file as a whole
  return fmt::format("{}:{}:{}: {}", error.file, error.line, error.column, error.message);
}

void sort_findings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.location.file, a.location.tensor, a.rule_id, a.message) <
           std::tie(b.location.file, b.location.tensor, b.rule_id, b.message);
  });
}

std::size_t count(const Report& report, Severity severity) {
  std::size_t n = static_cast<std::size_t>(std::count_if(report.findings.begin(), report.findings.end(),
                                                         [&](const Finding& f) { return f.severity == severity; }));
  for (const CappedFindings& c : report.capped) n += c.severity == severity ? c.omitted : 0;
  return n;
}

bool fails(const Report& report) {
  // Findings past the cap are not listed, but they were found: they decide as listed ones do.
  return std::any_of(report.findings.begin(), report.findings.end(), [&](const Finding& f) { return f.severity >= report.fail_on; }) ||
         std::any_of(report.capped.begin(), report.capped.end(), [&](const CappedFindings& c) { return c.severity >= report.fail_on && c.omitted > 0; });
}

int exit_code(const Report& report) { return fails(report) ? 1 : 0; }

}  // namespace ckptlint
