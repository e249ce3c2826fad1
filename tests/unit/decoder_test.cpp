// Tests of the binary decoder: every section decodes into Module, and hostile inputs
// (truncated, mutated, huge counts) fail cleanly. The error classes are in
// decoder_errors_test.cpp.
#include <gtest/gtest.h>

#include "decoder_test_support.hpp"

using namespace weft;
using namespace weft::wasm;
using namespace weft::wasm::test;

namespace {

// (module
//   (type (func))                                      ;; type 0
//   (type (func (param i32) (result i32)))             ;; type 1
//   (@custom "note" "\aa")
//   (import "env" "f" (func (type 1)))                 ;; func 0
//   (import "env" "g" (global i32))                    ;; global 0
//   (import "env" "t" (table 1 funcref))               ;; table 0
//   (func (type 0))                                    ;; func 1
//   (func (type 1) (local i64 i64 f32) (local.get 0))  ;; func 2
//   (table 2 10 externref)                             ;; table 1
//   (memory 1 2)
//   (global (mut i32) (global.get 0))                  ;; global 1
//   (global funcref (ref.func 1))                      ;; global 2
//   (export "f2" (func 2))
//   (export "m" (memory 0))
//   (start 1)
//   (elem (i32.const 0) func 2)
//   (elem declare func 1)
//   (data (i32.const 8) "hi")
//   (data "xyz"))
// with a data count section, as wat2wasm writes it, plus the custom section.
// clang-format off
const Bytes kitchen_sink = {
    0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,                     // header
    0x01, 0x09, 0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7F, 0x01, 0x7F,   // type section @8
    0x00, 0x06, 0x04, 0x6E, 0x6F, 0x74, 0x65, 0xAA,                     // custom section @19
    0x02, 0x1C, 0x03, 0x03, 0x65, 0x6E, 0x76, 0x01, 0x66, 0x00, 0x01,   // import section @27
    0x03, 0x65, 0x6E, 0x76, 0x01, 0x67, 0x03, 0x7F, 0x00, 0x03, 0x65,
    0x6E, 0x76, 0x01, 0x74, 0x01, 0x70, 0x00, 0x01,
    0x03, 0x03, 0x02, 0x00, 0x01,                                       // function section @57
    0x04, 0x05, 0x01, 0x6F, 0x01, 0x02, 0x0A,                           // table section @62
    0x05, 0x04, 0x01, 0x01, 0x01, 0x02,                                 // memory section @69
    0x06, 0x0B, 0x02, 0x7F, 0x01, 0x23, 0x00, 0x0B, 0x70, 0x00, 0xD2,   // global section @75
    0x01, 0x0B,
    0x07, 0x0A, 0x02, 0x02, 0x66, 0x32, 0x00, 0x02, 0x01, 0x6D, 0x02,   // export section @88
    0x00,
    0x08, 0x01, 0x01,                                                   // start section @100
    0x09, 0x0B, 0x02, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x02, 0x03, 0x00,   // element section @103
    0x01, 0x01,
    0x0C, 0x01, 0x02,                                                   // data count section @116
    0x0A, 0x0D, 0x02, 0x02, 0x00, 0x0B, 0x08, 0x02, 0x02, 0x7E, 0x01,   // code section @119
    0x7D, 0x20, 0x00, 0x0B,
    0x0B, 0x0D, 0x02, 0x00, 0x41, 0x08, 0x0B, 0x02, 0x68, 0x69, 0x01,   // data section @134
    0x03, 0x78, 0x79, 0x7A,
};
// clang-format on

}  // namespace

TEST(decoder, empty_module) {
  // (module)
  auto m = decode(header());
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_TRUE(m->types.empty());
  EXPECT_TRUE(m->sections.empty());
  EXPECT_EQ(m->bytes, header());
}

TEST(decoder, kitchen_sink_types_and_imports) {
  auto m = decode(kitchen_sink);
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->bytes, kitchen_sink);
  ASSERT_EQ(m->types.size(), 2u);
  EXPECT_EQ(m->types[1], (FuncType{{ValType::i32}, {ValType::i32}}));
  ASSERT_EQ(m->imports.size(), 3u);
  EXPECT_EQ(m->imports[0].module, "env");
  EXPECT_EQ(m->imports[0].name, "f");
  EXPECT_EQ(m->imports[0].kind, ExternKind::func);
  EXPECT_EQ(m->imports[0].func_type, 1u);
  EXPECT_EQ(m->imports[1].kind, ExternKind::global);
  EXPECT_EQ(m->imports[1].global.type, ValType::i32);
  EXPECT_FALSE(m->imports[1].global.mutable_);
  EXPECT_EQ(m->imports[2].kind, ExternKind::table);
  EXPECT_EQ(m->imports[2].table.limits.min, 1u);
  EXPECT_FALSE(m->imports[2].table.limits.max);
}

TEST(decoder, kitchen_sink_index_spaces_list_imports_first) {
  auto m = decode(kitchen_sink);
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->func_types, (std::vector<uint32_t>{1, 0, 1}));
  EXPECT_EQ(m->imported_funcs, 1u);
  ASSERT_EQ(m->tables.size(), 2u);
  EXPECT_EQ(m->imported_tables, 1u);
  EXPECT_EQ(m->tables[0].element, ValType::funcref);
  EXPECT_EQ(m->tables[1].element, ValType::externref);
  EXPECT_EQ(m->tables[1].limits.min, 2u);
  EXPECT_EQ(m->tables[1].limits.max, 10u);
  ASSERT_EQ(m->memories.size(), 1u);
  EXPECT_EQ(m->imported_memories, 0u);
  EXPECT_EQ(m->memories[0].limits.min, 1u);
  EXPECT_EQ(m->memories[0].limits.max, 2u);
  ASSERT_EQ(m->global_types.size(), 3u);
  EXPECT_EQ(m->imported_globals, 1u);
  EXPECT_TRUE(m->global_types[1].mutable_);
  EXPECT_EQ(m->global_types[2].type, ValType::funcref);
}

TEST(decoder, kitchen_sink_globals_exports_start) {
  auto m = decode(kitchen_sink);
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->globals.size(), 2u);
  ASSERT_EQ(m->globals[0].init.instrs.size(), 1u);
  EXPECT_EQ(m->globals[0].init.instrs[0].op, Op::global_get);
  EXPECT_EQ(m->globals[0].init.instrs[0].value, 0u);
  EXPECT_EQ(m->globals[0].init.instrs[0].type, ValType::i32);  // the global's type
  EXPECT_EQ(m->globals[0].init.offset, 80u);
  EXPECT_EQ(m->globals[1].init.instrs[0].op, Op::ref_func);
  EXPECT_EQ(m->globals[1].init.instrs[0].value, 1u);
  ASSERT_EQ(m->exports.size(), 2u);
  EXPECT_EQ(m->exports[0].name, "f2");
  EXPECT_EQ(m->exports[0].kind, ExternKind::func);
  EXPECT_EQ(m->exports[0].index, 2u);
  EXPECT_EQ(m->exports[1].kind, ExternKind::memory);
  EXPECT_EQ(m->start, 1u);
  // ref.func 1 in a global, func 2 exported and in an element segment; func 0 nowhere.
  EXPECT_EQ(m->declared_funcs, (std::vector<bool>{false, true, true}));
}

TEST(decoder, kitchen_sink_segments) {
  auto m = decode(kitchen_sink);
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->elems.size(), 2u);
  EXPECT_EQ(m->elems[0].mode, ElemSegment::Mode::active);
  EXPECT_EQ(m->elems[0].table, 0u);
  EXPECT_EQ(m->elems[0].offset.instrs[0].op, Op::i32_const);
  ASSERT_EQ(m->elems[0].items.size(), 1u);
  EXPECT_EQ(m->elems[0].items[0].instrs[0].op, Op::ref_func);
  EXPECT_EQ(m->elems[0].items[0].instrs[0].value, 2u);
  EXPECT_EQ(m->elems[1].mode, ElemSegment::Mode::declarative);
  EXPECT_EQ(m->data_count, 2u);
  ASSERT_EQ(m->datas.size(), 2u);
  EXPECT_EQ(m->datas[0].mode, DataSegment::Mode::active);
  EXPECT_EQ(m->datas[0].offset.instrs[0].value, 8u);
  EXPECT_EQ(m->datas[0].data_offset, 142u);
  EXPECT_EQ(m->datas[0].data_size, 2u);
  EXPECT_EQ(m->datas[1].mode, DataSegment::Mode::passive);
  EXPECT_EQ(m->datas[1].data_offset, 146u);
  EXPECT_EQ(m->datas[1].data_size, 3u);
  EXPECT_EQ(std::string(m->bytes.begin() + 146, m->bytes.begin() + 149), "xyz");
}

TEST(decoder, kitchen_sink_bodies_are_ranges_after_the_locals) {
  auto m = decode(kitchen_sink);
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->bodies.size(), 2u);
  const FunctionBody& empty = m->bodies[0];  // 02 | 00 0b
  EXPECT_EQ(empty.body_offset, 123u);
  EXPECT_EQ(empty.code_offset, 124u);
  EXPECT_EQ(empty.end_offset, 125u);
  EXPECT_EQ(empty.local_count, 0u);
  const FunctionBody& f = m->bodies[1];  // 08 | 02 02 7e 01 7d | 20 00 0b
  EXPECT_EQ(f.body_offset, 126u);
  EXPECT_EQ(f.code_offset, 131u);
  EXPECT_EQ(f.end_offset, 134u);
  EXPECT_EQ(f.local_count, 3u);
  using Run = std::pair<uint32_t, ValType>;
  EXPECT_EQ(f.locals, (std::vector<Run>{{2, ValType::i64}, {1, ValType::f32}}));
  EXPECT_EQ(m->bytes[f.code_offset], 0x20);  // local.get
}

TEST(decoder, kitchen_sink_records_every_section_and_custom_sections) {
  auto m = decode(kitchen_sink);
  ASSERT_TRUE(m) << m.error().to_string();
  std::vector<uint8_t> ids;
  for (const SectionRecord& s : m->sections) ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<uint8_t>{1, 0, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11}));
  EXPECT_EQ(m->sections[0].offset, 10u);
  EXPECT_EQ(m->sections[0].size, 9u);
  ASSERT_EQ(m->customs.size(), 1u);
  EXPECT_EQ(m->customs[0].name, "note");
  EXPECT_EQ(m->customs[0].offset, 26u);
  EXPECT_EQ(m->customs[0].size, 1u);
}

TEST(decoder, custom_sections_may_appear_anywhere_and_repeat) {
  // (module (@custom "a" "") (type (func)) (@custom "a" "xy") (@custom "" ""))
  // clang-format off
  Bytes b = {
      0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,  // header
      0x00, 0x02, 0x01, 0x61,                          // custom "a"
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,              // type section
      0x00, 0x04, 0x01, 0x61, 0x78, 0x79,              // custom "a" "xy"
      0x00, 0x01, 0x00,                                // custom ""
  };
  // clang-format on
  auto m = decode(b);
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->customs.size(), 3u);
  EXPECT_EQ(m->customs[1].name, "a");
  EXPECT_EQ(m->customs[1].size, 2u);
  EXPECT_EQ(m->customs[2].name, "");
}

TEST(decoder, all_eight_element_segment_encodings) {
  // (module
  //   (table 1 funcref) (table 1 externref) (func)
  //   (elem (i32.const 0) func 0)                               ;; 0
  //   (elem func 0)                                             ;; 1 passive
  //   (elem (table 0) (i32.const 0) func 0)                     ;; 2 explicit table
  //   (elem declare func 0)                                     ;; 3
  //   (elem (i32.const 0) funcref (ref.func 0))                 ;; 4
  //   (elem externref (ref.null extern))                        ;; 5
  //   (elem (table 1) (i32.const 0) externref (ref.null extern));; 6
  //   (elem declare funcref (ref.func 0)))                      ;; 7
  // clang-format off
  Bytes b = {
      0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,    // header
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,                // type section
      0x03, 0x02, 0x01, 0x00,                            // function section
      0x04, 0x07, 0x02, 0x70, 0x00, 0x01, 0x6F, 0x00, 0x01,  // table section
      0x09, 0x35, 0x08,                                  // element section @27, 8 segments
      0x00, 0x41, 0x00, 0x0B, 0x01, 0x00,                // 0 @30
      0x01, 0x00, 0x01, 0x00,                            // 1 @36
      0x02, 0x00, 0x41, 0x00, 0x0B, 0x00, 0x01, 0x00,    // 2 @40
      0x03, 0x00, 0x01, 0x00,                            // 3 @48
      0x04, 0x41, 0x00, 0x0B, 0x01, 0xD2, 0x00, 0x0B,    // 4 @52
      0x05, 0x6F, 0x01, 0xD0, 0x6F, 0x0B,                // 5 @60
      0x06, 0x01, 0x41, 0x00, 0x0B, 0x6F, 0x01, 0xD0, 0x6F, 0x0B,  // 6 @66
      0x07, 0x70, 0x01, 0xD2, 0x00, 0x0B,                // 7 @76
      0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B,                // code section
  };
  // clang-format on
  auto m = decode(b);
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->elems.size(), 8u);
  using Mode = ElemSegment::Mode;
  const Mode modes[] = {Mode::active, Mode::passive, Mode::active, Mode::declarative,
                        Mode::active, Mode::passive, Mode::active, Mode::declarative};
  const ValType types[] = {ValType::funcref,   ValType::funcref, ValType::funcref,
                           ValType::funcref,   ValType::funcref, ValType::externref,
                           ValType::externref, ValType::funcref};
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(m->elems[i].mode, modes[i]) << "segment " << i;
    EXPECT_EQ(m->elems[i].type, types[i]) << "segment " << i;
    ASSERT_EQ(m->elems[i].items.size(), 1u) << "segment " << i;
    ASSERT_EQ(m->elems[i].items[0].instrs.size(), 1u) << "segment " << i;
  }
  EXPECT_EQ(m->elems[6].table, 1u);
  EXPECT_EQ(m->elems[0].items[0].instrs[0].op, Op::ref_func);
  EXPECT_EQ(m->elems[0].items[0].offset, 35u);  // the function index
  EXPECT_EQ(m->elems[5].items[0].instrs[0].op, Op::ref_null);
  EXPECT_EQ(m->elems[5].items[0].instrs[0].type, ValType::externref);
  EXPECT_EQ(m->elems[7].items[0].instrs[0].op, Op::ref_func);
  EXPECT_EQ(m->declared_funcs, std::vector<bool>{true});
}

TEST(decoder, data_segments_and_data_count) {
  // (module (memory 1)
  //   (data (i32.const 0) "ab") (data "c") (data (memory 0) (i32.const 4) ""))
  // clang-format off
  Bytes b = {
      0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,  // header
      0x05, 0x03, 0x01, 0x00, 0x01,                    // memory section
      0x0C, 0x01, 0x03,                                // data count section: 3
      0x0B, 0x11, 0x03,                                // data section @16, 3 segments
      0x00, 0x41, 0x00, 0x0B, 0x02, 0x61, 0x62,        // active, memory 0, "ab" @19
      0x01, 0x01, 0x63,                                // passive "c" @26
      0x02, 0x00, 0x41, 0x04, 0x0B, 0x00,              // active, explicit memory 0, "" @29
  };
  // clang-format on
  auto m = decode(b);
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->data_count, 3u);
  ASSERT_EQ(m->datas.size(), 3u);
  EXPECT_EQ(m->datas[0].data_offset, 24u);
  EXPECT_EQ(m->datas[0].data_size, 2u);
  EXPECT_EQ(m->datas[1].mode, DataSegment::Mode::passive);
  EXPECT_EQ(m->datas[1].data_offset, 28u);
  EXPECT_EQ(m->datas[2].mode, DataSegment::Mode::active);
  EXPECT_EQ(m->datas[2].memory, 0u);
  EXPECT_EQ(m->datas[2].offset.instrs[0].value, 4u);
  EXPECT_EQ(m->datas[2].data_size, 0u);
}

TEST(decoder, constant_expressions_of_every_kind) {
  // (module (import "e" "g" (global i64))
  //   (global i32 (i32.const -1)) (global i64 (i64.const -2))
  //   (global f32 (f32.const 1)) (global f64 (f64.const 1))
  //   (global funcref (ref.null func)) (global (mut externref) (ref.null extern))
  //   (global i64 (global.get 0)))
  // clang-format off
  Bytes b = {
      0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,              // header
      0x02, 0x08, 0x01, 0x01, 0x65, 0x01, 0x67, 0x03, 0x7E, 0x00,  // import section
      0x06, 0x2E, 0x07,                                            // global section, 7
      0x7F, 0x00, 0x41, 0x7F, 0x0B,                                // i32.const -1
      0x7E, 0x00, 0x42, 0x7E, 0x0B,                                // i64.const -2
      0x7D, 0x00, 0x43, 0x00, 0x00, 0x80, 0x3F, 0x0B,              // f32.const 1
      0x7C, 0x00, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F, 0x0B,  // f64.const 1
      0x70, 0x00, 0xD0, 0x70, 0x0B,                                // ref.null func
      0x6F, 0x01, 0xD0, 0x6F, 0x0B,                                // ref.null extern
      0x7E, 0x00, 0x23, 0x00, 0x0B,                                // global.get 0
  };
  // clang-format on
  auto m = decode(b);
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->globals.size(), 7u);
  auto instr = [&](size_t i) { return m->globals[i].init.instrs.at(0); };
  EXPECT_EQ(instr(0).value, 0xFFFFFFFFu);  // i32 bits, zero-extended
  EXPECT_EQ(instr(1).value, 0xFFFFFFFFFFFFFFFEu);
  EXPECT_EQ(instr(2).value, 0x3F800000u);
  EXPECT_EQ(instr(3).value, 0x3FF0000000000000u);
  EXPECT_EQ(instr(4).op, Op::ref_null);
  EXPECT_EQ(instr(4).type, ValType::funcref);
  EXPECT_EQ(instr(5).type, ValType::externref);
  EXPECT_TRUE(m->globals[5].type.mutable_);
  EXPECT_EQ(instr(6).op, Op::global_get);
  EXPECT_EQ(instr(6).type, ValType::i64);
}

TEST(decoder, v128_const_with_simd) {
  // (module (global v128 (v128.const i32x4 1 2 3 4)))
  // clang-format off
  Bytes b = {
      0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,  // header
      0x06, 0x16, 0x01, 0x7B, 0x00, 0xFD, 0x0C,        // global section: v128, v128.const
      0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
      0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0B,
  };
  // clang-format on
  Features simd;
  simd.simd = true;
  auto m = decode(b, simd);
  ASSERT_TRUE(m) << m.error().to_string();
  const ConstInstr& in = m->globals[0].init.instrs.at(0);
  EXPECT_EQ(in.op, Op::v128_const);
  EXPECT_EQ(in.type, ValType::v128);
  EXPECT_EQ(in.v128.bytes[4], 2);
  Features no_simd;
  no_simd.simd = false;
  EXPECT_TRUE(malformed(decode(b, no_simd), "malformed value type", 11));
}

TEST(decoder, non_minimal_leb128_is_accepted) {
  // From binary.wast: (memory 2) with a 5-byte minimum; a data segment flag in 2 bytes.
  // clang-format off
  Bytes b = {
      0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,   // header
      0x05, 0x07, 0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x00,  // memory section
      0x0B, 0x07, 0x01, 0x80, 0x00, 0x41, 0x00, 0x0B, 0x00,  // data section
  };
  // clang-format on
  auto m = decode(b);
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->memories[0].limits.min, 2u);
}

// ---- hostile inputs ----------------------------------------------------------------------------

TEST(decoder, every_truncation_of_a_valid_module_fails_cleanly) {
  auto full = decode(kitchen_sink);
  ASSERT_TRUE(full);
  std::vector<size_t> boundaries = {8};
  for (const SectionRecord& s : full->sections) boundaries.push_back(s.offset + s.size);
  for (size_t n = 0; n < kitchen_sink.size(); ++n) {
    Bytes prefix(kitchen_sink.begin(), kitchen_sink.begin() + static_cast<ptrdiff_t>(n));
    auto m = decode(prefix);
    bool at_boundary = std::find(boundaries.begin(), boundaries.end(), n) != boundaries.end();
    if (!at_boundary) {
      // Cut inside the header or a section: always malformed, at or before the cut.
      ASSERT_FALSE(m) << "prefix of " << n << " bytes decoded";
      EXPECT_EQ(m.error().kind, ErrorKind::malformed) << n << ": " << m.error().to_string();
      EXPECT_LE(m.error().offset, n) << m.error().to_string();
    } else if (!m) {
      EXPECT_LE(m.error().offset, n) << m.error().to_string();
    }
  }
}

TEST(decoder, byte_mutations_of_a_valid_module_fail_cleanly_or_decode) {
  // Every position, set to the values that mean something to the decoder and to neighbours of
  // the original. (All 256 values take 30 s under ASan; libFuzzer covers the rest.)
  Features all;
  all.simd = true;
  for (size_t i = 0; i < kitchen_sink.size(); ++i) {
    uint8_t orig = kitchen_sink[i];
    for (int v : {0x00, 0x01, 0x02, 0x0B, 0x40, 0x60, 0x6F, 0x70, 0x7B, 0x7F, 0x80, 0xC0, 0xFF,
                  orig + 1, orig - 1, orig ^ 0x80, orig ^ 0x40}) {
      Bytes b = kitchen_sink;
      b[i] = static_cast<uint8_t>(v);
      auto m = decode(b, all);
      if (!m) {
        ASSERT_TRUE(m.error().kind == ErrorKind::malformed || m.error().kind == ErrorKind::invalid);
        ASSERT_LE(m.error().offset, b.size()) << m.error().to_string();
        ASSERT_FALSE(m.error().message.empty());
      } else {
        ASSERT_EQ(m->bodies.size(), m->func_types.size() - m->imported_funcs);
      }
    }
  }
}

TEST(decoder, huge_counts_fail_before_allocating) {
  Bytes max_u32 = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
  for (uint8_t id : {1, 2, 3, 4, 5, 6, 7, 9, 10, 11}) {
    Bytes contents = max_u32;
    contents.push_back(0x00);
    auto m = decode(module_of({section(id, contents)}));
    EXPECT_TRUE(malformed(m, "unexpected end of section or function", 10)) << "section " << +id;
  }
}

TEST(decoder, huge_sizes_fail_cleanly) {
  // A section larger than the module.
  EXPECT_TRUE(malformed(decode(module_of({{0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F}})),
                        "length out of bounds", 9));
  // A data segment of 4 GiB - 1 bytes: (data "...") with only 1 byte there.
  EXPECT_TRUE(
      malformed(decode(module_of({section(11, {0x01, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00})})),
                "unexpected end of section or function", 17));
  // A function body of 4 GiB - 1 bytes.
  Bytes code = {0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00, 0x0B};
  EXPECT_TRUE(malformed(decode(module_of({section(1, {0x01, 0x60, 0x00, 0x00}),
                                          section(3, {0x01, 0x00}), section(10, code)})),
                        "unexpected end of section or function", 26));
  // 2^32-1 local runs.
  Bytes locals = {0x01, 0x07, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x0B};
  EXPECT_TRUE(malformed(decode(module_of({section(1, {0x01, 0x60, 0x00, 0x00}),
                                          section(3, {0x01, 0x00}), section(10, locals)})),
                        "unexpected end of section or function", 22));
}

TEST(decoder, overlong_section_size_is_malformed) {
  // The type section's size in 6 bytes.
  EXPECT_TRUE(malformed(decode(module_of({{0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}})),
                        "integer representation too long", 14));
}

TEST(decoder, deeply_nested_blocks_in_a_constant_expression_do_not_recurse) {
  // (global i32 (block (block ... (i32.const 0) ...)))  50000 deep
  Bytes contents = {0x01, 0x7F, 0x00};
  for (int i = 0; i < 50000; ++i) contents.insert(contents.end(), {0x02, 0x40});
  contents.insert(contents.end(), {0x41, 0x00});
  contents.insert(contents.end(), 50001, 0x0B);
  size_t first_block = 8 + 1 + leb(contents.size()).size() + 3;
  EXPECT_TRUE(invalid(decode(module_of({section(6, contents)})), "constant expression required",
                      first_block));
}

TEST(decoder, bad_utf8_in_names_is_malformed) {
  // (import "\c0\80" "" (func 0)): an overlong NUL.
  EXPECT_TRUE(malformed(decode(module_of({section(2, {0x01, 0x02, 0xC0, 0x80, 0x00, 0x00, 0x00})})),
                        "malformed UTF-8 encoding", 12));
  // (export "\ed\a0\80" ...): a surrogate.
  EXPECT_TRUE(malformed(decode(module_of({section(7, {0x01, 0x03, 0xED, 0xA0, 0x80, 0x00, 0x00})})),
                        "malformed UTF-8 encoding", 12));
  // A custom section named "\ff".
  EXPECT_TRUE(
      malformed(decode(module_of({section(0, {0x01, 0xFF})})), "malformed UTF-8 encoding", 11));
}
