// Tests of the opcode table: lookups round-trip and alignments follow the access width.
#include "wasm/opcodes.hpp"

#include <gtest/gtest.h>

using namespace weft::wasm;

TEST(opcodes, lookup_round_trips_every_instruction) {
  for (size_t i = 0; i < op_count; ++i) {
    Op op = static_cast<Op>(i);
    const OpInfo& info = op_info(op);
    auto found = lookup_op(info.prefix, info.code);
    ASSERT_TRUE(found.has_value()) << info.text;
    EXPECT_EQ(*found, op) << info.text;
  }
}

TEST(opcodes, unknown_opcodes_are_not_found) {
  EXPECT_FALSE(lookup_op(0, 0x06).has_value());
  EXPECT_FALSE(lookup_op(0, 0xFF).has_value());
  EXPECT_FALSE(lookup_op(0xFC, 18).has_value());
  EXPECT_FALSE(lookup_op(0xFC, 1000).has_value());
}

TEST(opcodes, natural_alignment_follows_access_width) {
  EXPECT_EQ(natural_alignment(Op::i32_load), 2u);
  EXPECT_EQ(natural_alignment(Op::i64_load), 3u);
  EXPECT_EQ(natural_alignment(Op::i32_load8_u), 0u);
  EXPECT_EQ(natural_alignment(Op::i64_load16_s), 1u);
  EXPECT_EQ(natural_alignment(Op::i64_load32_u), 2u);
  EXPECT_EQ(natural_alignment(Op::i64_store32), 2u);
  EXPECT_EQ(natural_alignment(Op::f64_store), 3u);
  EXPECT_EQ(natural_alignment(Op::i32_store16), 1u);
}

TEST(opcodes, names_are_the_spec_spelling) {
  EXPECT_EQ(op_name(Op::i32_add), "i32.add");
  EXPECT_EQ(op_name(Op::memory_grow), "memory.grow");
  EXPECT_EQ(op_name(Op::i64_trunc_sat_f64_u), "i64.trunc_sat_f64_u");
}
