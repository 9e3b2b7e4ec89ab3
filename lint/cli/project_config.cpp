// SPDX-License-Identifier: Apache-2.0
#include "cli/project_config.h"

#include <fmt/format.h>

#include <filesystem>

#include "rules/rule_documents.h"

namespace ckptlint {
namespace fs = std::filesystem;
namespace {

constexpr std::uint64_t kMaxConfigBytes = 1u << 20;

// `path` is `dir` or inside it (both canonical).
bool within(const fs::path& path, const fs::path& dir) {
  auto [d, p] = std::mismatch(dir.begin(), dir.end(), path.begin(), path.end());
  return d == dir.end();
}

struct ConfigError {
  const DocNode& at;
  std::string message;
};

std::vector<std::string> strings(const DocNode& v) {
  std::vector<std::string> out;
  if (v.is_scalar()) {
    out.push_back(v.scalar());
  } else if (v.is_sequence()) {
    for (const DocNode& item : v.items()) {
      if (!item.is_scalar()) throw ConfigError{item, "expected a string"};
      out.push_back(item.scalar());
    }
  } else if (v.has_value()) {
    throw ConfigError{v, "expected a string or a list of strings"};
  }
  return out;
}

const std::string& scalar(const DocNode& v, const char* what) {
  if (!v.is_scalar()) throw ConfigError{v, fmt::format("{} must be a string", what)};
  return v.scalar();
}

}  // namespace

std::string find_project_config(const std::vector<std::string>& checked) {
  std::error_code ec;
  std::vector<fs::path> untrusted;
  for (const std::string& c : checked) {
    if (c.find("://") != std::string::npos) continue;  // remote: nothing on this disk
    fs::path p = fs::weakly_canonical(fs::absolute(c, ec), ec);
    if (ec) continue;
    // A checked file's directory is the checkpoint it belongs to (`cd model && ckptlint
    // check model.safetensors`): untrusted as a whole.
    if (!fs::is_directory(p, ec)) p = p.parent_path();
    untrusted.push_back(p);
  }
  fs::path dir = fs::weakly_canonical(fs::current_path(ec), ec);
  if (ec) return "";
  for (int depth = 0; depth < 256 && !dir.empty(); ++depth) {
    bool inside = false;
    for (const fs::path& u : untrusted) inside = inside || within(dir, u);
    fs::path candidate = dir / ".ckptlint.yaml";
    if (!inside && fs::is_regular_file(candidate, ec)) return candidate.string();
    if (dir == dir.root_path()) break;
    dir = dir.parent_path();
  }
  return "";
}

std::optional<ProjectConfig> read_project_config(const std::string& path, std::string& error) {
  ProjectConfig c;
  c.path = path;
  const fs::path base = fs::path(path).parent_path();
  std::vector<RuleError> errors;
  std::optional<DocNode> root = read_yaml_document(path, kMaxConfigBytes, errors);
  if (!root) {
    error = to_string(errors.front());
    return std::nullopt;
  }
  try {
    if (!root->is_map() && !root->is_null()) throw ConfigError{*root, "the file must be a mapping"};
    for (const auto& [k, v] : root->members()) {
      const std::string& key = k.scalar();
      if (key == "select") {
        c.select = strings(v);
        c.line_of_select = k.line() + 1;
      } else if (key == "ignore") {
        c.ignore = strings(v);
        c.line_of_ignore = k.line() + 1;
      } else if (key == "rules") {
        for (const std::string& d : strings(v)) c.rule_dirs.push_back((base / d).string());
      } else if (key == "baseline") {
        c.baseline = (base / scalar(v, "baseline")).string();
      } else if (key == "fail-on") {
        c.fail_on = severity_from_string(scalar(v, "fail-on"));
        if (!c.fail_on) throw ConfigError{v, "fail-on must be error, warning or info"};
      } else if (key == "severity") {
        if (!v.is_map()) throw ConfigError{v, "severity must map rule ids to error, warning or info"};
        c.line_of_severity = k.line() + 1;
        for (const auto& [id, level] : v.members()) {
          auto s = level.is_scalar() ? severity_from_string(level.scalar()) : std::nullopt;
          if (!s) throw ConfigError{level, "severity must be error, warning or info"};
          c.severity[id.scalar()] = *s;
        }
      } else {
        throw ConfigError{k, "unknown key '" + key + "' (select, ignore, fail-on, baseline, rules, severity)"};
      }
    }
  } catch (const ConfigError& e) {
    error = fmt::format("{}:{}:{}: {}", path, e.at.line() + 1, e.at.column() + 1, e.message);
    return std::nullopt;
  }
  return c;
}

}  // namespace ckptlint
