// SPDX-License-Identifier: Apache-2.0
// The code side of a rule. A primitive knows how to find something in a checkpoint and
// reports where and with which facts; it never knows a rule id, a severity or wording.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lang/doc_node.h"
#include "lang/doc_reader.h"

#include "ckptlint/checkpoint.h"
#include "ckptlint/rule.h"
#include "lang/expr.h"

namespace ckptlint {

/// One place a primitive found.
struct Match {
  Location location;
  std::vector<Location> related;
  Facts facts;  ///< {"tensor", "lm_head.weight"}, {"begin", "4096"}
};

/// Where a primitive puts what it found. It keeps at most `cap_per_file` matches per file
/// and counts the rest, so that a hostile header of a million bad tensors costs a count,
/// not a million findings (memory and report size stay bounded, PRODUCT.md §12).
class MatchSink {
 public:
  explicit MatchSink(std::size_t cap_per_file = SIZE_MAX) : cap_(cap_per_file) {}
  void push_back(Match&& m) {
    if (cap_ != SIZE_MAX && ++per_file_[m.location.file] > cap_) {
      ++omitted_[m.location.file];
      return;
    }
    kept_.push_back(std::move(m));
  }
  void push_back(const Match& m) { push_back(Match(m)); }
  /// Counts `count` matches in `file` that were found but never built (the loader keeps only
  /// the first problems of a kind: LoadProblem::omitted).
  void omit(const std::string& file, std::size_t count) {
    per_file_[file] += count;
    omitted_[file] += count;
  }
  bool empty() const { return kept_.empty(); }
  std::size_t size() const { return kept_.size(); }
  std::vector<Match>& kept() { return kept_; }
  /// Matches counted but not kept, by file.
  const std::map<std::string, std::size_t>& omitted() const { return omitted_; }

 private:
  std::size_t cap_;
  std::vector<Match> kept_;
  std::map<std::string, std::size_t> per_file_, omitted_;
};

struct Analysis;

/// What a primitive sees when it runs.
struct RunContext {
  const Checkpoint& checkpoint;
  const Scope& scope;         ///< config values and the rule's `let:` variables
  const Analysis& analysis;   ///< layout, quantization settings and modules, shared by all rules
};

class Primitive {
 public:
  virtual ~Primitive() = default;
  /// Every placeholder this primitive can fill; rule messages are checked against it at load.
  virtual std::vector<std::string> fact_names() const = 0;
  virtual void run(const RunContext& context, MatchSink& out) const = 0;
  /// True when the primitive reads the value scan (it then runs only when values are scanned).
  virtual bool needs_values() const { return false; }
  /// Tensors the value scan must also test for being all zeros (TensorValues::all_zero).
  virtual std::vector<const TensorInfo*> zero_checks(const Analysis&) const { return {}; }
};

/// Reads a rule's `with:` mapping, recording every problem with its position in the file.
class PrimitiveArgs {
 public:
  PrimitiveArgs(const DocNode& with, DocReader& reader) : with_(with), reader_(reader) {}

  /// Fails for keys other than `allowed` (and for a `with:` that is not a mapping).
  void allow_only(std::initializer_list<const char*> allowed);
  std::string string(const char* key, bool required, const std::string& fallback = "");
  std::vector<std::string> strings(const char* key, bool required);
  std::int64_t integer(const char* key, bool required, std::int64_t fallback = 0);
  /// A compiled expression; empty if absent and not required.
  Expr expression(const char* key, bool required);
  /// `key: {name: expression, ...}` in file order.
  std::vector<std::pair<std::string, Expr>> expressions(const char* key);
  void error(const DocNode& at, const std::string& message);
  const DocNode& node() const { return with_; }

 private:
  const DocNode& get(const char* key, bool required);
  const DocNode& with_;
  DocReader& reader_;
};

/// Validates `with:` and builds the primitive; problems go to the args' error list.
using PrimitiveFactory = std::unique_ptr<Primitive> (*)(PrimitiveArgs& with);

/// The only list of primitives: name -> factory.
const std::vector<std::pair<std::string, PrimitiveFactory>>& primitive_registry();
PrimitiveFactory find_primitive(const std::string& name);

}  // namespace ckptlint
