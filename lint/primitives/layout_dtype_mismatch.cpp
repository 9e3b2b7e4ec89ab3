// SPDX-License-Identifier: Apache-2.0
// A tensor stored as another kind of number than its layout entry implies: U8 where the
// config implies BF16 (a loader casts the bytes as integers, or fails). The width is left
// alone, because it legitimately varies: BF16, F16 and F32 (and the 8-, 6- and 4-bit floats
// of quantization schemes) all occur for the same weight in real checkpoints whatever
// torch_dtype says (norms and routers kept in F32, F16 conversions, FP8 exports), and an
// index buffer works as I32 or I64 alike. So the kinds compared are float, integer and
// boolean. A U32 weight of a quantizable module (packed by MLX) and a module stored in a
// quantization scheme (bitsandbytes, GPTQ, ...) are the quant checks' concern.
#include "primitives/layout_facts.h"

namespace ckptlint {
namespace {

enum class NumberKind : std::uint8_t { floating, integer, boolean };

NumberKind kind_of(DType d) {
  if (d == DType::BOOL) return NumberKind::boolean;
  return is_float(d) ? NumberKind::floating : NumberKind::integer;
}

const char* kind_text(NumberKind k) {
  switch (k) {
    case NumberKind::floating: return "a float";
    case NumberKind::integer: return "an integer";
    case NumberKind::boolean: return "a boolean";
  }
  return "?";
}

class LayoutDtypeMismatch final : public Primitive {
 public:
  explicit LayoutDtypeMismatch(Expr where) : where_(std::move(where)) {}
  std::vector<std::string> fact_names() const override {
    auto names = entry_fact_names();
    for (const char* f : {"dtype", "expected_dtype", "kind_of_number"}) names.push_back(f);
    return names;
  }
  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.layout) return;
    for (const LayoutEntry& e : a.layout->entries) {
      const TensorInfo* t = a.tensor_of(e);
      if (t == nullptr) continue;
      const std::optional<DType> expected = dtype_from_string(e.dtype);
      if (!expected || kind_of(t->dtype) == kind_of(*expected)) continue;
      // A U32 weight of a quantizable module is packed, with or without its .scales: the
      // quant checks tell that (quant-scales-missing), not this.
      const bool packed = t->dtype == DType::U32 && !e.module.empty();
      if (packed || a.scheme_module(e) != nullptr || !a.where(where_, e)) continue;
      Match m = entry_match(a, e, e.name);
      m.facts.emplace_back("dtype", std::string(to_string(t->dtype)));
      m.facts.emplace_back("expected_dtype", e.dtype);
      m.facts.emplace_back("kind_of_number", kind_text(kind_of(*expected)));
      out.push_back(std::move(m));
    }
  }

 private:
  Expr where_;
};

}  // namespace

std::unique_ptr<Primitive> make_layout_dtype_mismatch(PrimitiveArgs& with) {
  with.allow_only({"where"});
  return std::make_unique<LayoutDtypeMismatch>(with.expression("where", false));
}

}  // namespace ckptlint
