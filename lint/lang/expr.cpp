// SPDX-License-Identifier: Apache-2.0
#include "lang/expr.h"

#include <mutex>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "util/checked.h"

namespace ckptlint {

using json = nlohmann::json;

struct ExprNode {
  enum class Op : std::uint8_t {
    literal, name, member, index, call, list, neg, not_, and_, or_, cond, coalesce,
    add, sub, mul, div, mod, eq, ne, lt, le, gt, ge, in,
  };
  Op op = Op::literal;
  json value;                                   // literal
  std::string text;                             // name, member name, function name
  std::vector<std::shared_ptr<const ExprNode>> kids;
};

namespace {

using Node = std::shared_ptr<const ExprNode>;
using Op = ExprNode::Op;

constexpr int kMaxDepth = 64;

Node make(Op op, std::vector<Node> kids = {}, std::string text = {}, json value = nullptr) {
  auto n = std::make_shared<ExprNode>();
  n->op = op;
  n->kids = std::move(kids);
  n->text = std::move(text);
  n->value = std::move(value);
  return n;
}

class Parser {
 public:
  explicit Parser(const std::string& s) : s_(s) {}

  Node parse_all() {
    Node n = expr();
    skip();
    if (ok() && pos_ != s_.size()) fail(fmt::format("unexpected '{}'", s_[pos_]));
    return ok() ? n : nullptr;
  }
  std::string error_;
  int column_ = 0;

 private:
  bool ok() const { return error_.empty(); }
  void fail(const std::string& message) {
    if (!ok()) return;
    error_ = message;
    column_ = static_cast<int>(pos_);
  }
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool eat(std::string_view token) {
    skip();
    if (s_.compare(pos_, token.size(), token) != 0) return false;
    // Word operators must not be the prefix of a name ("order" is not "or" + "der").
    bool word = std::isalpha(static_cast<unsigned char>(token[0]));
    if (word && pos_ + token.size() < s_.size()) {
      char next = s_[pos_ + token.size()];
      if (std::isalnum(static_cast<unsigned char>(next)) || next == '_') return false;
    }
    pos_ += token.size();
    return true;
  }
  Node guard(Node (Parser::*step)()) {
    if (++depth_ > kMaxDepth) {
      fail("expression nested too deeply");
      return nullptr;
    }
    Node n = (this->*step)();
    --depth_;
    return n;
  }

  Node expr() {
    Node c = guard(&Parser::or_expr);
    if (ok() && eat("?")) {
      Node a = guard(&Parser::expr);
      if (!eat(":")) fail("expected ':' in 'condition ? a : b'");
      Node b = guard(&Parser::expr);
      return make(Op::cond, {c, a, b});
    }
    return c;
  }
  Node or_expr() {
    Node n = and_expr();
    while (ok() && eat("or")) n = make(Op::or_, {n, and_expr()});
    return n;
  }
  Node and_expr() {
    Node n = not_expr();
    while (ok() && eat("and")) n = make(Op::and_, {n, not_expr()});
    return n;
  }
  Node not_expr() {
    if (eat("not")) return make(Op::not_, {guard(&Parser::not_expr)});
    return cmp();
  }
  Node cmp() {
    Node n = coalesce();
    static const std::pair<const char*, Op> kOps[] = {{"==", Op::eq}, {"!=", Op::ne}, {"<=", Op::le}, {">=", Op::ge},
                                                       {"<", Op::lt},  {">", Op::gt},  {"in", Op::in}};
    for (const auto& [tok, op] : kOps) {
      if (ok() && eat(tok)) return make(op, {n, coalesce()});
    }
    return n;
  }
  Node coalesce() {
    Node n = sum();
    while (ok() && eat("??")) n = make(Op::coalesce, {n, sum()});
    return n;
  }
  Node sum() {
    Node n = product();
    while (ok()) {
      if (eat("+")) n = make(Op::add, {n, product()});
      else if (eat("-")) n = make(Op::sub, {n, product()});
      else break;
    }
    return n;
  }
  Node product() {
    Node n = unary();
    while (ok()) {
      if (eat("*")) n = make(Op::mul, {n, unary()});
      else if (eat("/")) n = make(Op::div, {n, unary()});
      else if (eat("%")) n = make(Op::mod, {n, unary()});
      else break;
    }
    return n;
  }
  Node unary() {
    if (eat("-")) return make(Op::neg, {guard(&Parser::unary)});
    return postfix();
  }
  Node postfix() {
    Node n = primary();
    while (ok()) {
      if (eat(".")) {
        std::string name = identifier();
        if (name.empty()) fail("expected a key name after '.'");
        n = make(Op::member, {n}, name);
      } else if (eat("[")) {
        Node i = guard(&Parser::expr);
        if (!eat("]")) fail("expected ']'");
        n = make(Op::index, {n, i});
      } else {
        break;
      }
    }
    return n;
  }
  std::string identifier() {
    skip();
    std::size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
    if (start < s_.size() && std::isdigit(static_cast<unsigned char>(s_[start]))) {
      pos_ = start;
      return "";
    }
    return s_.substr(start, pos_ - start);
  }
  std::vector<Node> args(char close) {
    std::vector<Node> out;
    if (eat(std::string(1, close))) return out;
    do {
      out.push_back(guard(&Parser::expr));
    } while (ok() && eat(","));
    if (!eat(std::string(1, close))) fail(fmt::format("expected '{}'", close));
    return out;
  }
  Node primary() {
    skip();
    if (pos_ >= s_.size()) {
      fail("unexpected end of expression");
      return nullptr;
    }
    char c = s_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c))) return number();
    if (c == '\'' || c == '"') return string_literal(c);
    if (eat("(")) {
      Node n = guard(&Parser::expr);
      if (!eat(")")) fail("expected ')'");
      return n;
    }
    if (eat("[")) return make(Op::list, args(']'));
    std::string name = identifier();
    if (name.empty()) {
      fail(fmt::format("unexpected '{}'", c));
      return nullptr;
    }
    if (name == "true") return make(Op::literal, {}, {}, true);
    if (name == "false") return make(Op::literal, {}, {}, false);
    if (name == "null") return make(Op::literal, {}, {}, nullptr);
    if (eat("(")) {
      static const char* kFunctions[] = {"len", "min", "max", "abs", "int", "str", "float", "sqrt", "fixed", "zfill", "starts_with", "list", "minus", "type", "lookup"};
      bool known = false;
      for (const char* f : kFunctions) known = known || name == f;
      if (!known) {
        pos_ -= name.size() + 1;
        fail(fmt::format("unknown function '{}' (known: len, min, max, abs, int, str, float, sqrt, fixed, zfill, starts_with, list, minus, type, lookup)", name));
        return nullptr;
      }
      return make(Op::call, args(')'), name);
    }
    return make(Op::name, {}, name);
  }
  Node number() {
    std::size_t start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    bool fractional = false;
    if (pos_ + 1 < s_.size() && s_[pos_] == '.' && std::isdigit(static_cast<unsigned char>(s_[pos_ + 1]))) {
      fractional = true;
      ++pos_;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    std::string lit = s_.substr(start, pos_ - start);
    if (fractional) return make(Op::literal, {}, {}, std::strtod(lit.c_str(), nullptr));
    errno = 0;
    long long v = std::strtoll(lit.c_str(), nullptr, 10);
    if (errno == ERANGE) {
      pos_ = start;
      fail("integer literal out of range");
      return nullptr;
    }
    return make(Op::literal, {}, {}, static_cast<std::int64_t>(v));
  }
  Node string_literal(char quote) {
    std::size_t start = ++pos_;
    while (pos_ < s_.size() && s_[pos_] != quote) ++pos_;
    if (pos_ >= s_.size()) {
      pos_ = start - 1;
      fail("unterminated string");
      return nullptr;
    }
    std::string lit = s_.substr(start, pos_ - start);
    ++pos_;
    return make(Op::literal, {}, {}, lit);
  }

  const std::string& s_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

bool is_int(const json& v) { return v.is_number_integer(); }

std::optional<std::int64_t> as_int(const json& v) {
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return std::nullopt;
}

json arith(Op op, const json& a, const json& b) {
  if (!a.is_number() || !b.is_number()) {
    if (op == Op::add && a.is_string() && b.is_string()) return a.get<std::string>() + b.get<std::string>();
    if (op == Op::add && a.is_array() && b.is_array()) {  // lists join: a stop list with the ids it lacks
      json joined = a;
      joined.insert(joined.end(), b.begin(), b.end());
      return joined;
    }
    return nullptr;
  }
  if (is_int(a) && is_int(b)) {
    auto x = as_int(a), y = as_int(b);
    if (!x || !y) return nullptr;
    std::optional<std::int64_t> r;
    switch (op) {
      case Op::add: r = checked_add(*x, *y); break;
      case Op::sub: r = checked_sub(*x, *y); break;
      case Op::mul: r = checked_mul(*x, *y); break;
      case Op::div:
        if (*y == 0 || (*x == INT64_MIN && *y == -1)) return nullptr;
        r = *x / *y;
        break;
      case Op::mod:
        if (*y == 0 || (*x == INT64_MIN && *y == -1)) return nullptr;
        r = *x % *y;
        break;
      default: return nullptr;
    }
    return r ? json(*r) : json(nullptr);
  }
  double x = a.get<double>(), y = b.get<double>(), r = 0;
  switch (op) {
    case Op::add: r = x + y; break;
    case Op::sub: r = x - y; break;
    case Op::mul: r = x * y; break;
    case Op::div: if (y == 0) return nullptr; r = x / y; break;
    case Op::mod: if (y == 0) return nullptr; r = std::fmod(x, y); break;
    default: return nullptr;
  }
  return std::isfinite(r) ? json(r) : json(nullptr);
}

json compare(Op op, const json& a, const json& b) {
  if (op == Op::eq || op == Op::ne) {
    bool equal = (a.is_number() && b.is_number()) ? a.get<double>() == b.get<double>() : a == b;
    return op == Op::eq ? equal : !equal;
  }
  if (op == Op::in) {
    if (b.is_array()) {
      for (const json& item : b) {
        if (compare(Op::eq, a, item) == json(true)) return true;
      }
      return false;
    }
    if (b.is_object() && a.is_string()) return b.contains(a.get<std::string>());
    if (b.is_string() && a.is_string()) return b.get<std::string>().find(a.get<std::string>()) != std::string::npos;
    return nullptr;
  }
  int c = 0;
  if (a.is_number() && b.is_number()) {
    if (is_int(a) && is_int(b) && as_int(a) && as_int(b)) c = *as_int(a) < *as_int(b) ? -1 : *as_int(a) > *as_int(b);
    else c = a.get<double>() < b.get<double>() ? -1 : a.get<double>() > b.get<double>();
  } else if (a.is_string() && b.is_string()) {
    c = a.get<std::string>().compare(b.get<std::string>());
  } else {
    return nullptr;
  }
  switch (op) {
    case Op::lt: return c < 0;
    case Op::le: return c <= 0;
    case Op::gt: return c > 0;
    case Op::ge: return c >= 0;
    default: return nullptr;
  }
}

json call(const std::string& f, const std::vector<json>& args) {
  if (f == "len" && args.size() == 1) {
    const json& v = args[0];
    if (v.is_array() || v.is_object()) return static_cast<std::int64_t>(v.size());
    if (v.is_string()) return static_cast<std::int64_t>(v.get<std::string>().size());
    return nullptr;
  }
  if ((f == "min" || f == "max") && !args.empty()) {
    json best = args[0];
    for (const json& v : args) {
      json less = compare(Op::lt, v, best);
      if (less.is_null()) return nullptr;
      if ((f == "min") == less.get<bool>() && v != best) best = v;
    }
    return best;
  }
  if (f == "abs" && args.size() == 1) {
    if (auto i = as_int(args[0])) return *i == INT64_MIN ? json(nullptr) : json(*i < 0 ? -*i : *i);
    if (args[0].is_number()) return std::fabs(args[0].get<double>());
    return nullptr;
  }
  if (f == "int" && args.size() == 1) {
    if (args[0].is_number_integer()) return args[0];
    if (args[0].is_number_float()) {
      double d = args[0].get<double>();
      if (!std::isfinite(d) || std::fabs(d) > 9.2e18) return nullptr;
      return static_cast<std::int64_t>(d);
    }
    if (args[0].is_boolean()) return args[0].get<bool>() ? 1 : 0;
    // A decimal integer written as text (a fact: "2375495680"), wholly, or nothing.
    if (args[0].is_string()) {
      const std::string& t = args[0].get_ref<const std::string&>();
      std::int64_t v = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec == std::errc() && end == t.data() + t.size() && !t.empty()) return v;
    }
    return nullptr;
  }
  if (f == "str" && args.size() == 1) return render_value(args[0]);
  // Numbers for messages and scale formulas: float(8) / 3, sqrt(r), fixed(16, 1) -> "16.0".
  if (f == "float" && args.size() == 1 && args[0].is_number()) return args[0].get<double>();
  if (f == "sqrt" && args.size() == 1 && args[0].is_number() && args[0].get<double>() >= 0) {
    return std::sqrt(args[0].get<double>());
  }
  // Lists of ids, as config files write them either way: list(1) -> [1], list([1, 2]) -> [1, 2]
  // (null stays null); minus(a, b): the items of list a that are not in list b, in order.
  if (f == "type" && args.size() == 1) {
    const json& v = args[0];
    return v.is_null() ? "null" : v.is_boolean() ? "boolean" : v.is_number() ? "number" : v.is_string() ? "string" : v.is_array() ? "list" : "object";
  }
  if (f == "list" && args.size() == 1) return args[0].is_null() || args[0].is_array() ? args[0] : json::array({args[0]});
  if (f == "minus" && args.size() == 2 && args[0].is_array() && args[1].is_array()) {
    json out = json::array();
    for (const json& a : args[0]) {
      bool found = false;
      for (const json& b : args[1]) found = found || compare(Op::eq, a, b) == json(true);
      if (!found) out.push_back(a);
    }
    return out;
  }
  // lookup(object, keys): the values at those keys, in order, the missing left out; a number
  // key is its decimal text, as JSON writes an id-keyed map (token_names[str(id)]).
  if (f == "lookup" && args.size() == 2 && args[0].is_object() && args[1].is_array()) {
    json out = json::array();
    for (const json& k : args[1]) {
      if (!k.is_string() && !k.is_number_integer()) continue;
      auto it = args[0].find(k.is_string() ? k.get<std::string>() : render_value(k));
      if (it != args[0].end()) out.push_back(*it);
    }
    return out;
  }
  if (f == "fixed" && args.size() == 2 && args[0].is_number() && args[1].is_number_integer()) {
    std::int64_t digits = args[1].get<std::int64_t>();
    if (digits < 0 || digits > 12) return nullptr;
    return fmt::format("{:.{}f}", args[0].get<double>(), static_cast<int>(digits));
  }
  // zfill(5, 2) -> "05", as Python's str.zfill: config keys that are zero-padded layer
  // numbers (per_layer_config: {"05": ...}).
  if (f == "zfill" && args.size() == 2 && (args[0].is_number_integer() || args[0].is_string()) &&
      args[1].is_number_integer()) {
    std::int64_t width = args[1].get<std::int64_t>();
    if (width < 0 || width > 64) return nullptr;
    std::string text = render_value(args[0]);
    std::size_t sign = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
    if (text.size() < static_cast<std::size_t>(width)) text.insert(sign, static_cast<std::size_t>(width) - text.size(), '0');
    return text;
  }
  // starts_with(name, prefix or [prefixes]): module lists of quantization configs
  // (modules_to_not_convert, llm_int8_skip_modules) name modules by prefix.
  if (f == "starts_with" && args.size() == 2 && args[0].is_string()) {
    const std::string& s = args[0].get_ref<const std::string&>();
    auto one = [&](const json& p) { return p.is_string() && s.starts_with(p.get_ref<const std::string&>()); };
    if (args[1].is_string()) return one(args[1]);
    if (!args[1].is_array()) return nullptr;
    for (const json& p : args[1]) {
      if (one(p)) return true;
    }
    return false;
  }
  return nullptr;
}

json eval_node(const ExprNode& n, const Scope& scope);

const json kNull = nullptr;

// Literals, names, members and indices evaluate to a value that already exists (a config entry, a
// variable): return a pointer to it instead of copying whole config objects on every
// `text_config.hidden_size`. Anything computed lands in `tmp`.
const json* eval_ref(const ExprNode& n, const Scope& scope, json& tmp) {
  switch (n.op) {
    case Op::literal: return &n.value;  // `group == 'attention'` copies no string
    case Op::name: {
      const json* v = scope.lookup(n.text);
      return v ? v : &kNull;
    }
    case Op::member: {
      json base_tmp;
      const json* base = eval_ref(*n.kids[0], scope, base_tmp);
      if (!base->is_object()) return &kNull;
      auto it = base->find(n.text);
      if (it == base->end()) return &kNull;
      if (base == &base_tmp) {
        tmp = *it;
        return &tmp;
      }
      return &*it;
    }
    case Op::index: {
      json base_tmp;
      const json* base = eval_ref(*n.kids[0], scope, base_tmp);
      json i = eval_node(*n.kids[1], scope);
      const json* found = &kNull;
      if (base->is_array()) {
        if (auto k = as_int(i)) {
          std::int64_t size = static_cast<std::int64_t>(base->size());
          std::int64_t at = *k < 0 ? size + *k : *k;  // -1 is the last item
          if (at >= 0 && at < size) found = &(*base)[static_cast<std::size_t>(at)];
        }
      } else if (base->is_object() && i.is_string()) {
        auto it = base->find(i.get<std::string>());
        if (it != base->end()) found = &*it;
      }
      if (base == &base_tmp && found != &kNull) {
        tmp = *found;
        return &tmp;
      }
      return found;
    }
    default:
      tmp = eval_node(n, scope);
      return &tmp;
  }
}

bool is_null_literal(const ExprNode& n) { return n.op == Op::literal && n.value.is_null(); }

json eval_node(const ExprNode& n, const Scope& scope) {
  auto kid = [&](std::size_t i) { return eval_node(*n.kids[i], scope); };
  switch (n.op) {
    case Op::literal: return n.value;
    case Op::name:
    case Op::member:
    case Op::index: {
      json tmp;
      return *eval_ref(n, scope, tmp);
    }
    case Op::call: {
      std::vector<json> args;
      for (std::size_t i = 0; i < n.kids.size(); ++i) args.push_back(kid(i));
      return call(n.text, args);
    }
    case Op::list: {
      json out = json::array();
      for (std::size_t i = 0; i < n.kids.size(); ++i) out.push_back(kid(i));
      return out;
    }
    case Op::neg: {
      json v = kid(0);
      if (auto i = as_int(v)) return *i == INT64_MIN ? json(nullptr) : json(-*i);
      return v.is_number() ? json(-v.get<double>()) : json(nullptr);
    }
    // Three-valued logic: a missing value (null) is unknown, so `not`, `and` and `or` keep it
    // unknown unless the other side decides ("absent is not a violation").
    case Op::not_: {
      json v = kid(0);
      return v.is_null() ? json(nullptr) : json(!truthy(v));
    }
    case Op::and_: {
      json a = kid(0);
      if (!a.is_null() && !truthy(a)) return false;
      json b = kid(1);
      if (!b.is_null() && !truthy(b)) return false;
      return a.is_null() || b.is_null() ? json(nullptr) : json(true);
    }
    case Op::or_: {
      json a = kid(0);
      if (truthy(a)) return true;
      json b = kid(1);
      if (truthy(b)) return true;
      return a.is_null() || b.is_null() ? json(nullptr) : json(false);
    }
    case Op::cond: return truthy(kid(0)) ? kid(1) : kid(2);
    case Op::coalesce: {
      json v = kid(0);
      return v.is_null() ? kid(1) : v;
    }
    case Op::add: case Op::sub: case Op::mul: case Op::div: case Op::mod: return arith(n.op, kid(0), kid(1));
    case Op::eq: case Op::ne: case Op::lt: case Op::le: case Op::gt: case Op::ge: case Op::in: {
      json ta, tb;
      const json& a = *eval_ref(*n.kids[0], scope, ta);
      const json& b = *eval_ref(*n.kids[1], scope, tb);
      // `x == 9` with x missing is unknown, not false; `x == null` asks about absence itself.
      if ((n.op == Op::eq || n.op == Op::ne) && (a.is_null() || b.is_null()) && !is_null_literal(*n.kids[0]) &&
          !is_null_literal(*n.kids[1])) {
        return nullptr;
      }
      if (n.op == Op::in && a.is_null() && !is_null_literal(*n.kids[0])) return nullptr;
      return compare(n.op, a, b);
    }
  }
  return nullptr;
}

}  // namespace

const json* Scope::lookup(const std::string& name) const {
  for (const Scope* s = this; s != nullptr; s = s->parent) {
    for (auto it = s->vars.rbegin(); it != s->vars.rend(); ++it) {
      if (it->first == name) return &it->second;
    }
    if (s->table != nullptr) {
      auto it = s->table->find(name);
      if (it != s->table->end()) return &it->second;
    }
    if (s->bound != nullptr) {
      for (auto it = s->bound->rbegin(); it != s->bound->rend(); ++it) {
        if (it->first == name) return &it->second;
      }
    }
    if (s->parent == nullptr && s->config != nullptr && s->config->is_object()) {
      auto it = s->config->find(name);
      if (it != s->config->end()) return &*it;
      if (name == "config") return s->config;
    }
  }
  return nullptr;
}

std::optional<Expr> Expr::parse(const std::string& text, std::string& error, int& column) {
  // The packs repeat a few hundred expressions (a shape's `hidden`, a guard) thousands of
  // times, and parsing them was most of loading the packs: a parsed expression is immutable,
  // so every parse of the same text shares one tree. The memo outlives every RuleSet (a
  // Python process loads packs again and again), so it is bounded in entries and in text:
  // the texts the packs repeat are short (4 of their distinct texts other than messages are
  // longer than 256 bytes, used 6 times in all), while a hostile --rules pack's long unique
  // expressions would otherwise stay in memory, each a tree of up to a node per byte, after
  // its rules are gone. Never destroyed: a RuleSet destroyed at exit (a static) may still be
  // compiling the embedded rules on another thread, which parses.
  static auto& memo_lock = *new std::mutex;
  static auto& memo = *new std::unordered_map<std::string, std::shared_ptr<const ExprNode>>;
  constexpr std::size_t kMemoEntries = 1 << 14;
  constexpr std::size_t kMemoTextBytes = 256;
  if (text.size() <= kMemoTextBytes) {
    std::lock_guard<std::mutex> hold(memo_lock);
    if (auto it = memo.find(text); it != memo.end()) {
      Expr e;
      e.root_ = it->second;
      e.text_ = text;
      return e;
    }
  }
  Parser p(text);
  Node root = p.parse_all();
  if (!root) {
    error = p.error_.empty() ? "empty expression" : p.error_;
    column = p.column_;
    return std::nullopt;
  }
  if (text.size() <= kMemoTextBytes) {
    std::lock_guard<std::mutex> hold(memo_lock);
    if (memo.size() < kMemoEntries) memo.emplace(text, root);
  }
  Expr e;
  e.root_ = root;
  e.text_ = text;
  return e;
}

std::vector<std::string> Expr::names() const {
  std::vector<std::string> out;
  std::vector<const ExprNode*> todo;
  if (root_) todo.push_back(root_.get());
  while (!todo.empty()) {
    const ExprNode* n = todo.back();
    todo.pop_back();
    if (n->op == Op::name && std::find(out.begin(), out.end(), n->text) == out.end()) out.push_back(n->text);
    for (auto it = n->kids.rbegin(); it != n->kids.rend(); ++it) todo.push_back(it->get());
  }
  return out;
}

json Expr::eval(const Scope& scope) const { return root_ ? eval_node(*root_, scope) : json(nullptr); }

bool Expr::test(const Scope& scope) const {
  if (!root_) return false;
  json tmp;
  return truthy(*eval_ref(*root_, scope, tmp));
}

bool truthy(const json& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0;
  if (v.is_string()) return !v.get<std::string>().empty();
  if (v.is_array() || v.is_object()) return !v.empty();
  return false;
}

std::string render_value(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_null()) return "null";
  if (v.is_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + render_value(v[i]);
    return out + "]";
  }
  return v.dump();
}

}  // namespace ckptlint
