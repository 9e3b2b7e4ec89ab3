// SPDX-License-Identifier: Apache-2.0
// Shard names PREFIX-XXXXX-of-YYYYY.safetensors must agree on YYYYY, and 1..YYYYY must all
// be present: mixed counts mean files from two different exports share a directory.
#include <fmt/format.h>

#include <map>
#include <set>

#include "primitives/primitive.h"

namespace ckptlint {
namespace {

// Parses "<prefix>-00001-of-00003.safetensors"; false for other names.
bool parse_shard_name(const std::string& name, std::string& prefix, int& number, int& total) {
  static const std::string kSuffix = ".safetensors";
  if (name.size() < kSuffix.size() + 16 || name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return false;
  }
  std::string stem = name.substr(0, name.size() - kSuffix.size());
  std::size_t of = stem.rfind("-of-");
  if (of == std::string::npos || of < 6 || stem[of - 6] != '-') return false;
  std::string a = stem.substr(of - 5, 5), b = stem.substr(of + 4);
  if (b.size() != 5) return false;
  for (char c : a + b) {
    if (c < '0' || c > '9') return false;
  }
  prefix = stem.substr(0, of - 6);
  number = std::stoi(a);
  total = std::stoi(b);
  return true;
}

class ShardNumbering final : public Primitive {
 public:
  std::vector<std::string> fact_names() const override { return {"file", "problem"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    std::map<std::string, std::map<int, std::set<int>>> by_prefix;  // prefix -> total -> numbers
    for (const std::string& f : context.checkpoint.files) {
      std::string prefix;
      int number = 0, total = 0;
      if (parse_shard_name(f, prefix, number, total)) by_prefix[prefix][total].insert(number);
    }
    for (const auto& [prefix, totals] : by_prefix) {
      std::string file = fmt::format("{}-*-of-*.safetensors", prefix);
      auto report = [&](const std::string& problem) {
        Match m;
        m.location = location_at(file, "");
        m.facts = {{"file", file}, {"problem", problem}};
        out.push_back(std::move(m));
      };
      if (totals.size() > 1) {
        std::string list;
        for (const auto& [total, numbers] : totals) list += (list.empty() ? "" : ", ") + fmt::format("{:05d}", total);
        report(fmt::format("shard names disagree on the shard count ({})", list));
        continue;
      }
      const auto& [total, numbers] = *totals.begin();
      std::string missing;
      for (int i = 1; i <= total && i <= 100000; ++i) {
        if (numbers.count(i) == 0) missing += (missing.empty() ? "" : ", ") + fmt::format("{:05d}", i);
      }
      for (int n : numbers) {
        if (n < 1 || n > total) report(fmt::format("shard number {:05d} is outside 1..{:05d}", n, total));
      }
      if (!missing.empty()) report(fmt::format("of {} shards, number(s) {} are not in the directory", total, missing));
    }
  }
};

}  // namespace

std::unique_ptr<Primitive> make_shard_numbering(PrimitiveArgs& with) {
  with.allow_only({});
  return std::make_unique<ShardNumbering>();
}

}  // namespace ckptlint
