// SPDX-License-Identifier: Apache-2.0
#include "json/json_edit.h"

#include <cstdint>

namespace ckptlint {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// One member of an object: where its key starts, where its value starts and ends.
struct Member {
  std::string key;
  std::size_t key_begin = 0;
  std::size_t value_begin = 0, value_end = 0;
};

// Walks a JSON text by byte positions. The texts are files ckptlint already read with its
// strict reader, so this only needs to find spans, not to diagnose; it still refuses what it
// cannot walk (and nests at most 64 levels).
class Spans {
 public:
  explicit Spans(std::string_view s) : s_(s) {}

  std::size_t skip_space(std::size_t p) const {
    while (p < s_.size() && is_space(s_[p])) ++p;
    return p;
  }

  // The end of the value that starts at `p` (after space), or npos.
  std::size_t value_end(std::size_t p, int depth = 0) const {
    p = skip_space(p);
    if (p >= s_.size() || depth > 64) return npos;
    char c = s_[p];
    if (c == '"') return string_end(p);
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      p = skip_space(p + 1);
      if (p < s_.size() && s_[p] == close) return p + 1;
      while (p < s_.size()) {
        if (c == '{') {
          p = string_end(skip_space(p));
          if (p == npos) return npos;
          p = skip_space(p);
          if (p >= s_.size() || s_[p] != ':') return npos;
          ++p;
        }
        p = value_end(p, depth + 1);
        if (p == npos) return npos;
        p = skip_space(p);
        if (p < s_.size() && s_[p] == ',') {
          ++p;
          continue;
        }
        return p < s_.size() && s_[p] == close ? p + 1 : npos;
      }
      return npos;
    }
    // A number, true, false or null: up to the next delimiter.
    std::size_t q = p;
    while (q < s_.size() && !is_space(s_[q]) && s_[q] != ',' && s_[q] != '}' && s_[q] != ']') ++q;
    return q > p ? q : npos;
  }

  // The end of the string that starts at `p` (its opening quote), or npos.
  std::size_t string_end(std::size_t p) const {
    if (p >= s_.size() || s_[p] != '"') return npos;
    for (++p; p < s_.size(); ++p) {
      if (s_[p] == '\\') ++p;
      else if (s_[p] == '"') return p + 1;
    }
    return npos;
  }

  // The members of the object at `p` (after space), with their keys decoded; nothing when
  // the value there is no object.
  std::optional<std::vector<Member>> members(std::size_t p) const {
    p = skip_space(p);
    if (p >= s_.size() || s_[p] != '{') return std::nullopt;
    std::vector<Member> out;
    p = skip_space(p + 1);
    if (p < s_.size() && s_[p] == '}') return out;
    while (p < s_.size()) {
      Member m;
      m.key_begin = skip_space(p);
      std::size_t key_end = string_end(m.key_begin);
      if (key_end == npos) return std::nullopt;
      m.key = decode(s_.substr(m.key_begin + 1, key_end - m.key_begin - 2));
      p = skip_space(key_end);
      if (p >= s_.size() || s_[p] != ':') return std::nullopt;
      m.value_begin = skip_space(p + 1);
      m.value_end = value_end(m.value_begin);
      if (m.value_end == npos) return std::nullopt;
      out.push_back(std::move(m));
      p = skip_space(out.back().value_end);
      if (p < s_.size() && s_[p] == ',') {
        ++p;
        continue;
      }
      if (p < s_.size() && s_[p] == '}') return out;
      return std::nullopt;
    }
    return std::nullopt;
  }

  // The start of element `index` of the array at `p`, or npos.
  std::size_t element(std::size_t p, std::size_t index) const {
    p = skip_space(p);
    if (p >= s_.size() || s_[p] != '[') return npos;
    p = skip_space(p + 1);
    for (std::size_t i = 0; p < s_.size() && s_[p] != ']'; ++i) {
      if (i == index) return p;
      p = skip_space(value_end(p));
      if (p >= s_.size() || s_[p] != ',') return npos;
      p = skip_space(p + 1);
    }
    return npos;
  }

  static constexpr std::size_t npos = std::string_view::npos;

 private:
  // JSON string escapes decoded (keys are compared decoded); \u escapes as UTF-8.
  static std::string decode(std::string_view raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '\\' || i + 1 >= raw.size()) {
        out += raw[i];
        continue;
      }
      char e = raw[++i];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          unsigned cp = 0;
          bool hex = i + 4 < raw.size();
          for (std::size_t k = 1; hex && k <= 4; ++k) {
            char h = raw[i + k];
            int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
            hex = d >= 0;
            cp = cp * 16 + static_cast<unsigned>(d < 0 ? 0 : d);
          }
          if (!hex) {
            out += 'u';
            break;
          }
          i += 4;
          if (cp < 0x80) out += static_cast<char>(cp);
          else if (cp < 0x800) out += {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
          else out += {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
          break;
        }
        default: out += e;
      }
    }
    return out;
  }

  std::string_view s_;
};

// Where a path leads: the value's span, or for a missing last key the object to insert into.
struct Found {
  std::size_t value_begin = Spans::npos, value_end = Spans::npos;
  std::size_t parent = Spans::npos;  ///< start of the object or array holding the value
  std::vector<Member> siblings;      ///< the parent object's members (objects only)
  std::size_t index = Spans::npos;   ///< the value's place among `siblings`
};

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<Found> find(const Spans& spans, std::string_view text, const std::vector<std::string>& path, std::string& error) {
  Found f;
  f.value_begin = spans.skip_space(0);
  f.value_end = spans.value_end(f.value_begin);
  if (f.value_end == Spans::npos) {
    error = "the file is not JSON";
    return std::nullopt;
  }
  for (std::size_t step = 0; step < path.size(); ++step) {
    const std::string& key = path[step];
    const bool last = step + 1 == path.size();
    if (auto members = spans.members(f.value_begin)) {
      Found next;
      next.parent = f.value_begin;
      next.siblings = std::move(*members);
      for (std::size_t i = 0; i < next.siblings.size(); ++i) {
        if (next.siblings[i].key == key) {
          next.index = i;
          next.value_begin = next.siblings[i].value_begin;
          next.value_end = next.siblings[i].value_end;
        }
      }
      if (next.index == Spans::npos && !last) {
        error = "no '" + key + "' in the file";
        return std::nullopt;
      }
      f = std::move(next);
    } else if (text[f.value_begin] == '[' && all_digits(key) && key.size() < 10) {
      std::size_t at = spans.element(f.value_begin, std::stoul(key));
      if (at == Spans::npos) {
        error = "no element " + key + " in the array";
        return std::nullopt;
      }
      Found next;
      next.parent = f.value_begin;
      next.value_begin = at;
      next.value_end = spans.value_end(at);
      f = std::move(next);
    } else {
      error = "'" + key + "' is not inside an object or array";
      return std::nullopt;
    }
  }
  return f;
}

// The whitespace a member of this object starts its line with ("\n    "), from its first
// member, or from the object's own line plus two spaces for an empty object.
std::string member_lead(std::string_view text, const Found& f) {
  if (!f.siblings.empty()) {
    std::size_t k = f.siblings.front().key_begin, b = k;
    while (b > f.parent + 1 && is_space(text[b - 1])) --b;
    return std::string(text.substr(b, k - b));
  }
  std::size_t line = text.rfind('\n', f.parent);
  std::size_t start = line == std::string_view::npos ? 0 : line + 1, indent = start;
  while (indent < f.parent && (text[indent] == ' ' || text[indent] == '\t')) ++indent;
  return "\n" + std::string(text.substr(start, indent - start)) + "  ";
}

// What separates a key from its value in this object (": " or ":").
std::string colon_style(std::string_view text, const Found& f) {
  if (f.siblings.empty()) return ": ";
  const Member& m = f.siblings.front();
  std::size_t colon = text.find(':', m.key_begin + 1 + m.key.size());
  return colon != std::string_view::npos && colon + 1 < m.value_begin ? std::string(text.substr(colon, m.value_begin - colon)) : ":";
}

std::string quoted(const std::string& key) {
  std::string out = "\"";
  for (char c : key) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::optional<std::string> apply_one(std::string text, const JsonEdit& e, std::string& error) {
  Spans spans(text);
  std::optional<Found> f = find(spans, text, e.path, error);
  if (!f) return std::nullopt;
  if (e.op == JsonEdit::Op::set) {
    if (f->value_begin != Spans::npos) return text.replace(f->value_begin, f->value_end - f->value_begin, e.value);
    // Insert after the last member (or into the empty object), in the object's own style.
    std::string member = member_lead(text, *f) + quoted(e.path.back()) + colon_style(text, *f) + e.value;
    if (!f->siblings.empty()) return text.insert(f->siblings.back().value_end, "," + member);
    std::size_t close = text.find('}', f->parent);
    std::size_t line = text.rfind('\n', f->parent);
    std::size_t start = line == std::string::npos ? 0 : line + 1, indent = start;
    while (indent < f->parent && (text[indent] == ' ' || text[indent] == '\t')) ++indent;
    return text.replace(f->parent + 1, close - f->parent - 1, member + "\n" + text.substr(start, indent - start));
  }
  if (f->value_begin == Spans::npos) return text;  // removing what is not there: nothing to do
  if (f->index == Spans::npos) {
    error = "only object members can be removed";
    return std::nullopt;
  }
  // The member with the comma before it (the comma after it, for the first member).
  const std::vector<Member>& s = f->siblings;
  std::size_t i = f->index, begin, end;
  if (i > 0) {
    begin = s[i - 1].value_end;
    end = s[i].value_end;
  } else if (s.size() > 1) {
    begin = s[0].key_begin;
    end = s[1].key_begin;
  } else {
    begin = f->parent + 1;
    end = spans.skip_space(s[0].value_end);
  }
  return text.erase(begin, end - begin);
}

}  // namespace

std::optional<std::string> apply_json_edits(std::string_view text, const std::vector<JsonEdit>& edits, std::string& error) {
  std::string out(text);
  for (const JsonEdit& e : edits) {
    std::optional<std::string> next = apply_one(std::move(out), e, error);
    if (!next) return std::nullopt;
    out = std::move(*next);
  }
  return out;
}

std::optional<std::string> json_value_text(std::string_view text, const std::vector<std::string>& path) {
  Spans spans(text);
  std::string error;
  std::optional<Found> f = find(spans, text, path, error);
  if (!f || f->value_begin == Spans::npos) return std::nullopt;
  return std::string(text.substr(f->value_begin, f->value_end - f->value_begin));
}

}  // namespace ckptlint
