// End-to-end tests of instantiation and the public API over real modules: linking errors,
// segment initialization with its partial effects, the start function, globals, exports,
// host functions and the argument checks of calls. Each module's WAT is beside its bytes
// (produced with `wat2wasm x.wat -o x.wasm && xxd -i x.wasm`).
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "weft/weft.hpp"

using weft::ErrorKind;
using weft::Limits;
using weft::TrapKind;
using weft::ValType;
using weft::Value;

namespace {

// (module
//   (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
const std::vector<uint8_t> add_wasm = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f,
    0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64,
    0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
};

// (module
//   (import "env" "mem" (memory 1))
//   (data (i32.const 0) "hi")
//   (data (i32.const 65535) "xyz"))
const std::vector<uint8_t> data_oob_wasm = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x02, 0x0c, 0x01, 0x03, 0x65, 0x6e,
    0x76, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01, 0x0b, 0x12, 0x02, 0x00, 0x41, 0x00,
    0x0b, 0x02, 0x68, 0x69, 0x00, 0x41, 0xff, 0xff, 0x03, 0x0b, 0x03, 0x78, 0x79, 0x7a,
};

// (module
//   (import "env" "base" (global $base i32))
//   (global (export "copy") i32 (global.get $base))
//   (global (export "i64") i64 (i64.const -5))
//   (global (export "f32") f32 (f32.const 1.5))
//   (global (export "f64") (mut f64) (f64.const 2.25))
//   (global (export "fref") funcref (ref.func $get))
//   (func $get (export "get_f64") (result f64) global.get 4))
const std::vector<uint8_t> globals_wasm = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7c, 0x02,
    0x0d, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x04, 0x62, 0x61, 0x73, 0x65, 0x03, 0x7f, 0x00, 0x03, 0x02,
    0x01, 0x00, 0x06, 0x24, 0x05, 0x7f, 0x00, 0x23, 0x00, 0x0b, 0x7e, 0x00, 0x42, 0x7b, 0x0b, 0x7d,
    0x00, 0x43, 0x00, 0x00, 0xc0, 0x3f, 0x0b, 0x7c, 0x01, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x40, 0x0b, 0x70, 0x00, 0xd2, 0x00, 0x0b, 0x07, 0x2b, 0x06, 0x04, 0x63, 0x6f, 0x70, 0x79,
    0x03, 0x01, 0x03, 0x69, 0x36, 0x34, 0x03, 0x02, 0x03, 0x66, 0x33, 0x32, 0x03, 0x03, 0x03, 0x66,
    0x36, 0x34, 0x03, 0x04, 0x04, 0x66, 0x72, 0x65, 0x66, 0x03, 0x05, 0x07, 0x67, 0x65, 0x74, 0x5f,
    0x66, 0x36, 0x34, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x23, 0x04, 0x0b,
};

// (module
//   (import "env" "add" (func $add (param i32 i32) (result i32)))
//   (import "env" "log" (func $log (param i32 i32)))
//   (import "env" "fail" (func $fail (result i32)))
//   (memory (export "memory") 1)
//   (data (i32.const 16) "hello")
//   (func (export "sum") (param i32 i32) (result i32) local.get 0 local.get 1 call $add)
//   (func (export "say") i32.const 16 i32.const 5 call $log)
//   (func (export "fail") (result i32) call $fail))
const std::vector<uint8_t> host_wasm = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x13, 0x04, 0x60, 0x02, 0x7f, 0x7f, 0x01,
    0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x00, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x02, 0x20, 0x03,
    0x03, 0x65, 0x6e, 0x76, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6c,
    0x6f, 0x67, 0x00, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x04, 0x66, 0x61, 0x69, 0x6c, 0x00, 0x02, 0x03,
    0x04, 0x03, 0x00, 0x03, 0x02, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x1d, 0x04, 0x06, 0x6d, 0x65,
    0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x03, 0x73, 0x75, 0x6d, 0x00, 0x03, 0x03, 0x73, 0x61, 0x79,
    0x00, 0x04, 0x04, 0x66, 0x61, 0x69, 0x6c, 0x00, 0x05, 0x0a, 0x18, 0x03, 0x08, 0x00, 0x20, 0x00,
    0x20, 0x01, 0x10, 0x00, 0x0b, 0x08, 0x00, 0x41, 0x10, 0x41, 0x05, 0x10, 0x01, 0x0b, 0x04, 0x00,
    0x10, 0x02, 0x0b, 0x0b, 0x0b, 0x01, 0x00, 0x41, 0x10, 0x0b, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
};

// (module
//   (import "env" "f" (func (param i32)))
//   (import "env" "mem" (memory 1 2))
//   (import "env" "tab" (table 2 funcref))
//   (import "env" "g" (global (mut i64))))
const std::vector<uint8_t> imports_wasm = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x01, 0x7f, 0x00,
    0x02, 0x2a, 0x04, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x66, 0x00, 0x00, 0x03, 0x65, 0x6e, 0x76,
    0x03, 0x6d, 0x65, 0x6d, 0x02, 0x01, 0x01, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x74, 0x61,
    0x62, 0x01, 0x70, 0x00, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x67, 0x03, 0x7e, 0x01,
};

// (module
//   (table (export "tab") 2 funcref)
//   (memory (export "mem") 1)
//   (func (export "call") (param i32) (result i32) local.get 0 call_indirect (result i32)))
const std::vector<uint8_t> provider_wasm = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x02, 0x60, 0x01, 0x7f,
    0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x04, 0x04, 0x01, 0x70,
    0x00, 0x02, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x14, 0x03, 0x03, 0x74, 0x61, 0x62,
    0x01, 0x00, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x04, 0x63, 0x61, 0x6c, 0x6c, 0x00,
    0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x11, 0x01, 0x00, 0x0b,
};

// (module
//   (import "env" "f" (func $f (result i32)))
//   (export "f" (func $f)))
const std::vector<uint8_t> reexport_wasm = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01,
    0x60, 0x00, 0x01, 0x7f, 0x02, 0x09, 0x01, 0x03, 0x65, 0x6e, 0x76,
    0x01, 0x66, 0x00, 0x00, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
};

// (module
//   (func (export "id_func") (param funcref) (result funcref) local.get 0)
//   (func (export "id_extern") (param externref) (result externref) local.get 0)
//   (func (export "mixed") (param i64 f32 f64) (result f64 i64)
//     local.get 2 local.get 1 f64.promote_f32 f64.add local.get 0))
const std::vector<uint8_t> refs_wasm = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x13, 0x03, 0x60, 0x01, 0x70, 0x01, 0x70,
    0x60, 0x01, 0x6f, 0x01, 0x6f, 0x60, 0x03, 0x7e, 0x7d, 0x7c, 0x02, 0x7c, 0x7e, 0x03, 0x04, 0x03,
    0x00, 0x01, 0x02, 0x07, 0x1f, 0x03, 0x07, 0x69, 0x64, 0x5f, 0x66, 0x75, 0x6e, 0x63, 0x00, 0x00,
    0x09, 0x69, 0x64, 0x5f, 0x65, 0x78, 0x74, 0x65, 0x72, 0x6e, 0x00, 0x01, 0x05, 0x6d, 0x69, 0x78,
    0x65, 0x64, 0x00, 0x02, 0x0a, 0x16, 0x03, 0x04, 0x00, 0x20, 0x00, 0x0b, 0x04, 0x00, 0x20, 0x00,
    0x0b, 0x0a, 0x00, 0x20, 0x02, 0x20, 0x01, 0xbb, 0xa0, 0x20, 0x00, 0x0b,
};

// (module
//   (type (func))
//   (func (type 0)))
// ;; followed by a custom section "meta" holding "abc", appended by hand: 00 08 04 "meta" "abc"
const std::vector<uint8_t> sections_wasm = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60,
    0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
    0x00, 0x08, 0x04, 0x6d, 0x65, 0x74, 0x61, 0x61, 0x62, 0x63,
};

// (module
//   (import "env" "tab" (table 2 funcref))
//   (import "env" "mem" (memory 1))
//   (func $f (result i32) i32.const 42)
//   (elem (i32.const 0) $f)
//   (elem (i32.const 1) $f $f)
//   (data (i32.const 0) "hi"))
const std::vector<uint8_t> segments_wasm = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x02,
    0x18, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x74, 0x61, 0x62, 0x01, 0x70, 0x00, 0x02, 0x03, 0x65,
    0x6e, 0x76, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01, 0x03, 0x02, 0x01, 0x00, 0x09, 0x0e, 0x02,
    0x00, 0x41, 0x00, 0x0b, 0x01, 0x00, 0x00, 0x41, 0x01, 0x0b, 0x02, 0x00, 0x00, 0x0a, 0x06, 0x01,
    0x04, 0x00, 0x41, 0x2a, 0x0b, 0x0b, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x68, 0x69,
};

// (module
//   (import "env" "hit" (func $hit (param i32)))
//   (global $g (export "g") (mut i32) (i32.const 0))
//   (func $start i32.const 7 global.set $g i32.const 5 call $hit)
//   (start $start))
const std::vector<uint8_t> start_wasm = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x60, 0x01, 0x7f,
    0x00, 0x60, 0x00, 0x00, 0x02, 0x0b, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x68, 0x69,
    0x74, 0x00, 0x00, 0x03, 0x02, 0x01, 0x01, 0x06, 0x06, 0x01, 0x7f, 0x01, 0x41, 0x00,
    0x0b, 0x07, 0x05, 0x01, 0x01, 0x67, 0x03, 0x00, 0x08, 0x01, 0x01, 0x0a, 0x0c, 0x01,
    0x0a, 0x00, 0x41, 0x07, 0x24, 0x00, 0x41, 0x05, 0x10, 0x00, 0x0b,
};

// (module
//   (memory (export "mem") 1)
//   (data (i32.const 0) "ok")
//   (func $start unreachable)
//   (start $start))
const std::vector<uint8_t> start_trap_wasm = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00,
    0x00, 0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x07, 0x01,
    0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x08, 0x01, 0x00, 0x0a, 0x05, 0x01, 0x03,
    0x00, 0x00, 0x0b, 0x0b, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x6f, 0x6b,
};

bool contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

class instance : public ::testing::Test {
 protected:
  weft::Module compile(const std::vector<uint8_t>& bytes) {
    auto m = engine.compile(bytes);
    if (!m) {
      ADD_FAILURE() << m.error().to_string();
      return weft::Module(nullptr);
    }
    return *m;
  }
  /// Instantiates and expects success.
  weft::Instance make(const std::vector<uint8_t>& bytes) {
    auto i = linker.instantiate(store, compile(bytes));
    if (!i) {
      ADD_FAILURE() << i.error().to_string();
      return weft::Instance();
    }
    return *i;
  }

  weft::Engine engine;
  weft::Store store{engine};
  weft::Linker linker{engine};
};

}  // namespace

// ---- linking ------------------------------------------------------------------------

TEST_F(instance, missing_import_is_unlinkable) {
  auto r = linker.instantiate(store, compile(imports_wasm));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::unlinkable);
  EXPECT_EQ(r.error().message, "unknown import: \"env\" \"f\"");
}

namespace {

/// Defines every import of `imports_wasm` with a matching value, then lets `change` replace
/// one of them.
void define_imports(weft::Linker& linker, weft::Store& store,
                    const std::function<void(weft::Linker&)>& change = {}) {
  linker.define_func("env", "f", [](int32_t) {});
  linker.define("env", "mem", *store.create_memory(weft::MemoryType{Limits{1, 2}}));
  linker.define("env", "tab",
                *store.create_table(weft::TableType{ValType::funcref, Limits{2, {}}},
                                    Value::null(ValType::funcref)));
  linker.define("env", "g",
                *store.create_global(weft::GlobalType{ValType::i64, true}, Value::i64(0)));
  if (change) change(linker);
}

}  // namespace

TEST_F(instance, matching_imports_link) {
  define_imports(linker, store);
  auto r = linker.instantiate(store, compile(imports_wasm));
  EXPECT_TRUE(r.has_value()) << r.error().to_string();
}

TEST_F(instance, import_types_must_match) {
  weft::Module module = compile(imports_wasm);
  struct Case {
    const char* what;
    std::function<void(weft::Store&, weft::Linker&)> change;
    bool links;
  };
  using weft::GlobalType;
  using weft::MemoryType;
  using weft::TableType;
  const Case cases[] = {
      {"func of another type",
       [](weft::Store&, weft::Linker& l) { l.define_func("env", "f", [](int64_t) {}); }, false},
      {"func with a result",
       [](weft::Store&, weft::Linker& l) { l.define_func("env", "f", [](int32_t) { return 1; }); },
       false},
      {"memory without max",
       [](weft::Store& s, weft::Linker& l) {
         l.define("env", "mem", *s.create_memory(MemoryType{Limits{1, {}}}));
       },
       false},
      {"memory with a larger max",
       [](weft::Store& s, weft::Linker& l) {
         l.define("env", "mem", *s.create_memory(MemoryType{Limits{1, 3}}));
       },
       false},
      {"memory too small",
       [](weft::Store& s, weft::Linker& l) {
         l.define("env", "mem", *s.create_memory(MemoryType{Limits{0, 2}}));
       },
       false},
      {"memory larger and with a smaller max",
       [](weft::Store& s, weft::Linker& l) {
         l.define("env", "mem", *s.create_memory(MemoryType{Limits{2, 2}}));
       },
       true},
      {"memory grown past the min",
       [](weft::Store& s, weft::Linker& l) {
         auto m = *s.create_memory(MemoryType{Limits{0, 2}});
         (void)m.grow(1);
         l.define("env", "mem", m);
       },
       true},
      {"table of externref",
       [](weft::Store& s, weft::Linker& l) {
         l.define("env", "tab",
                  *s.create_table(TableType{ValType::externref, Limits{2, {}}},
                                  Value::null(ValType::externref)));
       },
       false},
      {"table too small",
       [](weft::Store& s, weft::Linker& l) {
         l.define("env", "tab",
                  *s.create_table(TableType{ValType::funcref, Limits{1, {}}},
                                  Value::null(ValType::funcref)));
       },
       false},
      {"table larger, with a max",
       [](weft::Store& s, weft::Linker& l) {
         l.define("env", "tab",
                  *s.create_table(TableType{ValType::funcref, Limits{3, 5}},
                                  Value::null(ValType::funcref)));
       },
       true},
      {"immutable global",
       [](weft::Store& s, weft::Linker& l) {
         l.define("env", "g", *s.create_global(GlobalType{ValType::i64, false}, Value::i64(0)));
       },
       false},
      {"global of another type",
       [](weft::Store& s, weft::Linker& l) {
         l.define("env", "g", *s.create_global(GlobalType{ValType::i32, true}, Value::i32(0)));
       },
       false},
      {"a table where a memory is imported",
       [](weft::Store& s, weft::Linker& l) {
         l.define("env", "mem",
                  *s.create_table(TableType{ValType::funcref, Limits{2, {}}},
                                  Value::null(ValType::funcref)));
       },
       false},
  };
  for (const Case& c : cases) {
    weft::Store s(engine);
    weft::Linker l(engine);
    define_imports(l, s, [&](weft::Linker& ll) { c.change(s, ll); });
    auto r = l.instantiate(s, module);
    EXPECT_EQ(r.has_value(), c.links) << c.what;
    if (!r.has_value() && !c.links) {
      EXPECT_EQ(r.error().kind, ErrorKind::unlinkable) << c.what;
      EXPECT_TRUE(contains(r.error().message, "incompatible import type: \"env\""))
          << c.what << ": " << r.error().message;
    }
  }
}

TEST_F(instance, incompatible_import_message_names_both_types) {
  define_imports(linker, store, [&](weft::Linker& l) {
    l.define("env", "mem", *store.create_memory(weft::MemoryType{Limits{1, {}}}));
  });
  auto r = linker.instantiate(store, compile(imports_wasm));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message,
            "incompatible import type: \"env\" \"mem\": expected memory 1..2, got memory 1");
}

TEST_F(instance, import_from_another_store_is_a_usage_error) {
  weft::Store other(engine);
  define_imports(linker, store, [&](weft::Linker& l) {
    l.define("env", "mem", *other.create_memory(weft::MemoryType{Limits{1, 2}}));
  });
  auto r = linker.instantiate(store, compile(imports_wasm));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
  EXPECT_TRUE(contains(r.error().message, "different store")) << r.error().message;
}

TEST_F(instance, module_of_another_engine_is_a_usage_error) {
  weft::Engine other;
  auto m = other.compile(add_wasm);
  ASSERT_TRUE(m.has_value());
  auto r = linker.instantiate(store, *m);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
}

TEST_F(instance, later_definition_replaces_earlier) {
  linker.define_func("env", "f", []() -> int32_t { return 1; });
  linker.define_func("env", "f", []() -> int32_t { return 2; });
  auto i = make(reexport_wasm);
  auto f = i.typed_func<int32_t()>("f");
  ASSERT_TRUE(f.has_value()) << f.error().to_string();
  EXPECT_EQ((*f)(store).value_or(0), 2);
}

TEST_F(instance, linker_host_func_is_created_once_per_store) {
  int calls = 0;
  linker.define_func("env", "f", [&calls]() -> int32_t { return ++calls; });
  weft::Module module = compile(reexport_wasm);
  auto a = linker.instantiate(store, module);
  auto b = linker.instantiate(store, module);
  weft::Store other(engine);
  auto c = linker.instantiate(other, module);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->get_func("f")->raw(), b->get_func("f")->raw());
  EXPECT_NE(a->get_func("f")->raw(), c->get_func("f")->raw());
  // Every store calls the one callable the linker holds.
  EXPECT_EQ(a->typed_func<int32_t()>("f")->operator()(store).value_or(0), 1);
  EXPECT_EQ(c->typed_func<int32_t()>("f")->operator()(other).value_or(0), 2);
}

// ---- segments -----------------------------------------------------------------------

TEST_F(instance, elem_segment_out_of_bounds_keeps_earlier_writes) {
  weft::Instance provider = make(provider_wasm);
  linker.define_instance("env", provider);
  auto r = linker.instantiate(store, compile(segments_wasm));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::uninstantiable);
  EXPECT_EQ(r.error().trap, TrapKind::table_out_of_bounds);
  EXPECT_EQ(r.error().message, "out of bounds table access");

  weft::Table tab = *provider.get_table("tab");
  ASSERT_FALSE(tab.get(0)->is_null());  // the first segment was written
  EXPECT_TRUE(tab.get(1)->is_null());   // the failing one wrote nothing
  weft::Memory mem = *provider.get_memory("mem");
  EXPECT_EQ(mem.read_string(0, 2), std::optional<std::string_view>(std::string_view("\0\0", 2)))
      << "data segments come after the element segments";

  // The failed instance lives on in the store: its function is callable through the table.
  weft::Func f(tab.get(0)->funcref());
  auto direct = f.call(store, {});
  ASSERT_TRUE(direct.has_value()) << direct.error().to_string();
  EXPECT_EQ((*direct)[0].i32(), 42);
  auto call = provider.typed_func<int32_t(int32_t)>("call");
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ((*call)(store, 0).value_or(0), 42);
}

TEST_F(instance, data_segment_out_of_bounds_keeps_earlier_writes) {
  weft::Instance provider = make(provider_wasm);
  linker.define_instance("env", provider);
  auto r = linker.instantiate(store, compile(data_oob_wasm));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::uninstantiable);
  EXPECT_EQ(r.error().trap, TrapKind::memory_out_of_bounds);
  EXPECT_EQ(r.error().message, "out of bounds memory access");
  weft::Memory mem = *provider.get_memory("mem");
  EXPECT_EQ(mem.read_string(0, 2), std::optional<std::string_view>("hi"));
  EXPECT_EQ(mem.data()[65535], 0);
}

// ---- start function -----------------------------------------------------------------

TEST_F(instance, start_function_runs_after_segments) {
  std::vector<int32_t> hits;
  linker.define_func("env", "hit", [&hits](int32_t x) { hits.push_back(x); });
  weft::Instance i = make(start_wasm);
  EXPECT_EQ(hits, std::vector<int32_t>{5});
  auto g = i.get_global("g");
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->get().i32(), 7);
}

TEST_F(instance, trapping_start_function_is_uninstantiable) {
  auto r = linker.instantiate(store, compile(start_trap_wasm));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::uninstantiable);
  EXPECT_EQ(r.error().trap, TrapKind::unreachable);
  EXPECT_EQ(r.error().message, "unreachable");
}

// ---- globals and exports ------------------------------------------------------------

TEST_F(instance, globals_are_initialized_from_constants_imports_and_functions) {
  linker.define("env", "base",
                *store.create_global(weft::GlobalType{ValType::i32, false}, Value::i32(40)));
  weft::Instance i = make(globals_wasm);
  EXPECT_EQ(i.get_global("copy")->get().i32(), 40);
  EXPECT_EQ(i.get_global("i64")->get().i64(), -5);
  EXPECT_EQ(i.get_global("f32")->get().f32(), 1.5f);
  EXPECT_EQ(i.get_global("f64")->get().f64(), 2.25);
  Value fref = i.get_global("fref")->get();
  EXPECT_EQ(fref.type(), ValType::funcref);
  EXPECT_EQ(fref.funcref(), i.get_func("get_f64")->raw());

  weft::Global f64 = *i.get_global("f64");
  EXPECT_TRUE(f64.type().mutable_);
  ASSERT_TRUE(f64.set(Value::f64(3.5)).has_value());
  auto get = i.typed_func<double()>("get_f64");
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ((*get)(store).value_or(0), 3.5);  // wasm sees the host's write
}

TEST_F(instance, global_set_checks_mutability_and_type) {
  linker.define("env", "base",
                *store.create_global(weft::GlobalType{ValType::i32, false}, Value::i32(1)));
  weft::Instance i = make(globals_wasm);
  auto immutable = i.get_global("copy")->set(Value::i32(2));
  ASSERT_FALSE(immutable.has_value());
  EXPECT_EQ(immutable.error().kind, ErrorKind::usage);
  EXPECT_EQ(i.get_global("copy")->get().i32(), 1);
  auto wrong_type = i.get_global("f64")->set(Value::f32(1.0f));
  ASSERT_FALSE(wrong_type.has_value());
  EXPECT_EQ(wrong_type.error().kind, ErrorKind::usage);
  auto mismatched = store.create_global(weft::GlobalType{ValType::i64, true}, Value::i32(0));
  ASSERT_FALSE(mismatched.has_value());
  EXPECT_EQ(mismatched.error().kind, ErrorKind::usage);
}

TEST_F(instance, exports_keep_the_module_order_and_kinds) {
  linker.define("env", "base",
                *store.create_global(weft::GlobalType{ValType::i32, false}, Value::i32(0)));
  weft::Instance i = make(globals_wasm);
  auto exports = i.exports();
  std::vector<std::string> names;
  for (const auto& [name, value] : exports) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"copy", "i64", "f32", "f64", "fref", "get_f64"}));
  EXPECT_EQ(exports[0].second.kind(), weft::ExternKind::global);
  EXPECT_EQ(exports[5].second.kind(), weft::ExternKind::func);
  EXPECT_FALSE(i.get_func("copy").has_value());  // a global, not a function
  EXPECT_FALSE(i.get_export("nope").has_value());
  EXPECT_TRUE(i.get_export("get_f64")->func().has_value());
  EXPECT_FALSE(i.get_export("get_f64")->memory().has_value());
}

TEST_F(instance, module_describes_its_imports_and_exports) {
  weft::Module m = compile(imports_wasm);
  auto imports = m.imports();
  ASSERT_EQ(imports.size(), 4u);
  EXPECT_EQ(imports[0].module, "env");
  EXPECT_EQ(imports[0].name, "f");
  EXPECT_EQ(imports[0].type.to_string(), "func (i32) -> ()");
  EXPECT_EQ(imports[1].type.to_string(), "memory 1..2");
  EXPECT_EQ(imports[2].type.to_string(), "table 2 funcref");
  EXPECT_EQ(imports[3].type.to_string(), "global mut i64");

  auto exports = compile(provider_wasm).exports();
  ASSERT_EQ(exports.size(), 3u);
  EXPECT_EQ(exports[0].name, "tab");
  EXPECT_EQ(exports[0].type.to_string(), "table 2 funcref");
  EXPECT_EQ(exports[1].type.to_string(), "memory 1");
  EXPECT_EQ(exports[2].type.to_string(), "func (i32) -> (i32)");
}

TEST_F(instance, module_lists_sections_with_custom_names) {
  auto sections = compile(sections_wasm).sections();
  std::vector<std::string> names;
  for (const auto& s : sections) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"type", "function", "code", "custom:meta"}));
  EXPECT_EQ(sections[0].id, 1);
  EXPECT_EQ(sections[3].id, 0);
}

TEST_F(instance, compile_errors_are_values) {
  const std::vector<uint8_t> junk = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00};
  auto m = engine.compile(junk);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().kind, ErrorKind::malformed);
  EXPECT_FALSE(engine.validate(junk).has_value());
  EXPECT_TRUE(engine.validate(add_wasm).has_value());
}

// ---- host functions -----------------------------------------------------------------

TEST_F(instance, host_functions_from_lambdas) {
  int tag = 0;
  store.set_user_data(&tag);
  std::string logged;
  void* seen_user_data = nullptr;
  linker.define_func("env", "add", [](int32_t a, int32_t b) { return a + b; });
  linker.define_func("env", "log", [&](weft::Caller& caller, int32_t ptr, int32_t len) {
    seen_user_data = caller.user_data();
    auto mem = caller.memory();
    ASSERT_TRUE(mem.has_value());
    EXPECT_EQ(mem->raw(), caller.get_export("memory")->memory()->raw());
    logged = std::string(mem->read_string(static_cast<uint32_t>(ptr), static_cast<uint32_t>(len))
                             .value_or("<out of bounds>"));
  });
  linker.define_func("env", "fail", []() -> weft::Result<int32_t> {
    return weft::fail(ErrorKind::usage, "the host said no");
  });
  weft::Instance i = make(host_wasm);

  auto sum = i.typed_func<int32_t(int32_t, int32_t)>("sum");
  ASSERT_TRUE(sum.has_value()) << sum.error().to_string();
  EXPECT_EQ((*sum)(store, 2, 3).value_or(0), 5);

  auto say = i.typed_func<void()>("say");
  ASSERT_TRUE(say.has_value());
  EXPECT_TRUE((*say)(store).has_value());
  EXPECT_EQ(logged, "hello");
  EXPECT_EQ(seen_user_data, &tag);

  auto failing = i.typed_func<int32_t()>("fail");
  ASSERT_TRUE(failing.has_value());
  auto r = (*failing)(store);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::trap);
  EXPECT_EQ(r.error().trap, TrapKind::host_error);
  EXPECT_TRUE(contains(r.error().message, "the host said no")) << r.error().message;
}

TEST_F(instance, store_host_func_called_directly_has_no_instance) {
  bool had_memory = true;
  weft::FuncType type{{ValType::i64}, {ValType::i64}};
  weft::Func f = store.create_host_func(
      type, [&](weft::Caller& c, std::span<const Value> args, std::span<Value> results) {
        had_memory = c.memory().has_value();
        results[0] = Value::i64(args[0].i64() * 2);
        return weft::Result<void>();
      });
  EXPECT_EQ(f.type(), type);
  auto r = f.call(store, std::vector<Value>{Value::i64(21)});
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ((*r)[0].i64(), 42);
  EXPECT_FALSE(had_memory);
}

// ---- calls --------------------------------------------------------------------------

TEST_F(instance, typed_func_checks_the_signature) {
  weft::Instance i = make(add_wasm);
  auto wrong = i.typed_func<int64_t(int32_t, int32_t)>("add");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().kind, ErrorKind::usage);
  EXPECT_TRUE(contains(wrong.error().message, "(i32, i32) -> (i32)")) << wrong.error().message;
  auto missing = i.typed_func<int32_t(int32_t, int32_t)>("sub");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().kind, ErrorKind::usage);
  auto right = i.typed_func<int32_t(int32_t, int32_t)>("add");
  ASSERT_TRUE(right.has_value());
  EXPECT_EQ((*right)(store, -1, 3).value_or(0), 2);
}

TEST_F(instance, func_call_checks_arguments) {
  weft::Instance i = make(add_wasm);
  weft::Func add = *i.get_func("add");

  auto ok = add.call(store, std::vector<Value>{Value::i32(2), Value::i32(3)});
  ASSERT_TRUE(ok.has_value()) << ok.error().to_string();
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ((*ok)[0].type(), ValType::i32);
  EXPECT_EQ((*ok)[0].i32(), 5);

  auto few = add.call(store, std::vector<Value>{Value::i32(2)});
  ASSERT_FALSE(few.has_value());
  EXPECT_EQ(few.error().kind, ErrorKind::usage);
  EXPECT_TRUE(contains(few.error().message, "1 arguments, expected 2")) << few.error().message;

  auto typed = add.call(store, std::vector<Value>{Value::i32(2), Value::i64(3)});
  ASSERT_FALSE(typed.has_value());
  EXPECT_EQ(typed.error().kind, ErrorKind::usage);
  EXPECT_TRUE(contains(typed.error().message, "argument 1 is i64, expected i32"))
      << typed.error().message;

  Value none[1];
  auto room =
      add.call(store, std::vector<Value>{Value::i32(2), Value::i32(3)}, std::span<Value>(none, 0));
  ASSERT_FALSE(room.has_value());
  EXPECT_EQ(room.error().kind, ErrorKind::usage);
  ASSERT_TRUE(
      add.call(store, std::vector<Value>{Value::i32(2), Value::i32(3)}, std::span<Value>(none, 1))
          .has_value());
  EXPECT_EQ(none[0].i32(), 5);

  weft::Store other(engine);
  auto foreign = add.call(other, std::vector<Value>{Value::i32(2), Value::i32(3)});
  ASSERT_FALSE(foreign.has_value());
  EXPECT_EQ(foreign.error().kind, ErrorKind::usage);

  auto null = weft::Func().call(store, {});
  ASSERT_FALSE(null.has_value());
  EXPECT_EQ(null.error().kind, ErrorKind::usage);
}

TEST_F(instance, references_and_mixed_values_round_trip) {
  weft::Instance i = make(refs_wasm);
  weft::Func id_func = *i.get_func("id_func");
  weft::Func id_extern = *i.get_func("id_extern");

  auto f = id_func.call(store, std::vector<Value>{Value::funcref(id_extern.raw())});
  ASSERT_TRUE(f.has_value()) << f.error().to_string();
  EXPECT_EQ((*f)[0].type(), ValType::funcref);
  EXPECT_EQ((*f)[0].funcref(), id_extern.raw());

  int host_object = 0;
  auto e = id_extern.call(store, std::vector<Value>{Value::externref(&host_object)});
  ASSERT_TRUE(e.has_value()) << e.error().to_string();
  EXPECT_EQ((*e)[0].externref(), &host_object);
  auto n = id_extern.call(store, std::vector<Value>{Value::null(ValType::externref)});
  ASSERT_TRUE(n.has_value());
  EXPECT_TRUE((*n)[0].is_null());

  weft::Store other(engine);
  weft::Func foreign = other.create_host_func(weft::FuncType{}, {});
  auto cross = id_func.call(store, std::vector<Value>{Value::funcref(foreign.raw())});
  ASSERT_FALSE(cross.has_value());
  EXPECT_EQ(cross.error().kind, ErrorKind::usage);

  auto mixed = i.get_func("mixed")->call(
      store, std::vector<Value>{Value::i64(-7), Value::f32(1.5f), Value::f64(2.0)});
  ASSERT_TRUE(mixed.has_value()) << mixed.error().to_string();
  ASSERT_EQ(mixed->size(), 2u);
  EXPECT_EQ((*mixed)[0].f64(), 3.5);
  EXPECT_EQ((*mixed)[1].i64(), -7);
}

TEST_F(instance, store_reports_its_engine) {
  EXPECT_EQ(&store.engine(), &engine);
  EXPECT_EQ(store.user_data(), nullptr);
}
