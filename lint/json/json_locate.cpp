// SPDX-License-Identifier: Apache-2.0
#include "json/json_locate.h"

#include <cctype>
#include <vector>

namespace ckptlint {
namespace {

// A forward-only scanner over (possibly hostile) JSON text: it never recurses, so nesting
// depth costs nothing, and it gives up on anything malformed.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : t_(text) {}
  std::size_t pos = 0;

  void ws() {
    while (pos < t_.size() && std::isspace(static_cast<unsigned char>(t_[pos]))) ++pos;
  }
  bool peek(char c) {
    ws();
    return pos < t_.size() && t_[pos] == c;
  }
  // Reads a string at pos (raw, escapes kept as written but decoded for \" \\ \/ only).
  std::optional<std::string> string() {
    if (!peek('"')) return std::nullopt;
    std::string out;
    for (++pos; pos < t_.size(); ++pos) {
      char c = t_[pos];
      if (c == '"') {
        ++pos;
        return out;
      }
      if (c == '\\' && pos + 1 < t_.size()) {
        char e = t_[++pos];
        out += (e == 'n' ? '\n' : e == 't' ? '\t' : e);
        continue;
      }
      out += c;
    }
    return std::nullopt;
  }
  // Skips one value of any depth.
  bool skip_value() {
    ws();
    int depth = 0;
    while (pos < t_.size()) {
      char c = t_[pos];
      if (c == '"') {
        if (!string()) return false;
      } else if (c == '{' || c == '[') {
        ++depth;
        ++pos;
      } else if (c == '}' || c == ']') {
        if (depth == 0) return true;  // end of the enclosing container
        --depth;
        ++pos;
      } else if (c == ',' && depth == 0) {
        return true;
      } else {
        ++pos;
      }
      if (depth == 0 && (c == '"' || c == '}' || c == ']')) {
        return true;
      }
    }
    return depth == 0;
  }

 private:
  std::string_view t_;
};

std::vector<std::string> tokens(const std::string& pointer) {
  std::vector<std::string> out;
  std::size_t i = 1;
  while (i <= pointer.size() && !pointer.empty()) {
    std::size_t slash = pointer.find('/', i);
    std::string raw = pointer.substr(i, slash == std::string::npos ? std::string::npos : slash - i);
    std::string token;
    for (std::size_t k = 0; k < raw.size(); ++k) {
      if (raw[k] == '~' && k + 1 < raw.size()) token += raw[++k] == '1' ? '/' : '~';
      else token += raw[k];
    }
    out.push_back(token);
    if (slash == std::string::npos) break;
    i = slash + 1;
  }
  return out;
}

TextPosition position_of(std::string_view text, std::size_t offset) {
  TextPosition p;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

}  // namespace

std::optional<TextPosition> locate_json_pointer(std::string_view text, const std::string& pointer) {
  Scanner s(text);
  s.ws();
  std::size_t found = s.pos;
  for (const std::string& token : tokens(pointer)) {
    if (s.peek('{')) {
      ++s.pos;
      bool hit = false;
      while (!hit) {
        s.ws();
        std::size_t at = s.pos;
        auto name = s.string();
        if (!name || !s.peek(':')) return position_of(text, found);
        ++s.pos;
        if (*name == token) {
          found = at;
          hit = true;
          s.ws();
          break;
        }
        if (!s.skip_value()) return position_of(text, found);
        if (!s.peek(',')) return position_of(text, found);
        ++s.pos;
      }
    } else if (s.peek('[')) {
      ++s.pos;
      std::size_t index = 0, wanted = 0;
      for (char c : token) {
        if (!std::isdigit(static_cast<unsigned char>(c)) || wanted > 1000000) return position_of(text, found);
        wanted = wanted * 10 + static_cast<std::size_t>(c - '0');
      }
      while (index < wanted) {
        if (!s.skip_value() || !s.peek(',')) return position_of(text, found);
        ++s.pos;
        ++index;
      }
      s.ws();
      found = s.pos;
    } else {
      return position_of(text, found);
    }
  }
  return position_of(text, found);
}

std::string escape_pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string dotted_to_pointer(const std::string& dotted) {
  if (!dotted.empty() && dotted[0] == '/') return dotted;
  std::string out = "/";
  for (char c : dotted) {
    if (c == '.') out += '/';
    else if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

}  // namespace ckptlint
