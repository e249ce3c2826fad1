// weft: WebAssembly value types and values.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace weft {

/// A value type, with its binary encoding as the enumerator's value.
/// https://webassembly.github.io/spec/core/binary/types.html#value-types
enum class ValType : uint8_t {
  i32 = 0x7F,
  i64 = 0x7E,
  f32 = 0x7D,
  f64 = 0x7C,
  v128 = 0x7B,
  funcref = 0x70,
  externref = 0x6F,
};

/// "i32", "funcref", ...
std::string_view valtype_name(ValType t) noexcept;
constexpr bool is_reftype(ValType t) noexcept {
  return t == ValType::funcref || t == ValType::externref;
}
constexpr bool is_valtype_byte(uint8_t b) noexcept {
  return b == 0x7F || b == 0x7E || b == 0x7D || b == 0x7C || b == 0x7B || b == 0x70 || b == 0x6F;
}

/// 128 bits of a v128 value, little-endian lanes.
struct V128 {
  uint8_t bytes[16] = {};
  friend bool operator==(const V128& a, const V128& b) noexcept {
    return std::memcmp(a.bytes, b.bytes, 16) == 0;
  }
};

namespace detail {
struct FuncInst;
}

/// A function signature.
struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  friend bool operator==(const FuncType&, const FuncType&) = default;
  /// "(i32, i32) -> (i64)"
  std::string to_string() const;
};

/// A WebAssembly value. References are opaque: a funcref points at a function of a Store,
/// an externref is any host pointer (null is the null reference).
class Value {
 public:
  Value() : m_type(ValType::i32) { m_bits.u64 = 0; }
  static Value i32(int32_t v) { Value x(ValType::i32); x.m_bits.u64 = static_cast<uint32_t>(v); return x; }
  static Value i64(int64_t v) { Value x(ValType::i64); x.m_bits.u64 = static_cast<uint64_t>(v); return x; }
  static Value f32(float v) { Value x(ValType::f32); uint32_t b; std::memcpy(&b, &v, 4); x.m_bits.u64 = b; return x; }
  static Value f64(double v) { Value x(ValType::f64); std::memcpy(&x.m_bits.u64, &v, 8); return x; }
  static Value f32_bits(uint32_t b) { Value x(ValType::f32); x.m_bits.u64 = b; return x; }
  static Value f64_bits(uint64_t b) { Value x(ValType::f64); x.m_bits.u64 = b; return x; }
  static Value v128(const V128& v) { Value x(ValType::v128); x.m_v128 = v; return x; }
  static Value externref(void* p) { Value x(ValType::externref); x.m_bits.ptr = p; return x; }
  static Value funcref(detail::FuncInst* f) { Value x(ValType::funcref); x.m_bits.ptr = f; return x; }
  static Value null(ValType reftype) { Value x(reftype); x.m_bits.ptr = nullptr; return x; }
  /// The zero value of a type (0, 0.0, null).
  static Value zero(ValType t) { Value x(t); x.m_bits.u64 = 0; return x; }

  ValType type() const noexcept { return m_type; }
  int32_t i32() const noexcept { return static_cast<int32_t>(m_bits.u64); }
  int64_t i64() const noexcept { return static_cast<int64_t>(m_bits.u64); }
  float f32() const noexcept { float f; uint32_t b = f32_bits(); std::memcpy(&f, &b, 4); return f; }
  double f64() const noexcept { double d; std::memcpy(&d, &m_bits.u64, 8); return d; }
  uint32_t f32_bits() const noexcept { return static_cast<uint32_t>(m_bits.u64); }
  uint64_t f64_bits() const noexcept { return m_bits.u64; }
  const V128& v128() const noexcept { return m_v128; }
  void* externref() const noexcept { return m_bits.ptr; }
  detail::FuncInst* funcref() const noexcept { return static_cast<detail::FuncInst*>(m_bits.ptr); }
  bool is_null() const noexcept { return m_bits.ptr == nullptr; }

  /// The raw 64 bits of a scalar or reference (the low half of a v128).
  uint64_t raw() const noexcept { return m_bits.u64; }
  static Value from_raw(ValType t, uint64_t bits) { Value x(t); x.m_bits.u64 = bits; return x; }

  /// "i32:42", "f64:0x1p+0", "funcref:null"
  std::string to_string() const;

 private:
  explicit Value(ValType t) : m_type(t) {}
  ValType m_type;
  union {
    union {
      uint64_t u64;
      void* ptr;
    } m_bits;
    V128 m_v128;
  };
};

}  // namespace weft
