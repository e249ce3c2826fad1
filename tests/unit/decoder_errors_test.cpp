// Tests of the decoder's errors: each class the spec testsuite knows, with its kind (malformed
// or invalid) and byte offset. Each module is the header then the sections shown.
#include <gtest/gtest.h>

#include "decoder_test_support.hpp"

using namespace weft;
using namespace weft::wasm;
using namespace weft::wasm::test;

namespace {

// (type (func)) @8..13, (func (type 0)) @14..17, its body @18..23
const Bytes type0 = {0x01, 0x04, 0x01, 0x60, 0x00, 0x00};
const Bytes func0 = {0x03, 0x02, 0x01, 0x00};
const Bytes code0 = {0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B};

}  // namespace

// ---- malformed: header and section structure ----------------------------------------------

TEST(decoder, header_errors) {
  EXPECT_TRUE(malformed(decode({}), "unexpected end", 0));
  EXPECT_TRUE(malformed(decode({0x00, 0x61, 0x73}), "unexpected end", 0));
  EXPECT_TRUE(malformed(decode({0x61, 0x73, 0x6D, 0x00}), "magic header not detected", 0));
  EXPECT_TRUE(malformed(decode({0x00, 0x61, 0x73, 0x6D}), "unexpected end", 4));
  EXPECT_TRUE(malformed(decode({0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00}),
                        "unknown binary version", 4));
}

TEST(decoder, malformed_section_id) {
  EXPECT_TRUE(malformed(decode(module_of({{0x0D, 0x00}})), "malformed section id", 8));
  EXPECT_TRUE(malformed(decode(module_of({{0x80, 0x00, 0x01, 0x00}})), "malformed section id", 8));
}

TEST(decoder, section_contents_must_be_consumed_exactly) {
  // A type section with one byte after its single (func) type.
  EXPECT_TRUE(malformed(decode(module_of({{0x01, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00}})),
                        "section size mismatch", 14));
  // A type section that declares 2 types but holds 1.
  EXPECT_TRUE(malformed(decode(module_of({{0x01, 0x04, 0x02, 0x60, 0x00, 0x00}})),
                        "unexpected end of section or function", 14));
  // A section larger than what follows.
  EXPECT_TRUE(malformed(decode(module_of({{0x01, 0x05, 0x01, 0x60, 0x00, 0x00}})),
                        "length out of bounds", 9));
  // A section id and no size.
  EXPECT_TRUE(malformed(decode(module_of({{0x01}})), "unexpected end", 9));
}

TEST(decoder, sections_appear_once_and_in_order) {
  const char* msg = "unexpected content after last section";
  // function then type
  EXPECT_TRUE(malformed(decode(module_of({{0x03, 0x01, 0x00}, {0x01, 0x01, 0x00}})), msg, 11));
  // two type sections
  EXPECT_TRUE(malformed(decode(module_of({{0x01, 0x01, 0x00}, {0x01, 0x01, 0x00}})), msg, 11));
  // data count after code
  EXPECT_TRUE(malformed(decode(module_of({{0x0A, 0x01, 0x00}, {0x0C, 0x01, 0x00}})), msg, 11));
  // data count between element and code is the right place
  EXPECT_TRUE(decode(module_of({{0x09, 0x01, 0x00}, {0x0C, 0x01, 0x00}, {0x0A, 0x01, 0x00}})));
}

TEST(decoder, custom_section_names) {
  // A custom section of 0 bytes has no name.
  EXPECT_TRUE(
      malformed(decode(module_of({{0x00, 0x00}})), "unexpected end of section or function", 10));
  // A name of 5 bytes in a section of 2.
  EXPECT_TRUE(malformed(decode(module_of({{0x00, 0x02, 0x05, 0x61}})), "length out of bounds", 11));
}

TEST(decoder, leb128_errors_in_sections) {
  // (memory 2) with a 6-byte minimum / with unused bits set
  EXPECT_TRUE(
      malformed(decode(module_of({{0x05, 0x08, 0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00}})),
                "integer representation too long", 17));
  EXPECT_TRUE(malformed(decode(module_of({{0x05, 0x07, 0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x70}})),
                        "integer too large", 17));
  // (global i32 (i32.const 0)) with a 6-byte constant
  EXPECT_TRUE(malformed(decode(module_of({{0x06, 0x0B, 0x01, 0x7F, 0x00, 0x41, 0x80, 0x80, 0x80,
                                           0x80, 0x80, 0x00, 0x0B}})),
                        "integer representation too long", 19));
  // The form of a function type is one byte: 0xe0 0x7f is -0x20 in two.
  EXPECT_TRUE(malformed(decode(module_of({{0x01, 0x05, 0x01, 0xE0, 0x7F, 0x00, 0x00}})),
                        "integer representation too long", 11));
}

TEST(decoder, malformed_limits_flags) {
  EXPECT_TRUE(malformed(decode(module_of({{0x05, 0x02, 0x01, 0x02}})), "integer too large", 11));
  EXPECT_TRUE(malformed(decode(module_of({{0x05, 0x05, 0x01, 0x81, 0x00, 0x00, 0x00}})),
                        "integer representation too long", 11));
  EXPECT_TRUE(malformed(decode(module_of({{0x04, 0x04, 0x01, 0x70, 0x02, 0x00}})),
                        "integer too large", 12));
}

TEST(decoder, malformed_encodings_of_entries) {
  // (global i32 ...) with mutability 2
  EXPECT_TRUE(malformed(decode(module_of({{0x06, 0x06, 0x01, 0x7F, 0x02, 0x41, 0x00, 0x0B}})),
                        "malformed mutability", 12));
  // (table 0 i32): i32 is not a reference type
  EXPECT_TRUE(malformed(decode(module_of({{0x04, 0x04, 0x01, 0x7F, 0x00, 0x00}})),
                        "malformed reference type", 11));
  // (import "" "" kind 4)
  EXPECT_TRUE(malformed(decode(module_of({{0x02, 0x04, 0x01, 0x00, 0x00, 0x04}})),
                        "malformed import kind", 13));
  // (export "" kind 4 0)
  EXPECT_TRUE(malformed(decode(module_of({{0x07, 0x04, 0x01, 0x00, 0x04, 0x00}})),
                        "malformed export kind", 12));
  // element segment flags 8
  EXPECT_TRUE(malformed(decode(module_of({{0x09, 0x02, 0x01, 0x08}})),
                        "malformed elements segment kind", 11));
  // passive element segment with elemkind 1
  EXPECT_TRUE(malformed(decode(module_of({{0x09, 0x04, 0x01, 0x01, 0x01, 0x00}})),
                        "malformed element kind", 12));
  // passive element segment of i32 expressions
  EXPECT_TRUE(malformed(decode(module_of({{0x09, 0x04, 0x01, 0x05, 0x7F, 0x00}})),
                        "malformed reference type", 12));
  // data segment flags 3
  EXPECT_TRUE(
      malformed(decode(module_of({{0x0B, 0x02, 0x01, 0x03}})), "malformed data segment kind", 11));
  // (func (param i31)): 0x7a is no value type
  EXPECT_TRUE(malformed(decode(module_of({{0x01, 0x05, 0x01, 0x60, 0x01, 0x7A, 0x00}})),
                        "malformed value type", 13));
}

TEST(decoder, illegal_opcode_in_a_constant_expression_is_malformed) {
  // (global i32 <0xf3> end)
  EXPECT_TRUE(malformed(decode(module_of({{0x06, 0x05, 0x01, 0x7F, 0x00, 0xF3, 0x0B}})),
                        "illegal opcode", 13));
  // Missing end: the expression runs into the end of the section.
  EXPECT_TRUE(malformed(decode(module_of({{0x06, 0x05, 0x01, 0x7F, 0x00, 0x41, 0x00}})),
                        "unexpected end of section or function", 15));
}

TEST(decoder, too_many_locals) {
  // (func (local i32 x 50001))
  Bytes code = {0x0A, 0x08, 0x01, 0x06, 0x01, 0xD1, 0x86, 0x03, 0x7F, 0x0B};
  EXPECT_TRUE(malformed(decode(module_of({type0, func0, code})), "too many locals", 23));
  // 50000 is fine.
  code[5] = 0xD0;
  EXPECT_TRUE(decode(module_of({type0, func0, code})));
  // From binary.wast: 0xffffffff i32 then 2 i64, more than 2^32-1 in all.
  Bytes overflow = {0x0A, 0x0C, 0x01, 0x0A, 0x02, 0xFF, 0xFF,
                    0xFF, 0xFF, 0x0F, 0x7F, 0x02, 0x7E, 0x0B};
  EXPECT_TRUE(malformed(decode(module_of({type0, func0, overflow})), "too many locals", 23));
  // A local count of 2^32 does not fit a u32.
  Bytes too_large = {0x0A, 0x0C, 0x01, 0x0A, 0x02, 0x80, 0x80,
                     0x80, 0x80, 0x10, 0x7F, 0x02, 0x7E, 0x0B};
  EXPECT_TRUE(malformed(decode(module_of({type0, func0, too_large})), "integer too large", 28));
}

TEST(decoder, bodies_must_end_with_end) {
  // (func i32.const 0) without its end: 00 41 00
  EXPECT_TRUE(
      malformed(decode(module_of({type0, func0, {0x0A, 0x05, 0x01, 0x03, 0x00, 0x41, 0x00}})),
                "END opcode expected", 24));
  // A body of 0 bytes has no local declarations.
  EXPECT_TRUE(malformed(decode(module_of({type0, func0, {0x0A, 0x02, 0x01, 0x00}})),
                        "unexpected end of section or function", 22));
  // A body with locals and no instructions.
  EXPECT_TRUE(malformed(decode(module_of({type0, func0, {0x0A, 0x03, 0x01, 0x01, 0x00}})),
                        "unexpected end of section or function", 23));
}

TEST(decoder, function_and_code_section_lengths_must_agree) {
  const char* msg = "function and code section have inconsistent lengths";
  // 2 functions declared, no code section
  EXPECT_TRUE(malformed(decode(module_of({type0, {0x03, 0x03, 0x02, 0x00, 0x00}})), msg, 19));
  // a body, no function section
  EXPECT_TRUE(malformed(decode(module_of({code0})), msg, 14));
}

TEST(decoder, data_count_must_match_the_data_section) {
  // (data count 1) and no data segment
  EXPECT_TRUE(malformed(decode(module_of({{0x0C, 0x01, 0x01}, {0x0B, 0x01, 0x00}})),
                        "data count and data section have inconsistent lengths", 14));
  EXPECT_TRUE(malformed(decode(module_of({{0x0C, 0x01, 0x01}})),
                        "data count and data section have inconsistent lengths", 11));
}

// ---- invalid -------------------------------------------------------------------------------

TEST(decoder, unknown_type) {
  // (func (type 5)) with no types
  EXPECT_TRUE(invalid(decode(module_of({{0x03, 0x02, 0x01, 0x05}, code0})), "unknown type", 11));
  // (import "a" "b" (func (type 3)))
  EXPECT_TRUE(invalid(decode(module_of({{0x02, 0x07, 0x01, 0x01, 0x61, 0x01, 0x62, 0x00, 0x03}})),
                      "unknown type", 16));
}

TEST(decoder, unknown_function) {
  // (export "f" (func 7))
  EXPECT_TRUE(invalid(decode(module_of({{0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x07}})),
                      "unknown function", 14));
  // (start 3)
  EXPECT_TRUE(invalid(decode(module_of({{0x08, 0x01, 0x03}})), "unknown function", 10));
  // (global funcref (ref.func 5))
  EXPECT_TRUE(invalid(decode(module_of({{0x06, 0x06, 0x01, 0x70, 0x00, 0xD2, 0x05, 0x0B}})),
                      "unknown function", 13));
  // (table 1 funcref) (elem (i32.const 0) func 9)
  Bytes table = {0x04, 0x04, 0x01, 0x70, 0x00, 0x01};
  Bytes elem = {0x09, 0x07, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x09};
  EXPECT_TRUE(
      invalid(decode(module_of({type0, func0, table, elem, code0})), "unknown function", 32));
}

TEST(decoder, unknown_table) {
  // (elem (i32.const 0)) with no table
  EXPECT_TRUE(invalid(decode(module_of({{0x09, 0x06, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x00}})),
                      "unknown table 0", 11));
  // (elem (table 3) (i32.const 0) func)
  EXPECT_TRUE(
      invalid(decode(module_of({{0x09, 0x08, 0x01, 0x02, 0x03, 0x41, 0x00, 0x0B, 0x00, 0x00}})),
              "unknown table 3", 12));
  // (export "t" (table 0))
  EXPECT_TRUE(invalid(decode(module_of({{0x07, 0x05, 0x01, 0x01, 0x74, 0x01, 0x00}})),
                      "unknown table", 14));
}

TEST(decoder, unknown_memory) {
  // (data (i32.const 0) "") with no memory
  EXPECT_TRUE(invalid(decode(module_of({{0x0B, 0x06, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x00}})),
                      "unknown memory 0", 11));
  // (memory 0) (data (memory 1) (i32.const 0) "")
  EXPECT_TRUE(invalid(decode(module_of({{0x05, 0x03, 0x01, 0x00, 0x00},
                                        {0x0B, 0x07, 0x01, 0x02, 0x01, 0x41, 0x00, 0x0B, 0x00}})),
                      "unknown memory 1", 17));
  // (export "m" (memory 0))
  EXPECT_TRUE(invalid(decode(module_of({{0x07, 0x05, 0x01, 0x01, 0x6D, 0x02, 0x00}})),
                      "unknown memory", 14));
}

TEST(decoder, unknown_global) {
  // (global i32 (global.get 0)) with no imported global
  EXPECT_TRUE(invalid(decode(module_of({{0x06, 0x06, 0x01, 0x7F, 0x00, 0x23, 0x00, 0x0B}})),
                      "unknown global", 13));
  // (global i32 (i32.const 0)) (global i32 (global.get 0)): only imports are visible
  EXPECT_TRUE(invalid(decode(module_of({{0x06, 0x0B, 0x02, 0x7F, 0x00, 0x41, 0x00, 0x0B, 0x7F, 0x00,
                                         0x23, 0x00, 0x0B}})),
                      "unknown global", 18));
  // (export "g" (global 0))
  EXPECT_TRUE(invalid(decode(module_of({{0x07, 0x05, 0x01, 0x01, 0x67, 0x03, 0x00}})),
                      "unknown global", 14));
}

TEST(decoder, at_most_one_memory) {
  // (memory 0) (memory 0)
  EXPECT_TRUE(invalid(decode(module_of({{0x05, 0x05, 0x02, 0x00, 0x00, 0x00, 0x00}})),
                      "multiple memories", 13));
  // (import "a" "b" (memory 0)) (memory 0)
  EXPECT_TRUE(
      invalid(decode(module_of({{0x02, 0x08, 0x01, 0x01, 0x61, 0x01, 0x62, 0x02, 0x00, 0x00},
                                {0x05, 0x03, 0x01, 0x00, 0x00}})),
              "multiple memories", 21));
}

TEST(decoder, limits) {
  const char* msg = "size minimum must not be greater than maximum";
  // (memory 2 1)
  EXPECT_TRUE(invalid(decode(module_of({{0x05, 0x04, 0x01, 0x01, 0x02, 0x01}})), msg, 11));
  // (table 2 1 funcref)
  EXPECT_TRUE(invalid(decode(module_of({{0x04, 0x05, 0x01, 0x70, 0x01, 0x02, 0x01}})), msg, 11));
  // (memory 65537) and (memory 0 65537)
  const char* pages = "memory size must be at most 65536 pages (4GiB)";
  EXPECT_TRUE(invalid(decode(module_of({{0x05, 0x05, 0x01, 0x00, 0x81, 0x80, 0x04}})), pages, 11));
  EXPECT_TRUE(
      invalid(decode(module_of({{0x05, 0x06, 0x01, 0x01, 0x00, 0x81, 0x80, 0x04}})), pages, 11));
  // (memory 65536) is fine, and so is a table of 2^32-1 elements.
  EXPECT_TRUE(decode(module_of({{0x05, 0x05, 0x01, 0x00, 0x80, 0x80, 0x04}})));
  EXPECT_TRUE(decode(module_of({{0x04, 0x08, 0x01, 0x70, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F}})));
}

TEST(decoder, duplicate_export_name) {
  // (memory 0) (export "a" (memory 0)) (export "a" (memory 0))
  EXPECT_TRUE(invalid(
      decode(module_of({{0x05, 0x03, 0x01, 0x00, 0x00},
                        {0x07, 0x09, 0x02, 0x01, 0x61, 0x02, 0x00, 0x01, 0x61, 0x02, 0x00}})),
      "duplicate export name", 20));
}

TEST(decoder, start_function_type) {
  // (type (func (param i32))) (func (type 0)) (start 0)
  Bytes type = {0x01, 0x05, 0x01, 0x60, 0x01, 0x7F, 0x00};
  EXPECT_TRUE(
      invalid(decode(module_of({type, func0, {0x08, 0x01, 0x00}, code0})), "start function", 21));
}

TEST(decoder, constant_expression_required) {
  const char* msg = "constant expression required";
  // (import "a" "b" (global (mut i32))) (global i32 (global.get 0))
  EXPECT_TRUE(
      invalid(decode(module_of({{0x02, 0x08, 0x01, 0x01, 0x61, 0x01, 0x62, 0x03, 0x7F, 0x01},
                                {0x06, 0x06, 0x01, 0x7F, 0x00, 0x23, 0x00, 0x0B}})),
              msg, 23));
  // (global i32 (i32.add (i32.const 1) (i32.const 2)))
  EXPECT_TRUE(invalid(
      decode(module_of({{0x06, 0x09, 0x01, 0x7F, 0x00, 0x41, 0x01, 0x41, 0x02, 0x6A, 0x0B}})), msg,
      17));
  // (global i32 (nop))
  EXPECT_TRUE(invalid(decode(module_of({{0x06, 0x05, 0x01, 0x7F, 0x00, 0x01, 0x0B}})), msg, 13));
}

TEST(decoder, constant_expression_type_mismatch) {
  // (global i32 (i64.const 0))
  EXPECT_TRUE(invalid(decode(module_of({{0x06, 0x06, 0x01, 0x7F, 0x00, 0x42, 0x00, 0x0B}})),
                      "type mismatch", 13));
  // (global i32) with an empty initializer
  EXPECT_TRUE(
      invalid(decode(module_of({{0x06, 0x04, 0x01, 0x7F, 0x00, 0x0B}})), "type mismatch", 13));
  // (global i32 (i32.const 0) (i32.const 0))
  EXPECT_TRUE(
      invalid(decode(module_of({{0x06, 0x08, 0x01, 0x7F, 0x00, 0x41, 0x00, 0x41, 0x00, 0x0B}})),
              "type mismatch", 13));
  // (memory 0) (data (i64.const 0) "")
  EXPECT_TRUE(invalid(decode(module_of({{0x05, 0x03, 0x01, 0x00, 0x00},
                                        {0x0B, 0x06, 0x01, 0x00, 0x42, 0x00, 0x0B, 0x00}})),
                      "type mismatch", 17));
  // (table 1 funcref) (elem (table 0) (i32.const 0) externref): wrong element type
  EXPECT_TRUE(
      invalid(decode(module_of({{0x04, 0x04, 0x01, 0x70, 0x00, 0x01},
                                {0x09, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0x0B, 0x6F, 0x00}})),
              "type mismatch", 18));
}

TEST(decoder, malformed_wins_over_an_earlier_invalid) {
  // (func (type 5)) is invalid, then an export of kind 9 is malformed.
  EXPECT_TRUE(
      malformed(decode(module_of({{0x03, 0x02, 0x01, 0x05}, {0x07, 0x04, 0x01, 0x00, 0x09, 0x00}})),
                "malformed export kind", 16));
  // Of two invalid findings, the first is reported.
  Bytes two_bodies = {0x0A, 0x07, 0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B};
  EXPECT_TRUE(invalid(decode(module_of({{0x03, 0x03, 0x02, 0x05, 0x06}, two_bodies})),
                      "unknown type 5", 11));
}

// ---- features -------------------------------------------------------------------------------

TEST(decoder, multi_value_off_refuses_several_results) {
  // (type (func (result i32 i64)))
  Bytes m = module_of({{0x01, 0x06, 0x01, 0x60, 0x00, 0x02, 0x7F, 0x7E}});
  Features f;
  f.multi_value = false;
  EXPECT_TRUE(invalid(decode(m, f), "invalid result arity", 13));
  EXPECT_TRUE(decode(m));
}

TEST(decoder, reference_types_off) {
  Features f;
  f.reference_types = false;
  // (table 0 externref)
  EXPECT_TRUE(malformed(decode(module_of({{0x04, 0x04, 0x01, 0x6F, 0x00, 0x00}}), f),
                        "malformed reference type", 11));
  // (table 0 funcref) (table 0 funcref)
  Bytes two = module_of({{0x04, 0x07, 0x02, 0x70, 0x00, 0x00, 0x70, 0x00, 0x00}});
  EXPECT_TRUE(invalid(decode(two, f), "multiple tables", 14));
  EXPECT_TRUE(decode(two));
}

TEST(decoder, bulk_memory_off) {
  Features f;
  f.bulk_memory = false;
  EXPECT_TRUE(malformed(decode(module_of({{0x0C, 0x01, 0x00}}), f), "malformed section id", 8));
  // (data "") passive
  EXPECT_TRUE(malformed(decode(module_of({{0x0B, 0x03, 0x01, 0x01, 0x00}}), f),
                        "malformed data segment kind", 11));
}

TEST(decoder, disabled_instructions_are_illegal_opcodes) {
  // (global i32 (i32.extend8_s (i32.const 0)))
  Bytes m = module_of({{0x06, 0x07, 0x01, 0x7F, 0x00, 0x41, 0x00, 0xC0, 0x0B}});
  Features f;
  f.sign_extension = false;
  EXPECT_TRUE(malformed(decode(m, f), "illegal opcode", 15));
  EXPECT_TRUE(invalid(decode(m), "constant expression required", 15));
}
