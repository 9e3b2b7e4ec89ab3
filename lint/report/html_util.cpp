// SPDX-License-Identifier: Apache-2.0
#include "report/html_util.h"

#include "util/display_text.h"

namespace ckptlint::html {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_raw(std::string_view text) { return escape(display_text(text, 4096)); }

}  // namespace ckptlint::html
