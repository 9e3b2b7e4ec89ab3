// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: see fuzz_entry.h.
#include "fuzz_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ckptlint::fuzz::hub_listing(data, size);
  return 0;
}
