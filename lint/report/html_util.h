// SPDX-License-Identifier: Apache-2.0
// Small helpers shared by the parts of the HTML report.
#pragma once
#include <string>
#include <string_view>

namespace ckptlint::html {

/// Text made safe for element content and quoted attribute values. For text already in
/// display form (a finding's message, the diagnosis).
std::string escape(std::string_view text);

/// Untrusted text (a tensor, file or config string): display-escaped first
/// (util/display_text.h: controls, bidi overrides, invalid UTF-8), then escape().
std::string escape_raw(std::string_view text);

}  // namespace ckptlint::html
