// SPDX-License-Identifier: Apache-2.0
// The fuzzed entry points, one per untrusted input. libFuzzer binaries (tests/fuzz/*_fuzzer.cpp)
// call them; fuzz_regressions_test replays every saved input through them in the normal suite.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ckptlint::fuzz {

/// Raw bytes as a whole .safetensors file.
void safetensors_header(const std::uint8_t* data, std::size_t size);
/// Bytes as model.safetensors.index.json in a scratch directory.
void index_file(const std::uint8_t* data, std::size_t size);
/// Bytes as config.json: parsed, then the Gemma 4 layout expanded and quantized from it.
void config_file(const std::uint8_t* data, std::size_t size);
/// Bytes as a YAML rule or layout file, loaded with full validation.
void rule_file(const std::uint8_t* data, std::size_t size);
/// Bytes as adapter_config.json beside a small fixed adapter weights file: dialect detection,
/// target patterns (regular expressions from the file) and every adapter rule.
void adapter_config(const std::uint8_t* data, std::size_t size);
/// First line an expression, the rest a JSON config to evaluate it against.
void expression(const std::uint8_t* data, std::size_t size);
/// Bytes as the Hub's file listing of a repository (the answer of a hostile server).
void hub_listing(const std::uint8_t* data, std::size_t size);

/// The targets by name, for the runner and the regression test.
struct Target {
  const char* name;
  void (*run)(const std::uint8_t*, std::size_t);
};
const std::vector<Target>& targets();

}  // namespace ckptlint::fuzz
