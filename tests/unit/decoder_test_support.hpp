// Helpers of the decoder tests: byte builders and an error matcher.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "wasm/module.hpp"

namespace weft::wasm::test {

using Bytes = std::vector<uint8_t>;

/// The 8 bytes every module starts with: "\0asm" and version 1.
inline Bytes header() { return {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00}; }

/// Unsigned LEB128, minimal.
inline Bytes leb(uint64_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    out.push_back(static_cast<uint8_t>(b | (v ? 0x80 : 0)));
  } while (v);
  return out;
}

/// A section: id, LEB128 size, contents.
inline Bytes section(uint8_t id, const Bytes& contents) {
  Bytes out{id};
  Bytes size = leb(contents.size());
  out.insert(out.end(), size.begin(), size.end());
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}

/// The header followed by `parts`.
inline Bytes module_of(std::initializer_list<Bytes> parts) {
  Bytes out = header();
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Result<Module> decode(const Bytes& bytes, const Features& features = {}) {
  return decode_module(bytes, features);
}

/// The decoding failed with `kind`, a message starting with `prefix`, at `offset`.
inline ::testing::AssertionResult fails_with(const Result<Module>& r, ErrorKind kind,
                                             std::string_view prefix, size_t offset) {
  if (r) return ::testing::AssertionFailure() << "the module decoded";
  const Error& e = r.error();
  if (e.kind != kind || !e.message.starts_with(prefix) || e.offset != offset)
    return ::testing::AssertionFailure()
           << "got " << e.to_string() << " (offset " << e.offset << "); expected "
           << error_kind_name(kind) << " '" << prefix << "' at " << offset;
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult malformed(const Result<Module>& r, std::string_view prefix,
                                            size_t offset) {
  return fails_with(r, ErrorKind::malformed, prefix, offset);
}
inline ::testing::AssertionResult invalid(const Result<Module>& r, std::string_view prefix,
                                          size_t offset) {
  return fails_with(r, ErrorKind::invalid, prefix, offset);
}

}  // namespace weft::wasm::test
