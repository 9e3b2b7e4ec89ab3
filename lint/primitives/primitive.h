// SPDX-License-Identifier: Apache-2.0
// The code side of a rule. A primitive knows how to find something in a checkpoint and
// reports where and with which facts; it never knows a rule id, a severity or wording.
#pragma once
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
  virtual void run(const RunContext& context, std::vector<Match>& out) const = 0;
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
