// Superinstructions (interp/code.hpp, WEFT_FUSED_OPS): every one is checked against the two
// instructions it replaces. Each case is built twice: as the pair the lowering fuses, and
// with an empty `block end` between the two, which places a label there so nothing fuses.
// Both run on edge values (shift counts past the width, wrapping, NaN, -0, infinities,
// out-of-bounds addresses) and must agree bit for bit (NaNs as NaNs: their payload is
// open). The fused listing must name the superinstruction, so a rule that stops firing
// fails here too.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "weft/weft.hpp"

namespace {

using Bytes = std::vector<uint8_t>;

void leb(Bytes& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(static_cast<uint8_t>(b | (v ? 0x80 : 0)));
  } while (v);
}

void name(Bytes& out, const std::string& s) {
  leb(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

void section(Bytes& module, uint8_t id, const Bytes& contents) {
  module.push_back(id);
  leb(module, contents.size());
  module.insert(module.end(), contents.begin(), contents.end());
}

struct Func {
  std::string export_name;
  std::vector<uint8_t> params;
  uint8_t result;
  Bytes body;  ///< instructions, without the final end
  uint8_t i32_locals = 0;  ///< locals declared after the parameters
};

/// A module with one page of memory and each function exported under its name.
Bytes build(const std::vector<Func>& funcs) {
  Bytes m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  Bytes types, fsec, mem, exports, code;
  leb(types, funcs.size());
  leb(fsec, funcs.size());
  leb(exports, funcs.size());
  leb(code, funcs.size());
  for (size_t i = 0; i < funcs.size(); ++i) {
    const Func& f = funcs[i];
    types.push_back(0x60);
    leb(types, f.params.size());
    types.insert(types.end(), f.params.begin(), f.params.end());
    types.push_back(1);
    types.push_back(f.result);
    leb(fsec, i);
    name(exports, f.export_name);
    exports.push_back(0x00);
    leb(exports, i);
    Bytes body = f.i32_locals ? Bytes{0x01, f.i32_locals, 0x7f} : Bytes{0x00};
    body.insert(body.end(), f.body.begin(), f.body.end());
    body.push_back(0x0b);
    leb(code, body.size());
    code.insert(code.end(), body.begin(), body.end());
  }
  mem = {0x01, 0x00, 0x01};  // one memory, min 1 page
  section(m, 1, types);
  section(m, 3, fsec);
  section(m, 5, mem);
  section(m, 7, exports);
  section(m, 10, code);
  return m;
}

constexpr uint8_t i32 = 0x7f, i64 = 0x7e, f32 = 0x7d, f64 = 0x7c;
const Bytes no_fuse = {0x02, 0x40, 0x0b};  // block end: a label between two instructions

Bytes get(uint8_t local) { return {0x20, local}; }
Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

struct Op {
  const char* name;
  uint8_t code;
  bool commutes;
};

struct TypeOps {
  uint8_t type;
  const char* prefix;
  std::vector<Op> ops;
};

const std::vector<TypeOps> binary_ops = {
    {i32, "i32", {{"add", 0x6a, true}, {"sub", 0x6b, false}, {"mul", 0x6c, true}, {"and", 0x71, true},
                  {"or", 0x72, true}, {"xor", 0x73, true}, {"shl", 0x74, false}, {"shr_s", 0x75, false},
                  {"shr_u", 0x76, false}, {"rotl", 0x77, false}, {"rotr", 0x78, false}}},
    {i64, "i64", {{"add", 0x7c, true}, {"sub", 0x7d, false}, {"mul", 0x7e, true}, {"and", 0x83, true},
                  {"or", 0x84, true}, {"xor", 0x85, true}, {"shl", 0x86, false}, {"shr_s", 0x87, false},
                  {"shr_u", 0x88, false}, {"rotl", 0x89, false}, {"rotr", 0x8a, false}}},
    {f32, "f32", {{"add", 0x92, true}, {"sub", 0x93, false}, {"mul", 0x94, true}, {"div", 0x95, false}}},
    {f64, "f64", {{"add", 0xa0, true}, {"sub", 0xa1, false}, {"mul", 0xa2, true}, {"div", 0xa3, false}}},
};

std::vector<weft::Value> edge_values(uint8_t type) {
  std::vector<weft::Value> v;
  switch (type) {
    case i32:
      for (uint32_t x : {0u, 1u, 5u, 31u, 32u, 33u, 0x7fffffffu, 0x80000000u, 0xffffffffu, 0x12345678u})
        v.push_back(weft::Value::i32(static_cast<int32_t>(x)));
      break;
    case i64:
      for (uint64_t x : {uint64_t{0}, uint64_t{1}, uint64_t{7}, uint64_t{63}, uint64_t{64}, uint64_t{65},
                         uint64_t{0x7fffffffffffffff}, uint64_t{0x8000000000000000}, ~uint64_t{0},
                         uint64_t{0x0123456789abcdef}})
        v.push_back(weft::Value::i64(static_cast<int64_t>(x)));
      break;
    case f32:
      for (float x : {0.0f, -0.0f, 1.5f, -2.25f, 3e38f, 1e-45f, std::numeric_limits<float>::infinity(),
                      -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()})
        v.push_back(weft::Value::f32(x));
      break;
    default:
      for (double x : {0.0, -0.0, 1.5, -2.25, 1e308, 5e-324, std::numeric_limits<double>::infinity(),
                       -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()})
        v.push_back(weft::Value::f64(x));
  }
  return v;
}

bool same(const weft::Value& a, const weft::Value& b) {
  if (a.type() != b.type()) return false;
  if (a.type() == weft::ValType::f32 && std::isnan(a.f32()) && std::isnan(b.f32())) return true;
  if (a.type() == weft::ValType::f64 && std::isnan(a.f64()) && std::isnan(b.f64())) return true;
  return a.raw() == b.raw();
}

std::string show(const weft::Value& v) { return v.to_string(); }

/// Compiles the functions, checks the fused ones' listing names `expect_names`, and runs
/// every "fused:X" export against "plain:X" on all argument combinations of `args`.
///
/// The memory offsets of the tests are never multiples of 8 (3, 4, 7, 11, 27...): a frame
/// slot's byte offset always is, so a handler that reads a slot operand where the offset
/// belongs computes another address and the comparison fails. (With local 0 and offset 0,
/// such a mistake went unseen in i32_add_f64_mul_f64_add_mem.)
class Harness {
 public:
  void add(std::string case_name, std::vector<uint8_t> params, uint8_t result, Bytes fused, Bytes plain,
           std::string expect) {
    funcs.push_back({"fused:" + case_name, params, result, std::move(fused)});
    funcs.push_back({"plain:" + case_name, params, result, std::move(plain)});
    expected.push_back(std::move(expect));
  }

  void run(const std::vector<std::vector<weft::Value>>& arg_values) {
    weft::Engine engine;
    auto module = engine.compile(build(funcs));
    ASSERT_TRUE(module) << module.error().to_string();
    std::string listing = module->lowered_code();
    for (size_t i = 0; i < expected.size(); ++i) {
      // The listing of "fused:X" runs up to the next function header.
      size_t at = listing.find("\"" + funcs[2 * i].export_name + "\"");
      ASSERT_NE(at, std::string::npos);
      size_t end = listing.find("\nfunc ", at);
      std::string body = listing.substr(at, end == std::string::npos ? std::string::npos : end - at);
      if (!expected[i].empty())
        EXPECT_NE(body.find(" " + expected[i] + " "), std::string::npos)
          << funcs[2 * i].export_name << " did not become " << expected[i] << ":\n" << body;
    }
    weft::Store store(engine);
    weft::Linker linker(engine);
    auto instance = linker.instantiate(store, *module);
    ASSERT_TRUE(instance) << instance.error().to_string();
    size_t compared = 0;
    for (size_t i = 0; i < funcs.size(); i += 2) {
      auto fused = instance->get_func(funcs[i].export_name);
      auto plain = instance->get_func(funcs[i + 1].export_name);
      ASSERT_TRUE(fused && plain);
      size_t arity = funcs[i].params.size();
      std::vector<size_t> index(arity, 0);
      for (;;) {
        std::vector<weft::Value> args;
        for (size_t k = 0; k < arity; ++k) args.push_back(arg_values[k][index[k]]);
        auto a = fused->call(store, args);
        auto b = plain->call(store, args);
        std::string where = funcs[i].export_name + "(";
        for (const auto& v : args) where += show(v) + " ";
        where += ")";
        ASSERT_EQ(a.has_value(), b.has_value()) << where;
        if (a) {
          ASSERT_TRUE(same((*a)[0], (*b)[0])) << where << ": " << show((*a)[0]) << " vs " << show((*b)[0]);
        } else {
          ASSERT_EQ(a.error().to_string(), b.error().to_string()) << where;
        }
        ++compared;
        size_t k = 0;
        while (k < arity && ++index[k] == arg_values[k].size()) index[k++] = 0;
        if (k == arity) break;
      }
    }
    EXPECT_GT(compared, 0u);
  }

  std::vector<Func> funcs;
  std::vector<std::string> expected;
};

std::string full(const TypeOps& t, const Op& op) { return std::string(t.prefix) + "_" + op.name; }

TEST(fusion, binary_pairs_match_the_two_instructions) {
  for (const TypeOps& t : binary_ops) {
    Harness h;
    for (const Op& a : t.ops) {
      for (const Op& b : t.ops) {
        std::string n = full(t, a) + "_" + full(t, b);
        // (x a y) b z
        h.add(n, {t.type, t.type, t.type}, t.type, cat({get(0), get(1), {a.code}, get(2), {b.code}}),
              cat({get(0), get(1), {a.code}, no_fuse, get(2), {b.code}}), n);
        // z b (x a y): fused when b commutes, or as b's reversed form (sub, div)
        const std::string bn = b.name;
        const bool reversed = bn == "sub" || (bn == "div" && (t.type == f32 || t.type == f64));
        if (b.commutes || reversed)
          h.add("swapped_" + n, {t.type, t.type, t.type}, t.type,
                cat({get(2), get(0), get(1), {a.code}, {b.code}}),
                cat({get(2), get(0), get(1), {a.code}, no_fuse, {b.code}}), reversed ? n + "_r" : n);
      }
    }
    std::vector<weft::Value> values = edge_values(t.type);
    SCOPED_TRACE(t.prefix);
    h.run({values, values, values});
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(fusion, load_then_binary) {
  // Loads from address a + 4 (a within the page, or past its end to trap), then combines.
  struct LoadForm {
    uint8_t type;
    const char* prefix;
    uint8_t load;
    std::vector<std::pair<const char*, uint8_t>> ops;
  };
  const std::vector<LoadForm> forms = {
      {i32, "i32", 0x28, {{"add", 0x6a}, {"sub", 0x6b}, {"mul", 0x6c}, {"and", 0x71}, {"or", 0x72}, {"xor", 0x73}}},
      {i64, "i64", 0x29, {{"add", 0x7c}, {"sub", 0x7d}, {"mul", 0x7e}, {"and", 0x83}, {"or", 0x84}, {"xor", 0x85}}},
      {f32, "f32", 0x2a, {{"add", 0x92}, {"sub", 0x93}, {"mul", 0x94}, {"div", 0x95}}},
      {f64, "f64", 0x2b, {{"add", 0xa0}, {"sub", 0xa1}, {"mul", 0xa2}, {"div", 0xa3}}},
  };
  for (const LoadForm& f : forms) {
    Harness h;
    const uint8_t align = f.type == i64 || f.type == f64 ? 3 : 2;
    // The memory holds each edge value's bits at address 4 + 8 * k; a store first puts
    // argument 1 there so the loaded value varies.
    for (auto [op, code] : f.ops) {
      std::string n = std::string(f.prefix) + "_load_" + f.prefix + "_" + op;
      const Bytes store = cat({get(0), get(1), {static_cast<uint8_t>(f.load + 14), align, 4}});
      const Bytes load = {f.load, align, 4};
      h.add(n, {i32, f.type}, f.type, cat({store, get(0), load, get(1), {code}}),
            cat({store, get(0), load, no_fuse, get(1), {code}}), n);
      const std::string o = op;
      const bool reversed = o == "sub" || o == "div";
      h.add("swapped_" + n, {i32, f.type}, f.type, cat({store, get(1), get(0), load, {code}}),
            cat({store, get(1), get(0), load, no_fuse, {code}}), reversed ? n + "_r" : n);
    }
    std::vector<weft::Value> addrs;
    for (int32_t a : {0, 8, 1000, 65524, 65528, 65532, -4}) addrs.push_back(weft::Value::i32(a));
    SCOPED_TRACE(f.prefix);
    h.run({addrs, edge_values(f.type)});
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(fusion, binary_then_store) {
  struct StoreForm {
    uint8_t type;
    const char* prefix;
    uint8_t store;
    std::vector<std::pair<const char*, uint8_t>> ops;
  };
  const std::vector<StoreForm> forms = {
      {i32, "i32", 0x36, {{"add", 0x6a}, {"sub", 0x6b}, {"mul", 0x6c}, {"and", 0x71}, {"or", 0x72},
                          {"xor", 0x73}, {"shl", 0x74}, {"shr_u", 0x76}}},
      {i64, "i64", 0x37, {{"add", 0x7c}, {"sub", 0x7d}, {"mul", 0x7e}, {"and", 0x83}, {"or", 0x84}, {"xor", 0x85}}},
      {f32, "f32", 0x38, {{"add", 0x92}, {"sub", 0x93}, {"mul", 0x94}, {"div", 0x95}}},
      {f64, "f64", 0x39, {{"add", 0xa0}, {"sub", 0xa1}, {"mul", 0xa2}, {"div", 0xa3}}},
  };
  for (const StoreForm& f : forms) {
    Harness h;
    const uint8_t align = f.type == i64 || f.type == f64 ? 3 : 2;
    for (auto [op, code] : f.ops) {
      std::string n = std::string(f.prefix) + "_" + op + "_" + f.prefix + "_store";
      // store at a + 11 the value x op y, then read it back
      const Bytes back = cat({get(0), {static_cast<uint8_t>(f.store - 14), align, 11}});
      h.add(n, {i32, f.type, f.type}, f.type,
            cat({get(0), get(1), get(2), {code}, {f.store, align, 11}, back}),
            cat({get(0), get(1), get(2), {code}, no_fuse, {f.store, align, 11}, back}), n);
    }
    std::vector<weft::Value> addrs;
    for (int32_t a : {0, 12, 65520, 65528, -8}) addrs.push_back(weft::Value::i32(a));
    std::vector<weft::Value> values = edge_values(f.type);
    SCOPED_TRACE(f.prefix);
    h.run({addrs, values, values});
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(fusion, add_then_compare_and_branch) {
  // (block
  //   (local.set 0 (i32.add (local.get 0) (local.get 1)))
  //   (br_if 0 (CMP (local.get 0) (local.get 2)))   ;; or local 2 first
  //   (return (i32.shl (local.get 0) (i32.const 1))))
  // (i32.add (i32.shl (local.get 0) (i32.const 1)) (i32.const 1))
  // The result tells whether the branch was taken, and shows the sum that was written.
  const std::vector<std::pair<const char*, uint8_t>> compares = {
      {"eq", 0x46}, {"ne", 0x47}, {"lt_s", 0x48}, {"lt_u", 0x49}, {"gt_s", 0x4a},
      {"gt_u", 0x4b}, {"le_s", 0x4c}, {"le_u", 0x4d}, {"ge_s", 0x4e}, {"ge_u", 0x4f}};
  auto swapped = [](std::string c) {
    if (c.rfind("lt", 0) == 0) return "gt" + c.substr(2);
    if (c.rfind("gt", 0) == 0) return "lt" + c.substr(2);
    if (c.rfind("le", 0) == 0) return "ge" + c.substr(2);
    if (c.rfind("ge", 0) == 0) return "le" + c.substr(2);
    return c;
  };
  Harness h;
  for (const auto& [cmp, cmp_code] : compares) {
    const uint8_t code = cmp_code;
    for (bool counter_first : {true, false}) {
      const Bytes set = cat({get(0), get(1), {0x6a, 0x21, 0x00}});  // local.set 0 (add)
      const Bytes operands = counter_first ? cat({get(0), get(2)}) : cat({get(2), get(0)});
      const Bytes tail = {0x0d, 0x00, 0x20, 0x00, 0x41, 0x01, 0x74, 0x0f, 0x0b,
                          0x20, 0x00, 0x41, 0x01, 0x74, 0x41, 0x01, 0x6a};
      auto body = [&](bool fuse) {
        return cat({{0x02, 0x40}, set, fuse ? Bytes{} : no_fuse, operands, {code}, tail});
      };
      std::string shape = counter_first ? cmp : swapped(cmp);
      std::string n = std::string(counter_first ? "" : "swapped_") + "add_" + cmp;
      h.add(n, {i32, i32, i32}, i32, body(true), body(false), "i32_add_br_i32_" + shape);
    }
  }
  std::vector<weft::Value> values = edge_values(i32);
  h.run({values, values, values});
}

}  // namespace

namespace {

TEST(fusion, copies_join_the_branch_or_return_after_them) {
  // (func (param i32 i32) (result i32) (local.get 1))            ;; copy64_ret
  // (func (param i32 i32) (result i32)                           ;; copy64_br
  //   (i32.add (block (result i32) (br 0 (local.get 1))) (local.get 0)))
  // (func (param i32 i32) (result i32)                           ;; copy64x2_br
  //   (block (result i32 i32) (br 0 (local.get 1) (local.get 0))) (i32.sub))
  std::vector<Func> funcs = {
      {"ret", {i32, i32}, i32, {0x20, 0x01}},
      {"br", {i32, i32}, i32, {0x02, i32, 0x20, 0x01, 0x0c, 0x00, 0x0b, 0x20, 0x00, 0x6a}},
  };
  Bytes m = build(funcs);
  weft::Engine engine;
  auto module = engine.compile(m);
  ASSERT_TRUE(module) << module.error().to_string();
  std::string listing = module->lowered_code();
  EXPECT_NE(listing.find("copy64_ret"), std::string::npos) << listing;
  EXPECT_NE(listing.find("copy64_br"), std::string::npos) << listing;
  weft::Store store(engine);
  weft::Linker linker(engine);
  auto instance = linker.instantiate(store, *module);
  ASSERT_TRUE(instance) << instance.error().to_string();
  auto ret = instance->typed_func<int32_t(int32_t, int32_t)>("ret");
  auto br = instance->typed_func<int32_t(int32_t, int32_t)>("br");
  ASSERT_TRUE(ret && br);
  EXPECT_EQ(*(*ret)(store, 3, 40), 40);
  EXPECT_EQ(*(*br)(store, 3, 40), 43);
}

}  // namespace

namespace {

Bytes local_set(uint8_t local) { return {0x21, local}; }

TEST(fusion, load_with_added_address_then_binary) {
  // store v at a + b + 4, then load it back through `(a + b)` offset 4 and combine with c.
  struct Form {
    uint8_t type;
    const char* name;   ///< the load's name in the superinstruction
    uint8_t load, store, align;
    std::vector<std::pair<const char*, uint8_t>> ops;
  };
  const std::vector<Form> forms = {
      {i32, "i32_load", 0x28, 0x36, 2, {{"i32_add", 0x6a}, {"i32_sub", 0x6b}, {"i32_mul", 0x6c}, {"i32_and", 0x71}, {"i32_or", 0x72}, {"i32_xor", 0x73}}},
      {i32, "i32_load8_u", 0x2d, 0x3a, 0, {{"i32_add", 0x6a}, {"i32_sub", 0x6b}, {"i32_and", 0x71}, {"i32_or", 0x72}, {"i32_xor", 0x73}}},
      {i32, "i32_load8_s", 0x2c, 0x3a, 0, {{"i32_add", 0x6a}, {"i32_sub", 0x6b}}},
      {i64, "i64_load", 0x29, 0x37, 3, {{"i64_add", 0x7c}, {"i64_sub", 0x7d}, {"i64_and", 0x83}, {"i64_or", 0x84}, {"i64_xor", 0x85}}},
      {f32, "f32_load", 0x2a, 0x38, 2, {{"f32_add", 0x92}, {"f32_sub", 0x93}, {"f32_mul", 0x94}, {"f32_div", 0x95}}},
      {f64, "f64_load", 0x2b, 0x39, 3, {{"f64_add", 0xa0}, {"f64_sub", 0xa1}, {"f64_mul", 0xa2}, {"f64_div", 0xa3}}},
  };
  for (const Form& f : forms) {
    Harness h;
    for (auto [op, code] : f.ops) {
      std::string n = std::string(f.name) + "_add_" + op;
      const Bytes address = cat({get(0), get(1), {0x6a}});
      const Bytes store = cat({address, get(2), {f.store, f.align, 4}});
      const Bytes load = cat({address, {f.load, f.align, 4}});
      h.add(n, {i32, i32, f.type, f.type}, f.type, cat({store, load, get(3), {code}}),
            cat({store, load, no_fuse, get(3), {code}}), n);
      const std::string o = op;
      const bool reversed = o == "i32_sub" || o == "i64_sub" || o == "f32_sub" || o == "f64_sub" ||
                            o == "f32_div" || o == "f64_div";
      h.add("swapped_" + n, {i32, i32, f.type, f.type}, f.type, cat({store, get(3), load, {code}}),
            cat({store, get(3), load, no_fuse, {code}}), reversed ? n + "_r" : n);
    }
    std::vector<weft::Value> as, bs;
    for (int32_t a : {0, 8, 65528, -4}) as.push_back(weft::Value::i32(a));
    for (int32_t b : {0, 3, 4}) bs.push_back(weft::Value::i32(b));
    std::vector<weft::Value> values = edge_values(f.type);
    SCOPED_TRACE(f.name);
    h.run({as, bs, values, values});
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(fusion, read_modify_write_of_memory) {
  // memory[addr + 4] = v; memory[addr + 4] = memory[addr + 4] op c; return memory[addr + 4]
  struct Form {
    uint8_t type;
    const char* prefix;
    uint8_t load, store, align;
    std::vector<std::pair<const char*, uint8_t>> ops;
  };
  const std::vector<Form> forms = {
      {i32, "i32", 0x28, 0x36, 2, {{"add", 0x6a}, {"sub", 0x6b}, {"mul", 0x6c}, {"and", 0x71}, {"or", 0x72}, {"xor", 0x73}}},
      {i64, "i64", 0x29, 0x37, 3, {{"add", 0x7c}, {"sub", 0x7d}, {"mul", 0x7e}, {"and", 0x83}, {"or", 0x84}, {"xor", 0x85}}},
      {f32, "f32", 0x2a, 0x38, 2, {{"add", 0x92}, {"sub", 0x93}, {"mul", 0x94}, {"div", 0x95}}},
      {f64, "f64", 0x2b, 0x39, 3, {{"add", 0xa0}, {"sub", 0xa1}, {"mul", 0xa2}, {"div", 0xa3}}},
  };
  for (const Form& f : forms) {
    Harness h;
    for (auto [op, code] : f.ops) {
      std::string n = std::string(f.prefix) + "_" + op + "_mem";
      const Bytes init = cat({get(0), get(2), {f.store, f.align, 4}});
      const Bytes back = cat({get(0), {f.load, f.align, 4}});
      h.add(n, {i32, f.type, f.type}, f.type,
            cat({init, get(0), get(0), {f.load, f.align, 4}, get(1), {code}, {f.store, f.align, 4}, back}),
            cat({init, get(0), get(0), {f.load, f.align, 4}, no_fuse, get(1), {code}, no_fuse,
                 {f.store, f.align, 4}, back}),
            n);
    }
    std::vector<weft::Value> addrs;
    for (int32_t a : {0, 16, 65524, 65528, -4}) addrs.push_back(weft::Value::i32(a));
    std::vector<weft::Value> values = edge_values(f.type);
    SCOPED_TRACE(f.prefix);
    h.run({addrs, values, values});
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(fusion, load_then_compare_and_branch) {
  // (i32.store (i32.add a b) c)
  // (block (local.set 3 LOAD) (br_if 0 (CMP (local.get 3) (local.get 2)))
  //        (return (i32.shl (local.get 3) (i32.const 1))))
  // (i32.add (i32.shl (local.get 3) (i32.const 1)) (i32.const 1))
  // LOAD: (i32.load8_u (i32.add a b)) or (i32.load (local.get 0))
  const std::vector<std::pair<const char*, uint8_t>> compares = {
      {"eq", 0x46}, {"ne", 0x47}, {"lt_s", 0x48}, {"lt_u", 0x49}, {"gt_s", 0x4a},
      {"gt_u", 0x4b}, {"le_s", 0x4c}, {"le_u", 0x4d}, {"ge_s", 0x4e}, {"ge_u", 0x4f}};
  Harness h;
  for (bool byte : {true, false}) {
    for (const auto& [cmp, cmp_code] : compares) {
      const uint8_t code = cmp_code;
      const Bytes store = cat({get(0), get(1), {0x6a}, get(2), {0x36, 0x02, 0x03}});
      const Bytes load = byte ? cat({get(0), get(1), {0x6a, 0x2d, 0x00, 0x03}}) : cat({get(0), {0x28, 0x02, 0x03}});
      const Bytes tail = {0x0d, 0x00, 0x20, 0x03, 0x41, 0x01, 0x74, 0x0f, 0x0b,
                          0x20, 0x03, 0x41, 0x01, 0x74, 0x41, 0x01, 0x6a};
      auto body = [&](bool fuse) {
        return cat({store, {0x02, 0x40}, load, local_set(3), fuse ? Bytes{} : no_fuse, get(3), get(2), {code}, tail});
      };
      std::string first = byte ? "i32_load8_u_add" : "i32_load";
      h.add(first + "_" + cmp, {i32, i32, i32, i32}, i32, body(true), body(false), first + "_br_i32_" + cmp);
    }
  }
  std::vector<weft::Value> as, bs, zero = {weft::Value::i32(0)};
  for (int32_t a : {0, 5, 65532, 65535, -2}) as.push_back(weft::Value::i32(a));
  for (int32_t b : {0, 1, 2}) bs.push_back(weft::Value::i32(b));
  h.run({as, bs, edge_values(i32), zero});
}

TEST(fusion, scaled_address_loads_and_stores) {
  // (T.store ((i << k) + base) v) then (T.load ((i << k) + base)), both at offset 11
  struct Form {
    uint8_t type;
    const char* prefix;
    uint8_t load, store, align;
  };
  const std::vector<Form> forms = {
      {i32, "i32", 0x28, 0x36, 2}, {i64, "i64", 0x29, 0x37, 3}, {f32, "f32", 0x2a, 0x38, 2}, {f64, "f64", 0x2b, 0x39, 3}};
  Harness h;
  for (const Form& f : forms) {
    const Bytes address = cat({get(0), get(1), {0x74}, get(2), {0x6a}});
    for (bool load : {false, true}) {
      // The other access is left unfused by a label before it.
      Bytes store_fused = cat({address, get(3), {f.store, f.align, 11}});
      Bytes store_plain = cat({get(0), get(1), {0x74}, get(2), {0x6a}, no_fuse, get(3), {f.store, f.align, 11}});
      Bytes load_fused = cat({address, {f.load, f.align, 11}});
      Bytes load_plain = cat({get(0), get(1), {0x74}, get(2), {0x6a}, no_fuse, {f.load, f.align, 11}});
      std::string n = std::string(f.prefix) + (load ? "_load_scaled" : "_store_scaled");
      h.add(n, {i32, i32, i32, f.type}, f.type,
            load ? cat({store_plain, load_fused}) : cat({store_fused, load_plain}),
            cat({store_plain, load_plain}), n);
    }
  }
  std::vector<weft::Value> is, ks, bases;
  for (int32_t i : {0, 1, 3, 0x40000000}) is.push_back(weft::Value::i32(i));
  for (int32_t k : {0, 2, 3, 33}) ks.push_back(weft::Value::i32(k));
  for (int32_t b : {0, 100, 65520, -8}) bases.push_back(weft::Value::i32(b));
  // The stored value's type differs per form: one harness per type.
  Harness by_type[4];
  for (size_t i = 0; i < h.funcs.size(); i += 2) {
    size_t t = i / 4;  // two cases per type, two functions per case
    by_type[t].funcs.push_back(h.funcs[i]);
    by_type[t].funcs.push_back(h.funcs[i + 1]);
    by_type[t].expected.push_back(h.expected[i / 2]);
  }
  for (size_t t = 0; t < 4; ++t) {
    auto values = edge_values(forms[t].type);
    SCOPED_TRACE(forms[t].prefix);
    by_type[t].run({is, ks, bases, {values[2], values[3]}});
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(fusion, a_single_result_is_computed_into_its_slot) {
  // (func (param i32 i32) (result i32) (i32.sub (local.get 1) (local.get 0))): the sub
  // writes the result slot, which is parameter 0's, after reading both.
  std::vector<Func> funcs = {{"sub", {i32, i32}, i32, {0x20, 0x01, 0x20, 0x00, 0x6b}}};
  weft::Engine engine;
  auto module = engine.compile(build(funcs));
  ASSERT_TRUE(module) << module.error().to_string();
  std::string listing = module->lowered_code();
  EXPECT_EQ(listing.find("copy64"), std::string::npos) << listing;
  weft::Store store(engine);
  weft::Linker linker(engine);
  auto instance = linker.instantiate(store, *module);
  ASSERT_TRUE(instance);
  auto sub = instance->typed_func<int32_t(int32_t, int32_t)>("sub");
  ASSERT_TRUE(sub);
  EXPECT_EQ(*(*sub)(store, 3, 40), 37);
  EXPECT_EQ(*(*sub)(store, 40, 3), -37);
}

}  // namespace

namespace {

TEST(fusion, two_additions_in_a_row) {
  // (local.set 0 (i32.add a b)) (local.set 1 (i32.add X d)) (i32.sub (local.get 0) (local.get 1))
  // X is c (independent) or local 0 (the first sum: the second add must see it, and the
  // two become the pair that keeps its first sum in the local).
  Harness h;
  for (bool dependent : {false, true}) {
    const Bytes first = cat({get(0), get(1), {0x6a}, local_set(0)});
    const Bytes second = cat({get(dependent ? 0 : 2), get(3), {0x6a}, local_set(1)});
    const Bytes tail = cat({get(0), get(1), {0x6b}});
    h.add(dependent ? "dependent" : "independent", {i32, i32, i32, i32}, i32, cat({first, second, tail}),
          cat({first, no_fuse, second, tail}), dependent ? "i32_add_i32_add_keep" : "i32_add_x2");
  }
  std::vector<weft::Value> values = edge_values(i32);
  h.run({values, values, values, values});
}

}  // namespace

namespace {

TEST(fusion, branch_on_a_value_just_computed) {
  // (block (local.set 3 FIRST) (br_if 0 (local.get 3)) (return (i32.shl (local.get 3) (i32.const 1))))
  // (i32.add (i32.shl (local.get 3) (i32.const 1)) (i32.const 1)); br_unless comes from
  // (if (local.get 3) (then) (else (br 1))) style code: an if on d jumps when d == 0.
  struct First {
    const char* name;
    Bytes code;  ///< computes the value from locals 0..2
  };
  const std::vector<First> firsts = {
      {"i32_add", cat({get(0), get(1), {0x6a}})},
      {"i32_and", cat({get(0), get(1), {0x71}})},
      {"i32_load", cat({get(0), {0x28, 0x02, 0x03}})},
      {"i32_load8_u_add", cat({get(0), get(1), {0x6a, 0x2d, 0x00, 0x03}})},
  };
  const Bytes store = cat({get(0), get(1), {0x6a}, get(2), {0x36, 0x02, 0x03}});
  Harness h;
  for (const First& f : firsts) {
    // br_if: taken when d != 0
    const Bytes tail_if = {0x0d, 0x00, 0x20, 0x03, 0x41, 0x01, 0x74, 0x0f, 0x0b,
                           0x20, 0x03, 0x41, 0x01, 0x74, 0x41, 0x01, 0x6a};
    auto br_if = [&](bool fuse) {
      return cat({store, {0x02, 0x40}, f.code, local_set(3), fuse ? Bytes{} : no_fuse, get(3), tail_if});
    };
    h.add(std::string(f.name) + "_br_if", {i32, i32, i32, i32}, i32, br_if(true), br_if(false),
          std::string(f.name) + "_br_if");
    // if without else: the jump over the then-branch is taken when d == 0
    // (if (local.get 3) (then (return (i32.const 7)))) (local.get 3)
    const Bytes tail_unless = {0x04, 0x40, 0x41, 0x07, 0x0f, 0x0b, 0x20, 0x03};
    auto unless = [&](bool fuse) {
      return cat({store, f.code, local_set(3), fuse ? Bytes{} : no_fuse, get(3), tail_unless});
    };
    h.add(std::string(f.name) + "_br_unless", {i32, i32, i32, i32}, i32, unless(true), unless(false),
          std::string(f.name) + "_br_unless");
  }
  std::vector<weft::Value> as, bs, cs, zero = {weft::Value::i32(0)};
  for (int32_t a : {0, 1, 6, 65532, 65535, -2}) as.push_back(weft::Value::i32(a));
  for (int32_t b : {0, 1, -1}) bs.push_back(weft::Value::i32(b));
  for (int32_t c : {0, 1, 0x100, -1}) cs.push_back(weft::Value::i32(c));
  h.run({as, bs, cs, zero});
}

TEST(fusion, select_on_a_comparison) {
  // (select (local.get 2) (local.get 3) (CMP (local.get 0) (local.get 1)))
  const std::vector<std::pair<const char*, uint8_t>> compares = {
      {"eq", 0x46}, {"ne", 0x47}, {"lt_s", 0x48}, {"lt_u", 0x49}, {"gt_s", 0x4a},
      {"gt_u", 0x4b}, {"le_s", 0x4c}, {"le_u", 0x4d}, {"ge_s", 0x4e}, {"ge_u", 0x4f}};
  Harness h;
  for (const auto& [cmp, code] : compares) {
    const uint8_t c = code;
    h.add(std::string("select_") + cmp, {i32, i32, i64, i64}, i64,
          cat({get(2), get(3), get(0), get(1), {c, 0x1b}}),
          cat({get(2), get(3), get(0), get(1), {c}, no_fuse, {0x1b}}), std::string("i32_") + cmp + "_select");
  }
  std::vector<weft::Value> values = edge_values(i32);
  std::vector<weft::Value> xs = {weft::Value::i64(11)}, ys = {weft::Value::i64(-22)};
  h.run({values, values, xs, ys});
}

TEST(fusion, br_table_on_a_sum) {
  // (block (block (block (br_table 0 1 2 (i32.add (local.get 0) (local.get 1))))
  //   (return (i32.const 10))) (return (i32.const 20))) (i32.const 30)
  auto body = [](bool fuse) {
    return cat({{0x02, 0x40, 0x02, 0x40, 0x02, 0x40}, get(0), get(1), {0x6a}, fuse ? Bytes{} : no_fuse,
                {0x0e, 0x02, 0x00, 0x01, 0x02, 0x0b, 0x41, 0x0a, 0x0f, 0x0b, 0x41, 0x14, 0x0f, 0x0b, 0x41, 0x1e}});
  };
  Harness h;
  h.add("table", {i32, i32}, i32, body(true), body(false), "i32_add_br_table");
  std::vector<weft::Value> as, bs;
  for (int32_t a : {0, 1, 2, 3, -1, 0x7fffffff}) as.push_back(weft::Value::i32(a));
  for (int32_t b : {0, 1, -1, 2}) bs.push_back(weft::Value::i32(b));
  h.run({as, bs});
}

TEST(fusion, br_table_on_a_loaded_byte) {
  // memory[11..15) = 0x02 0xff 0x80 0x01; (local.set 0 (LOAD8 offset=11 (i32.add a b)));
  // (block (block (block (br_table 0 1 2 (i32.add (local.get 0) (local.get 1)))) ...
  // (return 10)) (return 20)) 30 + local 0: a switch on a character just read.
  auto body = [](uint8_t load, bool fuse) {
    return cat({{0x41, 0x08, 0x41, 0x82, 0xfe, 0x83, 0x0c, 0x36, 0x02, 0x03},  // i32.store 0x0180ff02
                get(0), get(1), {0x6a, load, 0x00, 0x0b, 0x21, 0x00}, fuse ? Bytes{} : no_fuse,
                {0x02, 0x40, 0x02, 0x40, 0x02, 0x40}, get(0), get(1), {0x6a},
                {0x0e, 0x02, 0x00, 0x01, 0x02, 0x0b, 0x41, 0x0a, 0x0f, 0x0b, 0x41, 0x14, 0x0f, 0x0b,
                 0x41, 0x1e}, get(0), {0x6a}});
  };
  Harness h;
  h.add("signed", {i32, i32}, i32, body(0x2c, true), body(0x2c, false), "i32_load8_s_add_br_table");
  h.add("unsigned", {i32, i32}, i32, body(0x2d, true), body(0x2d, false), "i32_load8_u_add_br_table");
  std::vector<weft::Value> as, bs;
  for (int32_t a : {0, 1, 2, 3, 65527, -9}) as.push_back(weft::Value::i32(a));
  for (int32_t b : {0, 1, -1, 2, 0x7f}) bs.push_back(weft::Value::i32(b));
  h.run({as, bs});
}

}  // namespace

namespace {

TEST(fusion, calls_within_the_module_take_the_direct_path) {
  // (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  // (func (export "f") (param i32 i32) (result i32) (i32.add (call $sq (local.get 0)) (local.get 1)))
  std::vector<Func> funcs = {
      {"sq", {i32}, i32, {0x20, 0x00, 0x20, 0x00, 0x6c}},
      {"f", {i32, i32}, i32, {0x20, 0x00, 0x10, 0x00, 0x20, 0x01, 0x6a}},
  };
  weft::Engine engine;
  auto module = engine.compile(build(funcs));
  ASSERT_TRUE(module) << module.error().to_string();
  std::string listing = module->lowered_code();
  EXPECT_NE(listing.find("call_local"), std::string::npos) << listing;
  weft::Store store(engine);
  weft::Linker linker(engine);
  auto instance = linker.instantiate(store, *module);
  ASSERT_TRUE(instance);
  auto f = instance->typed_func<int32_t(int32_t, int32_t)>("f");
  ASSERT_TRUE(f);
  EXPECT_EQ(*(*f)(store, 7, 1), 50);
  EXPECT_EQ(*(*f)(store, -3, -9), 0);
}

}  // namespace

namespace {

TEST(fusion, product_added_into_memory) {
  // memory[a + 11] = x (the multiplicand of the load forms); memory[a + 4] = v;
  // memory[a + 4] += PRODUCT; return memory[a + 4]. PRODUCT is x * y, x * y * z, or
  // memory[a + 11] * y. Unfused: a label after the product, so only the rmw forms.
  struct Form {
    uint8_t type;
    const char* prefix;
    uint8_t load, store, mul, add, align;
  };
  for (const Form& f : {Form{f64, "f64", 0x2b, 0x39, 0xa2, 0xa0, 3}, Form{f32, "f32", 0x2a, 0x38, 0x94, 0x92, 2}}) {
    const std::string p = f.prefix;
    const Bytes init = cat({get(0), get(1), {f.store, f.align, 11}, get(0), get(1), {f.store, f.align, 4}});
    const Bytes tail = cat({get(0), {f.load, f.align, 4}, {f.add}, {f.store, f.align, 4}, get(0), {f.load, f.align, 4}});
    const std::vector<std::pair<std::string, Bytes>> products = {
        {p + "_mul", cat({get(1), get(2), {f.mul}})},
        {p + "_mul_" + p + "_mul", cat({get(1), get(2), {f.mul}, get(3), {f.mul}})},
        {p + "_load_" + p + "_mul", cat({get(0), {f.load, f.align, 11}, get(2), {f.mul}})},
    };
    Harness h;
    for (const auto& [first, product] : products) {
      std::string n = first + "_" + p + "_add_mem";
      h.add(n, {i32, f.type, f.type, f.type}, f.type, cat({init, get(0), product, tail}),
            cat({init, get(0), product, no_fuse, tail}), n);
    }
    std::vector<weft::Value> addrs;
    for (int32_t a : {0, 16, 65524, 65528, -4}) addrs.push_back(weft::Value::i32(a));
    std::vector<weft::Value> values = edge_values(f.type);
    SCOPED_TRACE(f.prefix);
    h.run({addrs, values, values, {values[0], values[3], values[8]}});
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(fusion, rotations_of_one_value_xored) {
  // rotl(a, k1) ^ rotl(a, k2) [^ rotl(a, k3) or ^ (a >> k3)], SHA-2's Σ and σ, with the
  // rotation counts as parameters (counts past the width wrap) and k3 a constant.
  struct Form {
    uint8_t type;
    const char* prefix;
    uint8_t rotl, shr_u, xor_, konst;
  };
  for (const Form& f : {Form{i32, "i32", 0x77, 0x76, 0x73, 0x41}, Form{i64, "i64", 0x89, 0x88, 0x85, 0x42}}) {
    const std::string p = f.prefix;
    const Bytes two = cat({get(0), get(1), {f.rotl}, get(0), get(2), {f.rotl}, {f.xor_}});
    const Bytes two_plain = cat({get(0), get(1), {f.rotl}, no_fuse, get(0), get(2), {f.rotl}, {f.xor_}});
    Harness h;
    h.add(p + "_rotl2_xor", {f.type, f.type, f.type}, f.type, two, two_plain, p + "_rotl2_xor");
    for (uint8_t k3 : {7, 45}) {
      const std::string ks = std::to_string(k3);
      for (bool shift : {false, true}) {
        const Bytes third = cat({get(0), {f.konst, k3}, {shift ? f.shr_u : f.rotl}, {f.xor_}});
        const std::string n = p + (shift ? "_rotl2_shr_u_xor" : "_rotl3_xor");
        h.add(n + "_" + ks, {f.type, f.type, f.type}, f.type, cat({two, third}),
              cat({two_plain, no_fuse, third}), n);
      }
    }
    std::vector<weft::Value> values = edge_values(f.type);
    SCOPED_TRACE(f.prefix);
    h.run({values, values, values});
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(fusion, store_then_the_loop_closing_branch) {
  // (loop (STORE at i + 103 or (i << 2) + 103, of i) (br_if 0 (CMP (local.tee 0 (i32.add
  // (local.get 0) (local.get 2))) (local.get 1)))) (i32.add (local.get 0) (LOAD at n + 3))
  struct Store {
    std::string name;
    Bytes fused;  ///< the address, value and store
    Bytes load;   ///< reads back at address n (local 1) the way the store wrote
  };
  const Bytes scaled = cat({get(0), {0x41, 0x02, 0x74, 0x41, 0xe4, 0x00, 0x6a}});  // (i << 2) + 100
  const Bytes added = cat({get(0), {0x41, 0xe4, 0x00, 0x6a}});                     // i + 100
  const std::vector<Store> stores = {
      {"i32_store8_add", cat({added, get(0), {0x3a, 0x00, 0x03}}), cat({get(1), {0x2d, 0x00, 0x03}})},
      {"i32_store_add", cat({added, get(0), {0x36, 0x00, 0x03}}), cat({get(1), {0x28, 0x00, 0x03}})},
      {"i32_store8", cat({get(0), get(0), {0x3a, 0x00, 0x67}}), cat({get(1), {0x2d, 0x00, 0x03}})},
      {"i32_store", cat({get(0), get(0), {0x36, 0x00, 0x67}}), cat({get(1), {0x28, 0x00, 0x03}})},
      {"f64_store", cat({get(0), get(0), {0xb8, 0x39, 0x03, 0x67}}),
       cat({get(1), {0x2b, 0x03, 0x03, 0xaa}})},  // f64.convert_i32_u, back with i32.trunc_f64_s
      {"i32_store_scaled", cat({scaled, get(0), {0x36, 0x00, 0x03}}), cat({get(1), {0x28, 0x00, 0x03}})},
  };
  const std::vector<std::pair<const char*, uint8_t>> compares = {{"ne", 0x47}, {"lt_u", 0x49}, {"lt_s", 0x48}};
  Harness h;
  for (const Store& s : stores) {
    for (const auto& [cmp, cmp_code] : compares) {
      const uint8_t code = cmp_code;
      auto body = [&](bool fuse) {
        return cat({{0x03, 0x40}, s.fused, fuse ? Bytes{} : no_fuse,
                    get(0), get(2), {0x6a, 0x22, 0x00}, get(1), {code, 0x0d, 0x00, 0x0b},
                    get(0), s.load, {0x6a}});
      };
      std::string n = s.name + "_add_br_i32_" + cmp;
      h.add(n, {i32, i32, i32}, i32, body(true), body(false), n);
    }
  }
  // Every loop ends: the step is positive and small, and n is reached, passed or (for ne
  // with a step that skips it) the store goes out of bounds and traps.
  std::vector<weft::Value> is, ns, steps;
  for (int32_t i : {0, 5, 16000, 65400}) is.push_back(weft::Value::i32(i));
  for (int32_t n : {0, 8, 16008, 65536}) ns.push_back(weft::Value::i32(n));
  for (int32_t step : {1, 4, 7}) steps.push_back(weft::Value::i32(step));
  h.run({is, ns, steps});
}

}  // namespace

namespace {

TEST(fusion, pairs_whose_first_result_stays_in_a_local) {
  // (i32.xor (local.tee 0 (a OP1 b)) c) OP2 ..., then + local 0: the local is still written.
  const std::vector<Op> ops = {{"add", 0x6a, true}, {"sub", 0x6b, false}, {"and", 0x71, true}, {"or", 0x72, true},
                               {"xor", 0x73, true}, {"shl", 0x74, false}, {"shr_u", 0x76, false}};
  Harness h;
  for (const Op& a : ops) {
    for (const Op& b : ops) {
      std::string n = std::string("i32_") + a.name + "_i32_" + b.name + "_keep";
      const Bytes first = cat({get(0), get(1), {a.code, 0x22, 0x00}});
      const Bytes tail = cat({get(0), {0x6a}});
      h.add(n, {i32, i32, i32}, i32, cat({first, get(2), {b.code}, tail}),
            cat({first, no_fuse, get(2), {b.code}, tail}), n);
      if (b.commutes)  // c OP2 t: the local is the right operand
        h.add("swapped_" + n, {i32, i32, i32}, i32, cat({get(2), first, {b.code}, tail}),
              cat({get(2), first, no_fuse, {b.code}, tail}), n);
    }
  }
  // c is the local itself: (local.tee 0 (a OP1 b)) OP2 (local.get 0)
  h.add("same_local", {i32, i32, i32}, i32, cat({get(0), get(1), {0x6b, 0x22, 0x00}, get(0), {0x74}}),
        cat({get(0), get(1), {0x6b, 0x22, 0x00}, no_fuse, get(0), {0x74}}), "i32_sub_i32_shl_keep");
  std::vector<weft::Value> values = edge_values(i32);
  h.run({values, values, values});
}

}  // namespace

namespace {

TEST(fusion, crc_table_lookups) {
  // memory[0, 2048) filled with c's low byte; then table[((c & 255) ^ x) << k + base] (or
  // ((c ^ x) & 255)), alone and as `(c >> 8) ^ lookup`, CRC-32's step.
  const Bytes fill = {0x41, 0x00, 0x20, 0x00, 0x41, 0x80, 0x10, 0xfc, 0x0b, 0x00};
  auto lookup = [](bool and_first, uint8_t k, bool fuse) {
    const Bytes index = and_first ? cat({get(0), {0x41, 0xff, 0x01, 0x71}, get(1), {0x73}})
                                  : cat({get(0), get(1), {0x73, 0x41, 0xff, 0x01, 0x71}});
    return cat({index, fuse ? Bytes{} : no_fuse, {0x41, k, 0x74}, get(2), {0x6a, 0x28, 0x02, 0x03}});
  };
  Harness h;
  for (bool and_first : {true, false}) {
    const std::string shape = and_first ? "and_xor" : "xor_and";
    for (uint8_t k : {2, 34}) {
      const std::string n = "table_" + shape + "_" + std::to_string(k);
      h.add(n, {i32, i32, i32}, i32, cat({fill, lookup(and_first, k, true)}),
            cat({fill, lookup(and_first, k, false)}), "i32_table_" + shape);
      const Bytes step_tail = cat({get(0), {0x41, 0x08, 0x76, 0x73}});
      h.add("step_" + n, {i32, i32, i32}, i32, cat({fill, lookup(and_first, k, true), step_tail}),
            cat({fill, lookup(and_first, k, false), no_fuse, step_tail}), "i32_shr_u_xor_table_" + shape);
    }
  }
  std::vector<weft::Value> cs, xs, bases;
  for (int32_t c : {0, 0x12345678, -1, 0x7f}) cs.push_back(weft::Value::i32(c));
  for (int32_t x : {0, 1, 0xff, 0x1234}) xs.push_back(weft::Value::i32(x));
  for (int32_t b : {0, 1000, 64512, 65532, -4}) bases.push_back(weft::Value::i32(b));
  h.run({cs, xs, bases});
}

TEST(fusion, address_additions_joined_to_a_product_added_into_memory) {
  // memory filled with 0x40; p = j + p; q = j + q; memory[p + 19] += x * memory[q + 11]
  // (matmul's inner loop: `c[j] += a * b[j]`, with both addresses in locals).
  const Bytes fill = {0x41, 0x00, 0x41, 0xc0, 0x00, 0x41, 0x80, 0x80, 0x04, 0xfc, 0x0b, 0x00};
  auto body = [&](bool fuse) {
    // memory[j + q + 11] = 3.0, so that the two offsets read different values
    const Bytes three = cat({get(0), get(2), {0x6a, 0x44, 0, 0, 0, 0, 0, 0, 0x08, 0x40, 0x39, 0x03, 0x0b}});
    return cat({fill, three, get(0), get(1), {0x6a, 0x22, 0x01}, fuse ? Bytes{} : no_fuse, get(3), get(0), get(2),
                {0x6a, 0x22, 0x02, 0x2b, 0x03, 0x0b, 0xa2}, get(1), {0x2b, 0x03, 0x13, 0xa0, 0x39, 0x03, 0x13},
                get(1), {0x2b, 0x03, 0x13}});
  };
  Harness h;
  h.add("axpy", {i32, i32, i32, f64}, f64, body(true), body(false), "i32_add_x2_f64_load_f64_mul_f64_add_mem");
  std::vector<weft::Value> js, ps, qs;
  for (int32_t j : {0, 8, 65528, -8}) js.push_back(weft::Value::i32(j));
  for (int32_t p : {0, 16, 65520}) ps.push_back(weft::Value::i32(p));
  for (int32_t q : {0, 24, 65535}) qs.push_back(weft::Value::i32(q));
  h.run({js, ps, qs, edge_values(f64)});
}

}  // namespace

namespace {

TEST(fusion, load_early_then_modified_and_stored_back) {
  // memory[a + 11] = v; then `memory[a + 11] = memory[a + 11] OP (x MID y)`, with the load
  // before x MID y is computed (`p->f -= expr`); back: memory[a + 11]. MID never traps; the
  // plain form has a label after the load.
  struct Form {
    uint8_t type;
    const char* prefix;
    uint8_t load, store, align;
    std::vector<std::pair<const char*, uint8_t>> ops;
    uint8_t mid;
    const char* mid_name;
  };
  const std::vector<Form> forms = {
      {i32, "i32", 0x28, 0x36, 2, {{"add", 0x6a}, {"sub", 0x6b}, {"xor", 0x73}}, 0x6c, "i32_mul"},
      {i64, "i64", 0x29, 0x37, 3, {{"sub", 0x7d}, {"or", 0x84}}, 0x7c, "i64_add"},
      {f64, "f64", 0x2b, 0x39, 3, {{"sub", 0xa1}, {"add", 0xa0}}, 0xa3, "f64_div"},
  };
  for (const Form& f : forms) {
    Harness h;
    for (auto [op, code] : f.ops) {
      const Bytes init = cat({get(0), get(1), {f.store, f.align, 11}});
      auto body = [&, code = code](bool fuse) {
        return cat({init, get(0), get(0), {f.load, f.align, 11}, fuse ? Bytes{} : no_fuse, get(1), get(2),
                    {f.mid, code, f.store, f.align, 11}, get(0), {f.load, f.align, 11}});
      };
      std::string n = std::string(f.prefix) + "_" + op + "_mem";
      h.add(n, {i32, f.type, f.type}, f.type, body(true), body(false), n);
    }
    std::vector<weft::Value> addrs;
    for (int32_t a : {0, 16, 65524, 65528, -4}) addrs.push_back(weft::Value::i32(a));
    std::vector<weft::Value> values = edge_values(f.type);
    SCOPED_TRACE(f.prefix);
    h.run({addrs, values, values});
    if (::testing::Test::HasFatalFailure()) return;
  }
  // A product subtracted: the product joins too (rmw_of), as in n-body's `v -= d * m * mag`.
  Harness h;
  const Bytes init = cat({get(0), get(1), {0x39, 0x03, 8}});
  auto body = [&](bool fuse) {
    return cat({init, get(0), get(0), {0x2b, 0x03, 8}, fuse ? Bytes{} : no_fuse, get(1), get(2), {0xa2},
                get(3), {0xa2, 0xa1, 0x39, 0x03, 8}, get(0), {0x2b, 0x03, 8}});
  };
  h.add("product", {i32, f64, f64, f64}, f64, body(true), body(false), "f64_mul_f64_mul_f64_sub_mem");
  std::vector<weft::Value> addrs;
  for (int32_t a : {0, 65528, -4}) addrs.push_back(weft::Value::i32(a));
  std::vector<weft::Value> values = edge_values(f64);
  h.run({addrs, values, values, {values[2], values[8]}});
}

TEST(fusion, address_sum_kept_in_a_local_then_a_product_added_into_memory) {
  // (local.tee 0 (i32.add p o)); memory[local 0 + 27] += x * y (or -= with the load first);
  // back: memory[local 0 + 27] + local 0 as f64. Local 0 is neither p nor o, and the offset
  // is not 0, so that a handler mixing up its operands reads the wrong address.
  Harness h;
  for (bool sub : {false, true}) {
    auto body = [&](bool fuse) {
      const Bytes addr = cat({get(1), get(2), {0x6a, 0x22, 0x00}});
      const Bytes product = cat({get(3), get(4), {0xa2}});
      const Bytes rmw = sub ? cat({get(0), {0x2b, 0x03, 0x1b}, product, {0xa1, 0x39, 0x03, 0x1b}})
                            : cat({product, get(0), {0x2b, 0x03, 0x1b, 0xa0, 0x39, 0x03, 0x1b}});
      // memory[p + o + 27] = 2.5 first: both forms start from the same memory
      const Bytes init = cat({get(1), get(2), {0x6a, 0x44, 0, 0, 0, 0, 0, 0, 0x04, 0x40, 0x39, 0x03, 0x1b}});
      return cat({init, addr, fuse ? Bytes{} : no_fuse, rmw, get(0), {0x2b, 0x03, 0x1b}, get(0), {0xb8, 0xa0}});
    };
    std::string n = sub ? "i32_add_f64_mul_f64_sub_mem" : "i32_add_f64_mul_f64_add_mem";
    h.add(n, {i32, i32, i32, f64, f64}, f64, body(true), body(false), n);
  }
  std::vector<weft::Value> ds, ps, os;
  for (int32_t d : {0, 12345}) ds.push_back(weft::Value::i32(d));
  for (int32_t p : {0, 8, 65504, -32}) ps.push_back(weft::Value::i32(p));
  for (int32_t o : {0, 16, 1}) os.push_back(weft::Value::i32(o));
  std::vector<weft::Value> values = edge_values(f64);
  h.run({ds, ps, os, values, values});
}

}  // namespace

namespace {

TEST(fusion, a_loops_step_then_its_jump_back) {
  // (block (loop (br_if 1 (i32.ge_u (local.get 0) (local.get 1)))
  //   (local.set 0 (i32.add (local.get 0) (i32.const 3))) (br 0))) (local.get 0)
  auto body = [](bool fuse) {
    return cat({{0x02, 0x40, 0x03, 0x40}, get(0), get(1), {0x4f, 0x0d, 0x01}, get(0),
                {0x41, 0x03, 0x6a, 0x21, 0x00}, fuse ? Bytes{} : no_fuse, {0x0c, 0x00, 0x0b, 0x0b}, get(0)});
  };
  Harness h;
  h.add("step", {i32, i32}, i32, body(true), body(false), "i32_add_br");
  std::vector<weft::Value> is, ns;
  for (int32_t i : {0, 5, 100}) is.push_back(weft::Value::i32(i));
  for (int32_t n : {0, 7, 50, 200}) ns.push_back(weft::Value::i32(n));
  h.run({is, ns});
}

}  // namespace

namespace {

TEST(fusion, four_copies_in_a_row) {
  // (block (local.set 4 (local.get 0)) (local.set 0 (local.get 1)) (local.set 1 (local.get 2))
  //        (local.set 2 (local.get 3)) [(br 0)]) then a combination of all five locals that
  // depends on their order.
  auto body = [](bool fuse, bool branch) {
    return cat({{0x02, 0x40}, get(0), {0x21, 0x04}, get(1), {0x21, 0x00}, fuse ? Bytes{} : no_fuse, get(2),
                {0x21, 0x01}, get(3), {0x21, 0x02}, branch ? Bytes{0x0c, 0x00} : Bytes{}, {0x0b},
                get(0), get(1), {0x6b}, get(2), {0x73}, get(3), {0x6b}, get(4), {0x41, 0x05, 0x77, 0x73}});
  };
  Harness h;
  h.add("rotate", {i32, i32, i32, i32, i32}, i32, body(true, false), body(false, false), "copy64x4");
  h.add("rotate_br", {i32, i32, i32, i32, i32}, i32, body(true, true), body(false, true), "copy64x4_br");
  std::vector<weft::Value> v;
  for (int32_t x : {0, 1, 7, INT32_MIN}) v.push_back(weft::Value::i32(x));
  h.run({v, v, v, v, v});
}

}  // namespace

namespace {

TEST(fusion, an_addition_or_copy_then_a_conditional_branch) {
  // (block FIRST BRANCH (local.set 2 (i32.add (local.get 2) (i32.const 100)))) then all
  // four locals combined: FIRST is done, then the branch, whether or not it reads what
  // FIRST wrote.
  struct First {
    std::string name;
    Bytes code;
  };
  const std::vector<First> firsts = {
      {"i32_add", cat({get(2), get(1), {0x6a, 0x21, 0x02}})},
      {"copy64", cat({get(0), {0x21, 0x03}})},
      {"i32_add_x2", cat({get(2), get(1), {0x6a, 0x21, 0x02}, get(3), get(0), {0x6a, 0x21, 0x03}})},
  };
  struct Branch {
    std::string name;
    Bytes code;
    bool adds;  ///< an add-compare-branch (which an i32.add before it joins instead)
  };
  const std::vector<Branch> branches = {
      {"_then_br_i32_eq", cat({get(0), get(1), {0x46, 0x0d, 0x00}}), false},
      {"_then_br_i32_ne", cat({get(0), get(1), {0x47, 0x0d, 0x00}}), false},
      {"_then_br_i32_lt_u", cat({get(0), get(1), {0x49, 0x0d, 0x00}}), false},
      {"_then_br_i32_lt_s", cat({get(0), get(1), {0x48, 0x0d, 0x00}}), false},
      {"_then_br_if", cat({get(0), {0x0d, 0x00}}), false},
      {"_then_br_unless", cat({get(0), {0x45, 0x0d, 0x00}}), false},
      {"_add_br_i32_ne", cat({get(0), get(1), {0x6a, 0x22, 0x00}, get(2), {0x47, 0x0d, 0x00}}), true},
      {"_add_br_i32_lt_u", cat({get(0), get(1), {0x6a, 0x22, 0x00}, get(2), {0x49, 0x0d, 0x00}}), true},
      {"_add_br_i32_lt_s", cat({get(0), get(1), {0x6a, 0x22, 0x00}, get(2), {0x48, 0x0d, 0x00}}), true},
  };
  const Bytes rest = cat({get(2), {0x41, 0xe4, 0x00, 0x6a, 0x21, 0x02, 0x0b}});
  const Bytes combine = cat({get(0), get(1), {0x6b}, get(2), {0x73, 0x41, 0x03, 0x77}, get(3), {0x6b}});
  Harness h;
  for (const First& f : firsts) {
    for (const Branch& b : branches) {
      if (b.adds && f.name == "i32_add") continue;  // the two additions become i32_add_x2
      std::string n = f.name + b.name;
      h.add(n, {i32, i32, i32, i32}, i32, cat({{0x02, 0x40}, f.code, b.code, rest, combine}),
            cat({{0x02, 0x40}, f.code, no_fuse, b.code, rest, combine}), n);
    }
  }
  std::vector<weft::Value> v;
  for (int32_t x : {0, 1, 7, INT32_MIN}) v.push_back(weft::Value::i32(x));
  h.run({v, v, v, v});
}

}  // namespace

namespace {

TEST(fusion, a_loaded_value_tested_twice) {
  // memory[11..15) = 00 41 22 5c; c = memory[a + b + 11] (a byte, in local 2); the first test
  // (c == '"') and the second (c == '\\' or c != '\\') are one instruction.
  const Bytes init = {0x41, 0x00, 0x41, 0x80, 0x82, 0x89, 0xe1, 0x05, 0x36, 0x02, 0x0b};
  Harness h;
  for (bool equal : {true, false}) {
    auto body = [&](bool fuse) {
      return cat({init, {0x02, 0x40, 0x02, 0x40}, get(0), get(1), {0x6a, 0x2d, 0x00, 0x0b, 0x22, 0x02},
                  {0x41, 0x22, 0x46, 0x0d, 0x00}, fuse ? Bytes{} : no_fuse, get(2),
                  {0x41, 0xdc, 0x00, static_cast<uint8_t>(equal ? 0x46 : 0x47), 0x0d, 0x01}, get(2),
                  {0x41, 0xe8, 0x07, 0x6a, 0x0f, 0x0b}, get(2), {0x41, 0xd0, 0x0f, 0x6a, 0x0f, 0x0b},
                  get(2), {0x41, 0xb8, 0x17, 0x6a}});
    };
    std::string n = std::string("i32_load8_u_add_br_i32_eq_then_br_i32_") + (equal ? "eq" : "ne");
    h.add(n, {i32, i32, i32}, i32, body(true), body(false), n);
  }
  std::vector<weft::Value> as, bs;
  for (int32_t a : {0, 1, 2, 3, 65527}) as.push_back(weft::Value::i32(a));
  for (int32_t b : {0, 1}) bs.push_back(weft::Value::i32(b));
  h.run({as, bs, {weft::Value::i32(0)}});
}

TEST(fusion, a_list_walked) {
  // Nodes at 16, 32, 48: next at +0 (32, 48, 0), key at +4 (5, 7, 9). Then, in a loop, the
  // key test and the step to the next node, in either order.
  const Bytes init = cat({{0x41, 0x10, 0x41, 0x20, 0x36, 0x02, 0x03, 0x41, 0x20, 0x41, 0x30, 0x36, 0x02, 0x03},
                          {0x41, 0x10, 0x41, 0x05, 0x36, 0x02, 0x07, 0x41, 0x20, 0x41, 0x07, 0x36, 0x02, 0x07},
                          {0x41, 0x30, 0x41, 0x09, 0x36, 0x02, 0x07}});
  const Bytes key_test_exits = cat({get(0), {0x28, 0x02, 0x07}, get(1), {0x46, 0x0d, 0x01}});  // br_if 1
  const Bytes step_loops = cat({get(0), {0x28, 0x02, 0x03, 0x22, 0x00, 0x0d, 0x00}});          // br_if 0
  const Bytes step_exits = cat({get(0), {0x28, 0x02, 0x03, 0x22, 0x00, 0x0d, 0x01}});          // br_if 1
  const Bytes key_test_loops = cat({get(0), {0x28, 0x02, 0x07}, get(1), {0x46, 0x0d, 0x00}});  // br_if 0
  auto body = [&](const Bytes& a, const Bytes& b, bool fuse) {
    return cat({init, {0x02, 0x40, 0x03, 0x40}, a, fuse ? Bytes{} : no_fuse, b,
                {0x0b, 0x41, 0x7f, 0x0f, 0x0b}, get(0)});
  };
  Harness h;
  h.add("search", {i32, i32}, i32, body(key_test_exits, step_loops, true), body(key_test_exits, step_loops, false),
        "i32_load_br_i32_eq_then_i32_load_br_if");
  h.add("rotated", {i32, i32}, i32, body(step_exits, key_test_loops, true),
        body(step_exits, key_test_loops, false), "i32_load_br_if_then_i32_load_br_i32_eq");
  std::vector<weft::Value> ps, ks;
  for (int32_t p : {16, 32, 48, 0, 65534}) ps.push_back(weft::Value::i32(p));
  for (int32_t k : {5, 7, 9, 1}) ks.push_back(weft::Value::i32(k));
  h.run({ps, ks});
}

}  // namespace

namespace {

TEST(fusion, a_byte_range_checked) {
  // memory[8..12) = '5' 'a' '9' 0xff; (block (br_if 0 ((BYTE + -48) & 255 CMP 10)) ...): the
  // `(unsigned)(c - '0') < 10` of a tokenizer. BYTE is memory[a + 11] (a temporary: the load
  // joins too) or local 1 (the check alone).
  const Bytes init = {0x41, 0x00, 0x41, 0xb5, 0xc2, 0xe5, 0x79, 0x36, 0x02, 0x0b};
  Harness h;
  for (auto [cmp, code] : {std::pair<const char*, uint8_t>{"lt_u", 0x49}, {"ge_u", 0x4f}}) {
    for (bool loaded : {true, false}) {
      const Bytes byte = loaded ? cat({get(0), {0x2d, 0x00, 0x0b}}) : get(1);
      auto body = [&, code = code](bool fuse) {
        const Bytes check = {0x41, 0x50, 0x6a, 0x41, 0xff, 0x01, 0x71};
        return cat({init, {0x02, 0x40}, byte, fuse ? Bytes{} : no_fuse, check, fuse ? Bytes{} : no_fuse,
                    {0x41, 0x0a, code, 0x0d, 0x00}, get(0), {0x41, 0x64, 0x6a, 0x0f, 0x0b}, get(0)});
      };
      std::string n = std::string(loaded ? "i32_load8_u_" : "") + "i32_add_i32_and_br_i32_" + cmp;
      h.add(n, {i32, i32}, i32, body(true), body(false), n);
    }
  }
  std::vector<weft::Value> as, bs;
  for (int32_t a : {0, 1, 2, 3, 65530}) as.push_back(weft::Value::i32(a));
  for (int32_t b : {0x35, 0x2f, 0x3a, 0x130}) bs.push_back(weft::Value::i32(b));
  h.run({as, bs});
}

}  // namespace

namespace {

TEST(fusion, an_argument_added_just_before_the_call) {
  // (func $fib (param i32) (result i32): n < 2 ? n : fib(n - 1) + fib(n - 2)), whose calls
  // take the usual path; and (func $big (param i32) (result i32) (local i32 x 5) (i32.mul
  // (local.get 0) (i32.const 3))), whose frame takes the general path, called as
  // big(a + b) + 1.
  std::vector<Func> funcs = {
      {"fib", {i32}, i32,
       {0x20, 0x00, 0x41, 0x02, 0x48, 0x04, 0x7f, 0x20, 0x00, 0x05, 0x20, 0x00, 0x41, 0x7f, 0x6a, 0x10, 0x00,
        0x20, 0x00, 0x41, 0x7e, 0x6a, 0x10, 0x00, 0x6a, 0x0b}},
      {"big", {i32}, i32, {0x20, 0x00, 0x41, 0x03, 0x6c}, 5},
      {"g", {i32, i32}, i32, {0x20, 0x00, 0x20, 0x01, 0x6a, 0x10, 0x01, 0x41, 0x01, 0x6a}},
  };
  weft::Engine engine;
  auto module = engine.compile(build(funcs));
  ASSERT_TRUE(module) << module.error().to_string();
  std::string listing = module->lowered_code();
  EXPECT_NE(listing.find("i32_add_call_local"), std::string::npos) << listing;
  weft::Store store(engine);
  weft::Linker linker(engine);
  auto instance = linker.instantiate(store, *module);
  ASSERT_TRUE(instance) << instance.error().to_string();
  auto fib = instance->typed_func<int32_t(int32_t)>("fib");
  auto g = instance->typed_func<int32_t(int32_t, int32_t)>("g");
  ASSERT_TRUE(fib && g);
  EXPECT_EQ(*(*fib)(store, 20), 6765);
  EXPECT_EQ(*(*fib)(store, 1), 1);
  EXPECT_EQ(*(*g)(store, 4, 5), 28);
  EXPECT_EQ(*(*g)(store, -7, 2), -14);
  // Out of fuel on the general path: the trap names it, and the store is usable after.
  store.set_fuel(3);
  auto r = (*g)(store, 1, 1);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().to_string().find("fuel"), std::string::npos) << r.error().to_string();
  store.set_fuel(std::nullopt);
  EXPECT_EQ(*(*g)(store, 1, 1), 7);
}

}  // namespace

namespace {

TEST(fusion, two_loads_multiplied) {
  // memory[3..19) = 3, 5, -7, 0x10001 (i32s); memory[a + 7] * memory[b + 11] (or memory[b +
  // a + 11]): a dot product's step.
  const Bytes init = {0x41, 0x00, 0x41, 0x03, 0x36, 0x02, 0x03, 0x41, 0x00, 0x41, 0x05, 0x36, 0x02, 0x07,
                      0x41, 0x00, 0x41, 0x79, 0x36, 0x02, 0x0b, 0x41, 0x00, 0x41, 0x81, 0x80, 0x04, 0x36, 0x02, 0x0f};
  Harness h;
  for (bool added : {false, true}) {
    const Bytes second = added ? cat({get(1), get(0), {0x6a, 0x28, 0x02, 0x0b}}) : cat({get(1), {0x28, 0x02, 0x0b}});
    auto body = [&](bool fuse) {
      return cat({init, get(0), {0x28, 0x02, 0x07}, fuse ? Bytes{} : no_fuse, second, {0x6c}});
    };
    std::string n = added ? "i32_load_add_load_i32_mul" : "i32_load_x2_i32_mul";
    h.add(n, {i32, i32}, i32, body(true), body(false), n);
  }
  std::vector<weft::Value> v;
  for (int32_t x : {0, 4, 8, 65532, -4}) v.push_back(weft::Value::i32(x));
  h.run({v, v});
}

}  // namespace

namespace {

TEST(fusion, a_sum_of_three_with_a_rotation_sum) {
  // (Σ(a) + x) + y and (x + Σ(a)) + y, Σ = rotl(a, k1) ^ rotl(a, k2) ^ (rotl(a, 19) or
  // a >> 19): SHA-2's round and schedule sums.
  Harness h;
  for (bool shift : {false, true}) {
    const Bytes sigma = cat({get(0), get(1), {0x77}, get(0), get(2), {0x77, 0x73}, get(0),
                             {0x41, 0x13, static_cast<uint8_t>(shift ? 0x76 : 0x77), 0x73}});
    const std::string n = shift ? "i32_add_i32_add_rotl2_shr_u_xor" : "i32_add_i32_add_rotl3_xor";
    h.add(n, {i32, i32, i32, i32, i32}, i32, cat({sigma, get(3), {0x6a}, get(4), {0x6a}}),
          cat({sigma, no_fuse, get(3), {0x6a}, get(4), {0x6a}}), n);
    h.add("x_first_" + n, {i32, i32, i32, i32, i32}, i32, cat({get(3), sigma, {0x6a}, get(4), {0x6a}}),
          cat({get(3), sigma, no_fuse, {0x6a}, get(4), {0x6a}}), n);
  }
  std::vector<weft::Value> as, ks, xs;
  for (int32_t a : {0, 1, 0x12345678, INT32_MIN}) as.push_back(weft::Value::i32(a));
  for (int32_t k : {0, 7, 33}) ks.push_back(weft::Value::i32(k));
  for (int32_t x : {0, 1, -1}) xs.push_back(weft::Value::i32(x));
  h.run({as, ks, ks, xs, xs});
}

}  // namespace

namespace {

TEST(fusion, matmul_step_then_its_loop_closing_branch) {
  // As address_additions_joined_to_a_product_added_into_memory, in a block, then
  // (br_if 0 (i32.ne (local.tee 0 (i32.add j p)) q)); back: memory[p + 16] + j.
  const Bytes fill = {0x41, 0x00, 0x41, 0xc0, 0x00, 0x41, 0x80, 0x80, 0x04, 0xfc, 0x0b, 0x00};
  const Bytes three = cat({get(0), get(2), {0x6a, 0x44, 0, 0, 0, 0, 0, 0, 0x08, 0x40, 0x39, 0x03, 0x0b}});
  auto body = [&](bool fuse) {
    return cat({fill, three, {0x02, 0x40}, get(0), get(1), {0x6a, 0x22, 0x01}, get(3), get(0), get(2),
                {0x6a, 0x22, 0x02, 0x2b, 0x03, 0x0b, 0xa2}, get(1), {0x2b, 0x03, 0x13, 0xa0, 0x39, 0x03, 0x13},
                fuse ? Bytes{} : no_fuse, get(0), get(1), {0x6a, 0x22, 0x00}, get(2), {0x47, 0x0d, 0x00, 0x0b},
                get(1), {0x2b, 0x03, 0x13}, get(0), {0xb8, 0xa0}});
  };
  Harness h;
  h.add("axpy_loop", {i32, i32, i32, f64}, f64, body(true), body(false),
        "i32_add_x2_f64_load_f64_mul_f64_add_mem_add_br_i32_ne");
  std::vector<weft::Value> js, ps, qs;
  for (int32_t j : {0, 8, 65528, -8}) js.push_back(weft::Value::i32(j));
  for (int32_t p : {0, 16, 65520}) ps.push_back(weft::Value::i32(p));
  for (int32_t q : {0, 24, 65535}) qs.push_back(weft::Value::i32(q));
  h.run({js, ps, qs, edge_values(f64)});
}

}  // namespace

namespace {

TEST(fusion, matmul_loop_unrolled_by_two_is_one_instruction) {
  // clang's `for (j...) c[j] += x * b[j]` unrolled by two, as in matmul:
  //   a = j + p; b = j + q; memory[a + 19] += x * memory[b + 11];
  //   a = a + k; memory[a + 19] += x * memory[b + k2 + 11];
  //   br_if loop ((j = j + 16) CMP bound), bound = j + 48
  // with k and k2 locals or the constants 8 and 16, CMP ne, lt_u or lt_s. The increments, the bases
  // and p == q make the two steps' cells overlap (each reads what the other wrote); some
  // addresses wrap or are out of bounds in either step. Back: memory[a + 19] +
  // memory[p + 27] + j + b. Locals: 0 j, 1 p, 2 q, 3 x, 4 k, 5 a, 6 b, 7 bound, 8 k2.
  const Bytes fill = {0x41, 0x00, 0x41, 0xc0, 0x00, 0x41, 0x80, 0x80, 0x04, 0xfc, 0x0b, 0x00};
  const Bytes three = cat({get(0), get(2), {0x6a, 0x44, 0, 0, 0, 0, 0, 0, 0x08, 0x40, 0x39, 0x03, 0x0b}});
  const Bytes load_add_store = {0x2b, 0x03, 0x13, 0xa0, 0x39, 0x03, 0x13};
  auto body = [&](bool fuse, const Bytes& k, const Bytes& k2, uint8_t cmp) {
    return cat({fill, three, get(0), {0x41, 0x30, 0x6a, 0x21, 0x07}, {0x03, 0x40},
                get(0), get(1), {0x6a, 0x22, 0x05}, get(3), get(0), get(2), {0x6a, 0x22, 0x06, 0x2b, 0x03, 0x0b, 0xa2},
                get(5), load_add_store, fuse ? Bytes{} : no_fuse,
                get(5), k, {0x6a, 0x22, 0x05}, get(3), get(6), k2, {0x6a, 0x2b, 0x03, 0x0b, 0xa2},
                get(5), load_add_store,
                get(0), {0x41, 0x10, 0x6a, 0x22, 0x00}, get(7), {cmp, 0x0d, 0x00, 0x0b},
                get(5), {0x2b, 0x03, 0x13}, get(1), {0x2b, 0x03, 0x1b, 0xa0}, get(0), {0xb8, 0xa0},
                get(6), {0xb8, 0xa0}});
  };
  Harness h;
  const std::pair<uint8_t, const char*> compares[] = {{0x47, "ne"}, {0x49, "lt_u"}, {0x48, "lt_s"}};
  for (auto [cmp, cname] : compares) {
    for (bool constant : {false, true}) {
      const Bytes k = constant ? Bytes{0x41, 0x08} : get(4), k2 = constant ? Bytes{0x41, 0x10} : get(8);
      const std::string n = std::string("i32_add_x2_f64_load_f64_mul_f64_add_mem_x2_add_br_i32_") + cname;
      h.add(n + (constant ? "_const" : "_local"), {i32, i32, i32, f64, i32, i32, i32, i32, i32}, f64,
            body(true, k, k2, cmp), body(false, k, k2, cmp), n);
    }
  }
  std::vector<weft::Value> js, ps, qs, xs, ks, k2s, zero = {weft::Value::i32(0)};
  for (int32_t j : {0, 8, 65480, -8, 0x7ffffff0}) js.push_back(weft::Value::i32(j));
  for (int32_t p : {0, 16, 65480}) ps.push_back(weft::Value::i32(p));
  for (int32_t q : {0, 8, 24, 65535}) qs.push_back(weft::Value::i32(q));
  for (double x : {1.5, -0.0, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()})
    xs.push_back(weft::Value::f64(x));
  for (int32_t k : {8, 0, -8, 12}) ks.push_back(weft::Value::i32(k));
  for (int32_t k : {8, -8, 4}) k2s.push_back(weft::Value::i32(k));
  h.run({js, ps, qs, xs, ks, zero, zero, zero, k2s});
}

}  // namespace

namespace {

// Constant operands as immediates (interp::finish_code): an instruction whose operand names
// a constant that fits 32 bits runs a handler variant that reads the constant from the
// code instead of its slot. Each case runs with the constant and with the same value from a
// parameter, on edge values, and the constant form must list the immediate (#value).
struct ImmediateCase {
  std::string name;
  std::vector<uint8_t> params;
  uint8_t result;
  Bytes with_constant;  ///< reads the constant
  Bytes with_param;     ///< reads the last parameter instead
  bool expect_immediate = true;
};

void check_immediates(const std::vector<ImmediateCase>& cases, const std::vector<weft::Value>& xs,
                      const weft::Value& constant) {
  Harness h;
  for (const ImmediateCase& c : cases) {
    std::vector<uint8_t> params = c.params;
    params.push_back(constant.type() == weft::ValType::i64 ? i64 : i32);
    h.add(c.name, params, c.result, c.with_constant, c.with_param, "");
  }
  std::vector<std::vector<weft::Value>> args;
  for (size_t i = 0; i + 1 < cases.front().params.size() + 1; ++i) args.push_back(xs);
  args.push_back({constant});
  h.run(args);
  weft::Engine engine;
  auto module = engine.compile(build(h.funcs));
  ASSERT_TRUE(module);
  const std::string listing = module->lowered_code();
  for (size_t i = 0; i < cases.size(); ++i) {
    size_t at = listing.find("\"fused:" + cases[i].name + "\"");
    ASSERT_NE(at, std::string::npos);
    size_t end = listing.find("\nfunc ", at);
    const std::string body = listing.substr(at, end == std::string::npos ? std::string::npos : end - at);
    EXPECT_EQ(body.find(" #") != std::string::npos, cases[i].expect_immediate) << cases[i].name << ":\n" << body;
  }
}

/// `opcode` (i32.const or i64.const) and v, signed LEB128.
Bytes const_of(uint8_t opcode, int64_t v) {
  Bytes b = {opcode};
  for (bool more = true; more;) {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    more = !((v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40)));
    b.push_back(static_cast<uint8_t>(byte | (more ? 0x80 : 0)));
  }
  return b;
}
Bytes i32_const(int32_t v) { return const_of(0x41, v); }
Bytes i64_const(int64_t v) { return const_of(0x42, v); }

TEST(immediates, i32_constant_operands_match_the_values_from_a_local) {
  std::vector<weft::Value> xs;
  for (int32_t x : {0, 1, 7, 31, 32, 0x7fffffff, INT32_MIN, -1, 65530}) xs.push_back(weft::Value::i32(x));
  const std::pair<const char*, uint8_t> ops[] = {
      {"add", 0x6a}, {"sub", 0x6b}, {"mul", 0x6c}, {"and", 0x71}, {"or", 0x72}, {"xor", 0x73}, {"shl", 0x74},
      {"shr_s", 0x75}, {"shr_u", 0x76}, {"rotl", 0x77}, {"eq", 0x46}, {"ne", 0x47}, {"lt_u", 0x49}, {"gt_u", 0x4b}};
  for (int32_t k : {0, 1, 3, 31, 32, 0x7fffffff, INT32_MIN, -1, -4, 16}) {
    std::vector<ImmediateCase> cases;
    const Bytes kc = i32_const(k);
    for (auto [n, code] : ops)
      cases.push_back({std::string("i32_") + n, {i32}, i32, cat({get(0), kc, {code}}), cat({get(0), get(1), {code}})});
    // a compare-branch: block (br_if 0 (x <u k) with 7); 9 end
    cases.push_back({"br_i32_lt_u", {i32}, i32,
                     cat({{0x02, 0x7f, 0x41, 0x07}, get(0), kc, {0x49, 0x0d, 0x00, 0x1a, 0x41, 0x09, 0x0b}}),
                     cat({{0x02, 0x7f, 0x41, 0x07}, get(0), get(1), {0x49, 0x0d, 0x00, 0x1a, 0x41, 0x09, 0x0b}})});
    // a load at x + k + 4 (out of bounds for some), and a byte load at k + x
    cases.push_back({"i32_load_add", {i32}, i32, cat({get(0), kc, {0x6a, 0x28, 0x02, 0x04}}),
                     cat({get(0), get(1), {0x6a, 0x28, 0x02, 0x04}})});
    cases.push_back({"i32_load8_u_add", {i32}, i32, cat({kc, get(0), {0x6a, 0x2d, 0x00, 0x00}}),
                     cat({get(1), get(0), {0x6a, 0x2d, 0x00, 0x00}})});
    check_immediates(cases, xs, weft::Value::i32(k));
  }
}

TEST(immediates, i64_constants_are_immediates_only_when_they_fit_32_bits) {
  std::vector<weft::Value> xs;
  for (int64_t x : {int64_t{0}, int64_t{1}, int64_t{-1}, INT64_MIN, int64_t{0x123456789}}) xs.push_back(weft::Value::i64(x));
  for (int64_t k : {int64_t{1}, int64_t{0xffffffff}, int64_t{0x100000001}, int64_t{-1}, int64_t{-2}}) {
    const bool fits = k >= 0 && k <= 0xffffffff;
    const Bytes kc = i64_const(k);
    std::vector<ImmediateCase> cases;
    cases.push_back({"i64_add", {i64}, i64, cat({get(0), kc, {0x7c}}), cat({get(0), get(1), {0x7c}}), fits});
    check_immediates(cases, xs, weft::Value::i64(k));
  }
}

}  // namespace

namespace {

TEST(immediates, calls_of_a_function_whose_constants_are_all_immediates) {
  // fib(n) = n <u 2 ? n : fib(n - 1) + fib(n - 2): every constant is an immediate, so no
  // call copies the constant table (FunctionCode::consts_read); the slots it would fill are
  // what the caller's frame left there. fib2 also multiplies by an f64 constant (1.0,
  // truncated), which stays in its slot, so its calls copy the table.
  const Bytes fib = cat({get(0), i32_const(2), {0x49, 0x04, 0x7f}, get(0), {0x05}, get(0), i32_const(-1),
                         {0x6a, 0x10, 0x00}, get(0), i32_const(-2), {0x6a, 0x10, 0x00, 0x6a, 0x0b}});
  const Bytes fib2 = cat({get(0), i32_const(2), {0x49, 0x04, 0x7f}, get(0), {0x05}, get(0), i32_const(-1),
                          {0x6a, 0x10, 0x01}, get(0), i32_const(-2), {0x6a, 0x10, 0x01, 0x6a},
                          {0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0xaa, 0x6c, 0x0b}});
  weft::Engine engine;
  auto module = engine.compile(build({{"fib", {i32}, i32, fib}, {"fib2", {i32}, i32, fib2}}));
  ASSERT_TRUE(module) << module.error().to_string();
  const std::string listing = module->lowered_code();
  EXPECT_NE(listing.find("#-2"), std::string::npos) << listing;
  weft::Store store(engine);
  weft::Linker linker(engine);
  auto instance = linker.instantiate(store, *module);
  ASSERT_TRUE(instance) << instance.error().to_string();
  for (const char* name : {"fib", "fib2"}) {
    auto f = instance->get_func(name);
    ASSERT_TRUE(f);
    uint32_t a = 0, b = 1;
    for (int32_t n = 0; n <= 20; ++n) {
      auto r = f->call(store, std::vector<weft::Value>{weft::Value::i32(n)});
      ASSERT_TRUE(r) << name << "(" << n << "): " << r.error().to_string();
      EXPECT_EQ((*r)[0].i32(), static_cast<int32_t>(a)) << name << "(" << n << ")";
      const uint32_t next = a + b;
      a = b;
      b = next;
    }
  }
}

}  // namespace

namespace {

TEST(fusion, a_dot_products_last_sum_and_an_inverse_cube) {
  // (x * y + z) + w and w + (x * y + z): the sum of squares of a distance; z / (x * sqrt(w))
  // and z / (sqrt(w) * x): its inverse cube (n-body). Each against the same with a label
  // before its last instruction.
  Harness h;
  const Bytes mul_add = cat({get(0), get(1), {0xa2}, get(2), {0xa0}});
  h.add("sum_last", {f64, f64, f64, f64}, f64, cat({mul_add, get(3), {0xa0}}),
        cat({mul_add, get(3), no_fuse, {0xa0}}), "f64_mul_f64_add_f64_add");
  h.add("sum_first", {f64, f64, f64, f64}, f64, cat({get(3), mul_add, {0xa0}}),
        cat({get(3), mul_add, no_fuse, {0xa0}}), "f64_mul_f64_add_f64_add");
  h.add("inverse_cube", {f64, f64, f64, f64}, f64, cat({get(2), get(0), get(3), {0x9f, 0xa2, 0xa3}}),
        cat({get(2), get(0), get(3), {0x9f}, no_fuse, {0xa2, 0xa3}}), "f64_sqrt_f64_mul_f64_div_r");
  h.add("inverse_cube_sqrt_first", {f64, f64, f64, f64}, f64, cat({get(2), get(3), {0x9f}, get(0), {0xa2, 0xa3}}),
        cat({get(2), get(3), {0x9f}, no_fuse, get(0), {0xa2, 0xa3}}), "f64_sqrt_f64_mul_f64_div_r");
  const std::vector<weft::Value> v = edge_values(f64);
  h.run({v, v, v, v});
}

}  // namespace

namespace {

TEST(fusion, a_loaded_difference_kept_in_a_local_then_multiplied) {
  // l = c - memory[a + b + 11] (local.tee), then l * x, x * l or l * l; back: that + l
  // (n-body's dx = b->x - c->x, dx * mass, dy * dy). Memory filled with 0x40 bytes.
  const Bytes fill = {0x41, 0x00, 0x41, 0xc0, 0x00, 0x41, 0x80, 0x80, 0x04, 0xfc, 0x0b, 0x00};
  const Bytes diff = cat({get(2), get(0), get(1), {0x6a, 0x2b, 0x03, 0x0b, 0xa1, 0x22, 0x04}});
  const Bytes back = cat({get(4), {0xa0}});
  Harness h;
  h.add("l_times_x", {i32, i32, f64, f64, f64}, f64, cat({fill, diff, get(3), {0xa2}, back}),
        cat({fill, diff, no_fuse, get(3), {0xa2}, back}), "f64_load_add_f64_sub_r_f64_mul_keep");
  h.add("x_times_l", {i32, i32, f64, f64, f64}, f64, cat({fill, get(3), diff, {0xa2}, back}),
        cat({fill, get(3), diff, no_fuse, {0xa2}, back}), "f64_load_add_f64_sub_r_f64_mul_keep");
  h.add("l_squared", {i32, i32, f64, f64, f64}, f64, cat({fill, diff, get(4), {0xa2}, back}),
        cat({fill, diff, no_fuse, get(4), {0xa2}, back}), "f64_load_add_f64_sub_r_f64_mul_keep");
  std::vector<weft::Value> as, bs, zero = {weft::Value::f64(0)};
  for (int32_t a : {0, 8, 65520, -8}) as.push_back(weft::Value::i32(a));
  for (int32_t b : {0, 5, 13}) bs.push_back(weft::Value::i32(b));
  h.run({as, bs, edge_values(f64), edge_values(f64), zero});
}

}  // namespace

namespace {

TEST(fusion, sha2_majority_and_a_sum_with_its_choice) {
  // t = (a ^ b) & c, then (x & y) ^ t (SHA-2's majority), and x + t + y, t + x + y (the
  // choice function's half in a round's sum). Params: a b c x y.
  const Bytes t = cat({get(0), get(1), {0x73}, get(2), {0x71}});
  Harness h;
  h.add("maj", {i32, i32, i32, i32, i32}, i32, cat({t, get(3), get(4), {0x71, 0x73}}),
        cat({t, no_fuse, get(3), get(4), {0x71, 0x73}}), "i32_maj");
  h.add("sum_t_middle", {i32, i32, i32, i32, i32}, i32, cat({get(3), t, {0x6a}, get(4), {0x6a}}),
        cat({get(3), t, no_fuse, {0x6a}, get(4), {0x6a}}), "i32_add_i32_add_xor_and");
  h.add("sum_t_first", {i32, i32, i32, i32, i32}, i32, cat({t, get(3), {0x6a}, get(4), {0x6a}}),
        cat({t, no_fuse, get(3), {0x6a}, get(4), {0x6a}}), "i32_add_i32_add_xor_and");
  std::vector<weft::Value> v;
  for (int32_t x : {0, 1, -1, 0x12345678, INT32_MIN, 0x0f0f0f0f}) v.push_back(weft::Value::i32(x));
  h.run({v, v, v, v, v});
}

}  // namespace
