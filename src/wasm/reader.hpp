// weft: a bounds-checked reader of the binary format's primitives.
// https://webassembly.github.io/spec/core/binary/values.html
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "weft/result.hpp"

namespace weft::wasm {

/// Reads from a byte range; every read checks the bounds and LEB128 encodings are strict:
/// at most ceil(N/7) bytes, and the unused bits of the last byte must be zero (unsigned) or
/// copies of the sign bit (signed). Offsets in errors are relative to `base_offset`.
class Reader {
 public:
  Reader(std::span<const uint8_t> bytes, size_t base_offset = 0)
      : m_begin(bytes.data()), m_p(bytes.data()), m_end(bytes.data() + bytes.size()),
        m_base(base_offset) {}

  size_t offset() const noexcept { return m_base + static_cast<size_t>(m_p - m_begin); }
  size_t remaining() const noexcept { return static_cast<size_t>(m_end - m_p); }
  bool at_end() const noexcept { return m_p == m_end; }
  const uint8_t* position() const noexcept { return m_p; }

  Failure error(std::string message) const {
    return fail(ErrorKind::malformed, std::move(message), offset());
  }
  Failure error_at(size_t off, std::string message) const {
    return fail(ErrorKind::malformed, std::move(message), off);
  }

  Result<uint8_t> u8() {
    if (m_p == m_end) return error("unexpected end");
    return *m_p++;
  }
  Result<std::span<const uint8_t>> bytes(size_t n) {
    if (remaining() < n) return error("unexpected end");
    std::span<const uint8_t> s(m_p, n);
    m_p += n;
    return s;
  }
  Result<void> skip(size_t n) {
    if (remaining() < n) return error("unexpected end");
    m_p += n;
    return {};
  }

  Result<uint32_t> u32() { return unsigned_leb<uint32_t, 32>(); }
  Result<uint64_t> u64() { return unsigned_leb<uint64_t, 64>(); }
  Result<int32_t> s32() { return signed_leb<int32_t, 32>(); }
  Result<int64_t> s33() { return signed_leb<int64_t, 33>(); }
  Result<int64_t> s64() { return signed_leb<int64_t, 64>(); }

  Result<uint32_t> f32_bits() {
    if (remaining() < 4) return error("unexpected end");
    uint32_t v;
    std::memcpy(&v, m_p, 4);
    m_p += 4;
    return v;
  }
  Result<uint64_t> f64_bits() {
    if (remaining() < 8) return error("unexpected end");
    uint64_t v;
    std::memcpy(&v, m_p, 8);
    m_p += 8;
    return v;
  }

  /// A name: a u32 length then that many bytes of valid UTF-8.
  Result<std::string> name() {
    WEFT_TRY(uint32_t len, u32());
    // The reference interpreter's wording for a length beyond the bytes left.
    if (remaining() < len) return error("length out of bounds: name of " + std::to_string(len) +
                                        " bytes but " + std::to_string(remaining()) + " left");
    std::string_view s(reinterpret_cast<const char*>(m_p), len);
    if (!valid_utf8(s)) return error("malformed UTF-8 encoding");
    m_p += len;
    return std::string(s);
  }

  /// A vector count that must not exceed the bytes left, given each element takes at least
  /// `min_element_size` bytes; checked before anything is allocated.
  Result<uint32_t> count(size_t min_element_size = 1) {
    size_t at = offset();
    WEFT_TRY(uint32_t n, u32());
    if (min_element_size && static_cast<uint64_t>(n) * min_element_size > remaining())
      return error_at(at, "unexpected end: count " + std::to_string(n) +
                              " is larger than the bytes that follow");
    return n;
  }

  static bool valid_utf8(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const uint8_t*>(s.data());
    const uint8_t* end = p + s.size();
    while (p < end) {
      uint8_t c = *p;
      if (c < 0x80) {
        ++p;
        continue;
      }
      int n;
      uint32_t cp;
      if ((c & 0xE0) == 0xC0) {
        n = 1;
        cp = c & 0x1F;
      } else if ((c & 0xF0) == 0xE0) {
        n = 2;
        cp = c & 0x0F;
      } else if ((c & 0xF8) == 0xF0) {
        n = 3;
        cp = c & 0x07;
      } else {
        return false;
      }
      if (end - p <= n) return false;
      for (int i = 1; i <= n; ++i) {
        if ((p[i] & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (p[i] & 0x3F);
      }
      if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;
      if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
      p += n + 1;
    }
    return true;
  }

 private:
  template <class T, unsigned Bits>
  Result<T> unsigned_leb() {
    constexpr unsigned max_bytes = (Bits + 6) / 7;
    uint64_t result = 0;
    for (unsigned i = 0;; ++i) {
      if (m_p == m_end) return error("unexpected end");
      uint8_t b = *m_p++;
      if (i == max_bytes - 1) {
        // The last byte: its continuation bit and the bits beyond Bits must be zero.
        if (b & 0x80) return error("integer representation too long");
        unsigned used = Bits - 7 * i;
        if (used < 7 && (b >> used) != 0) return error("integer too large");
        result |= static_cast<uint64_t>(b) << (7 * i);
        return static_cast<T>(result);
      }
      result |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
      if (!(b & 0x80)) return static_cast<T>(result);
    }
  }

  template <class T, unsigned Bits>
  Result<T> signed_leb() {
    constexpr unsigned max_bytes = (Bits + 6) / 7;
    uint64_t result = 0;
    for (unsigned i = 0;; ++i) {
      if (m_p == m_end) return error("unexpected end");
      uint8_t b = *m_p++;
      if (i == max_bytes - 1) {
        if (b & 0x80) return error("integer representation too long");
        unsigned used = Bits - 7 * i;  // value bits in this byte, the sign bit included
        if (used < 7) {
          // The sign bit and every bit above it must be equal: all zeros or all ones.
          unsigned top = static_cast<unsigned>(b & 0x7F) >> (used - 1);
          if (top != 0 && top != (0x7Fu >> (used - 1))) return error("integer too large");
        }
        result |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
        unsigned shift = 7 * (i + 1);
        if (shift < 64 && (b & 0x40)) result |= ~uint64_t{0} << shift;
        return static_cast<T>(static_cast<int64_t>(result));
      }
      result |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
      if (!(b & 0x80)) {
        unsigned shift = 7 * (i + 1);
        if (shift < 64 && (b & 0x40)) result |= ~uint64_t{0} << shift;
        return static_cast<T>(static_cast<int64_t>(result));
      }
    }
  }

  const uint8_t* m_begin;
  const uint8_t* m_p;
  const uint8_t* m_end;
  size_t m_base;
};

}  // namespace weft::wasm
