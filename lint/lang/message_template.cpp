// SPDX-License-Identifier: Apache-2.0
#include "lang/message_template.h"

#include <cctype>

#include "util/display_text.h"

namespace ckptlint {
namespace {

// A fact in a message is cut here (a list of modules fits; a 90 MB tensor name does not).
constexpr std::size_t kMaxFactDisplay = 4096;

}  // namespace

std::optional<MessageTemplate> MessageTemplate::parse(const std::string& text, std::string& error, int& column) {
  MessageTemplate t;
  std::string literal;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '}' ) {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal += '}';
        ++i;
        continue;
      }
      error = "unmatched '}' (write '}}' for a literal brace)";
      column = static_cast<int>(i);
      return std::nullopt;
    }
    if (c != '{') {
      literal += c;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      ++i;
      continue;
    }
    std::size_t close = text.find('}', i);
    if (close == std::string::npos) {
      error = "unterminated placeholder";
      column = static_cast<int>(i);
      return std::nullopt;
    }
    std::string inside = text.substr(i + 1, close - i - 1);
    bool grouped = false;
    if (std::size_t colon = inside.find(':'); colon != std::string::npos) {
      if (inside.substr(colon + 1) != "n") {
        error = "unknown format '" + inside.substr(colon + 1) + "' (only ':n' is supported)";
        column = static_cast<int>(i + 1 + colon);
        return std::nullopt;
      }
      grouped = true;
      inside = inside.substr(0, colon);
    }
    bool valid = !inside.empty();
    for (char k : inside) valid = valid && (std::isalnum(static_cast<unsigned char>(k)) || k == '_');
    if (!valid) {
      error = "placeholder '{" + inside + "}' is not a fact name";
      column = static_cast<int>(i);
      return std::nullopt;
    }
    if (!literal.empty()) t.pieces_.push_back({literal, false, false});
    literal.clear();
    t.pieces_.push_back({inside, true, grouped});
    t.names_.emplace_back(inside, static_cast<int>(i));
    i = close;
  }
  if (!literal.empty()) t.pieces_.push_back({literal, false, false});
  return t;
}

std::string MessageTemplate::render(const Facts& facts, bool display) const {
  std::string out;
  for (const Piece& p : pieces_) {
    if (!p.is_fact) {
      out += p.text;
      continue;
    }
    const std::string* value = nullptr;
    for (const auto& [k, v] : facts) {
      if (k == p.text) {
        value = &v;
        break;
      }
    }
    if (value == nullptr) out += "?";
    else if (p.grouped) out += group_digits(display ? display_text(*value, kMaxFactDisplay) : *value);
    else out += display ? display_text(*value, kMaxFactDisplay) : *value;
  }
  return out;
}

std::string group_digits(const std::string& number) {
  if (number.empty() || number.size() > 20) return number;
  for (char c : number) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return number;
  }
  std::string out;
  std::size_t lead = number.size() % 3;
  for (std::size_t i = 0; i < number.size(); ++i) {
    if (i != 0 && i >= lead && (i - lead) % 3 == 0) out += ',';
    out += number[i];
  }
  return out;
}

}  // namespace ckptlint
