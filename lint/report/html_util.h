// SPDX-License-Identifier: Apache-2.0
// Small helpers shared by the parts of the HTML report.
#pragma once
#include <string>
#include <string_view>

namespace ckptlint::html {

/// Text made safe for element content and quoted attribute values.
std::string escape(std::string_view text);

}  // namespace ckptlint::html
