// SPDX-License-Identifier: Apache-2.0
#include "cli/project_config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

namespace ckptlint {
namespace fs = std::filesystem;

std::string find_project_config(const std::string& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec);
  if (ec) return "";
  if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
  for (int depth = 0; depth < 64 && !dir.empty(); ++depth) {
    fs::path candidate = dir / ".ckptlint.yaml";
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
    if (dir == dir.root_path()) break;
    dir = dir.parent_path();
  }
  return "";
}

std::optional<ProjectConfig> read_project_config(const std::string& path, std::string& error) {
  ProjectConfig c;
  c.path = path;
  const fs::path base = fs::path(path).parent_path();
  try {
    YAML::Node root = YAML::LoadFile(path);
    if (!root.IsMap() && !root.IsNull()) throw YAML::Exception(root.Mark(), "the file must be a mapping");
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      auto list = [&] {
        std::vector<std::string> out;
        if (v.IsScalar()) out.push_back(v.Scalar());
        else for (const auto& item : v) out.push_back(item.Scalar());
        return out;
      };
      if (key == "select") c.select = list();
      else if (key == "ignore") c.ignore = list();
      else if (key == "rules") {
        for (const std::string& d : list()) c.rule_dirs.push_back((base / d).string());
      } else if (key == "baseline") {
        c.baseline = (base / v.Scalar()).string();
      } else if (key == "fail-on") {
        c.fail_on = severity_from_string(v.Scalar());
        if (!c.fail_on) throw YAML::Exception(v.Mark(), "fail-on must be error, warning or info");
      } else if (key == "severity") {
        if (!v.IsMap()) throw YAML::Exception(v.Mark(), "severity must map rule ids to error, warning or info");
        for (const auto& s : v) {
          auto level = severity_from_string(s.second.Scalar());
          if (!level) throw YAML::Exception(s.second.Mark(), "severity must be error, warning or info");
          c.severity[s.first.Scalar()] = *level;
        }
      } else {
        throw YAML::Exception(kv.first.Mark(), "unknown key '" + key + "' (select, ignore, fail-on, baseline, rules, severity)");
      }
    }
  } catch (const YAML::Exception& e) {
    error = fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg);
    return std::nullopt;
  }
  return c;
}

}  // namespace ckptlint
