// weft spec runner: json values to weft::Value, and result comparison.
#pragma once

#include <optional>
#include <string>

#include "json_commands.hpp"
#include "weft/value.hpp"

namespace weft::spec {

/// The host pointer that stands for `(ref.extern n)`: stable, distinct and never null.
void* externref_pointer(uint64_t n) noexcept;

/// Converts an argument (or a fully specified expected value) to a Value. Fails on an unknown
/// type, a number out of range, a NaN pattern (only expectations have those), or a non-null
/// funcref (the json cannot name a function).
Result<Value> to_value(const JsonValue& v);

/// Compares a result with an expectation: integers exactly, floats by bits except the patterns
/// "nan:canonical" and "nan:arithmetic", references null vs non-null (externref by identity),
/// v128 lane by lane in the expectation's lane type. Returns why they differ, or nothing.
std::optional<std::string> mismatch(const JsonValue& expected, const Value& got);

/// "i32:-1 (0xffffffff)", "f32:nan:canonical", "v128:f32x4 1 nan:arithmetic 0 -0", ...
std::string describe(const JsonValue& v);
/// A result, in the lane shape of `like` when it is a v128 (else as i32x4).
std::string describe(const Value& v, const JsonValue* like = nullptr);

}  // namespace weft::spec
