// weft spec runner: json values to weft::Value, and result comparison.
#include "values.hpp"

#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace weft::spec {
namespace {

/// The shape of a scalar type or of one v128 lane.
struct LaneShape {
  unsigned count = 0;  ///< lanes per value (1 for a scalar)
  unsigned bits = 0;   ///< width of a lane
  bool is_float = false;
};

std::optional<LaneShape> scalar_shape(const std::string& type) {
  if (type == "i32") return LaneShape{1, 32, false};
  if (type == "i64") return LaneShape{1, 64, false};
  if (type == "f32") return LaneShape{1, 32, true};
  if (type == "f64") return LaneShape{1, 64, true};
  return std::nullopt;
}

std::optional<LaneShape> lane_shape(const std::string& lane_type) {
  if (lane_type == "i8") return LaneShape{16, 8, false};
  if (lane_type == "i16") return LaneShape{8, 16, false};
  if (lane_type == "i32") return LaneShape{4, 32, false};
  if (lane_type == "i64") return LaneShape{2, 64, false};
  if (lane_type == "f32") return LaneShape{4, 32, true};
  if (lane_type == "f64") return LaneShape{2, 64, true};
  return std::nullopt;
}

uint64_t width_mask(unsigned bits) { return bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

/// Parses a decimal lane or scalar of `bits` bits: unsigned as wast2json writes them, or
/// signed (accepted for hand-written files). Nothing if malformed or out of range.
std::optional<uint64_t> parse_bits(const std::string& s, unsigned bits) {
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (s.empty()) return std::nullopt;
  if (s[0] == '-') {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || p != last) return std::nullopt;
    if (bits < 64 && v < -(int64_t{1} << (bits - 1))) return std::nullopt;
    return static_cast<uint64_t>(v) & width_mask(bits);
  }
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || p != last) return std::nullopt;
  if (v > width_mask(bits)) return std::nullopt;
  return v;
}

bool is_nan_pattern(const std::string& s) { return s == "nan:canonical" || s == "nan:arithmetic"; }

/// Whether `got` (a float of `bits` bits) fits the NaN pattern `pattern`.
bool matches_nan(const std::string& pattern, uint64_t got, unsigned bits) {
  uint64_t quiet = bits == 32 ? 0x7fc00000u : 0x7ff8000000000000u;
  uint64_t magnitude = bits == 32 ? 0x7fffffffu : 0x7fffffffffffffffu;
  // Canonical: exponent all ones, only the top mantissa bit set, either sign.
  if (pattern == "nan:canonical") return (got & magnitude) == quiet;
  // Arithmetic: exponent all ones and the top mantissa bit set, any payload below it.
  return (got & quiet) == quiet;
}

uint64_t lane_bits(const V128& v, unsigned lane, unsigned bits) {
  uint64_t out = 0;
  std::memcpy(&out, v.bytes + lane * (bits / 8), bits / 8);  // little-endian host
  return out;
}

void set_lane_bits(V128& v, unsigned lane, unsigned bits, uint64_t value) {
  std::memcpy(v.bytes + lane * (bits / 8), &value, bits / 8);
}

/// The bits of a scalar result, or nothing for references and v128.
std::optional<uint64_t> scalar_bits(const Value& v) {
  switch (v.type()) {
    case ValType::i32:
      return static_cast<uint32_t>(v.i32());
    case ValType::i64:
      return static_cast<uint64_t>(v.i64());
    case ValType::f32:
      return v.f32_bits();
    case ValType::f64:
      return v.f64_bits();
    default:
      return std::nullopt;
  }
}

/// Formats one lane or scalar of the given shape.
std::string format_bits(uint64_t bits, const LaneShape& shape) {
  char buf[96];
  if (shape.is_float && shape.bits == 32) {
    float f;
    auto b = static_cast<uint32_t>(bits);
    std::memcpy(&f, &b, 4);
    std::snprintf(buf, sizeof buf, "%.9g (0x%08" PRIx32 ")", static_cast<double>(f), b);
  } else if (shape.is_float) {
    double d;
    std::memcpy(&d, &bits, 8);
    std::snprintf(buf, sizeof buf, "%.17g (0x%016" PRIx64 ")", d, bits);
  } else {
    // Signed value, then the bits in hex.
    unsigned shift = 64 - shape.bits;
    auto as_signed = static_cast<int64_t>(bits << shift) >> shift;
    std::snprintf(buf, sizeof buf, "%" PRId64 " (0x%" PRIx64 ")", as_signed, bits);
  }
  return buf;
}

/// Formats an expected lane: its NaN pattern as written, else its number.
std::string format_expected(const std::string& text, const LaneShape& shape) {
  if (is_nan_pattern(text)) return text;
  auto bits = parse_bits(text, shape.bits);
  return bits ? format_bits(*bits, shape) : "'" + text + "'?";
}

bool lane_matches(const std::string& want, uint64_t got, const LaneShape& shape) {
  if (shape.is_float && is_nan_pattern(want)) return matches_nan(want, got, shape.bits);
  auto bits = parse_bits(want, shape.bits);
  return bits && *bits == got;
}

std::optional<std::string> mismatch_v128(const JsonValue& want, const V128& got) {
  auto shape = lane_shape(want.lane_type);
  if (!shape) return "unknown v128 lane type '" + want.lane_type + "'";
  if (want.lanes.size() != shape->count)
    return "expected v128 has " + std::to_string(want.lanes.size()) + " lanes, not " +
           std::to_string(shape->count);
  for (unsigned i = 0; i < shape->count; ++i) {
    uint64_t bits = lane_bits(got, i, shape->bits);
    if (!lane_matches(want.lanes[i], bits, *shape))
      return "lane " + std::to_string(i) + " differs: expected " +
             format_expected(want.lanes[i], *shape) + ", got " + format_bits(bits, *shape);
  }
  return std::nullopt;
}

std::optional<std::string> mismatch_ref(const JsonValue& want, const Value& got) {
  if (!want.has_value) {
    if (got.is_null()) return "expected a non-null " + want.type + ", got null";
    return std::nullopt;
  }
  const std::string& text = want.lanes.at(0);
  if (text == "null") {
    if (!got.is_null()) return "expected null, got a non-null " + want.type;
    return std::nullopt;
  }
  auto n = parse_bits(text, 64);
  if (!n) return "bad " + want.type + " '" + text + "' in the json";
  if (got.is_null()) return "expected " + want.type + " " + text + ", got null";
  // A funcref number cannot name a function of ours; an externref is compared by identity.
  if (got.type() == ValType::externref && got.externref() != externref_pointer(*n))
    return "expected externref " + text + ", got " + describe(got);
  return std::nullopt;
}

}  // namespace

void* externref_pointer(uint64_t n) noexcept {
  return reinterpret_cast<void*>(static_cast<uintptr_t>(n) + 1);
}

Result<Value> to_value(const JsonValue& v) {
  auto bad = [&](const std::string& why) {
    return fail(ErrorKind::usage, "bad " + v.type + " value in the json: " + why);
  };
  if (v.type == "funcref" || v.type == "externref") {
    ValType t = v.type == "funcref" ? ValType::funcref : ValType::externref;
    if (!v.has_value || v.lanes.size() != 1) return bad("no value");
    if (v.lanes[0] == "null") return Value::null(t);
    auto n = parse_bits(v.lanes[0], 64);
    if (!n) return bad("'" + v.lanes[0] + "'");
    if (t == ValType::funcref) return bad("a funcref argument other than null");
    return Value::externref(externref_pointer(*n));
  }
  if (v.type == "v128") {
    auto shape = lane_shape(v.lane_type);
    if (!shape) return bad("unknown lane type '" + v.lane_type + "'");
    if (v.lanes.size() != shape->count) return bad(std::to_string(v.lanes.size()) + " lanes");
    V128 out;
    for (unsigned i = 0; i < shape->count; ++i) {
      auto bits = parse_bits(v.lanes[i], shape->bits);
      if (!bits) return bad("lane '" + v.lanes[i] + "'");
      set_lane_bits(out, i, shape->bits, *bits);
    }
    return Value::v128(out);
  }
  auto shape = scalar_shape(v.type);
  if (!shape) return bad("unknown type");
  if (!v.has_value || v.lanes.size() != 1) return bad("no value");
  auto bits = parse_bits(v.lanes[0], shape->bits);
  if (!bits) return bad("'" + v.lanes[0] + "'");
  if (v.type == "i32") return Value::i32(static_cast<int32_t>(static_cast<uint32_t>(*bits)));
  if (v.type == "i64") return Value::i64(static_cast<int64_t>(*bits));
  if (v.type == "f32") return Value::f32_bits(static_cast<uint32_t>(*bits));
  return Value::f64_bits(*bits);
}

std::optional<std::string> mismatch(const JsonValue& expected, const Value& got) {
  std::string got_type(valtype_name(got.type()));
  if (expected.type != got_type)
    return "expected a " + expected.type + ", got " + describe(got, &expected);
  if (expected.type == "funcref" || expected.type == "externref")
    return mismatch_ref(expected, got);
  if (expected.type == "v128") return mismatch_v128(expected, got.v128());
  auto shape = scalar_shape(expected.type);
  if (!shape) return "unknown expected type '" + expected.type + "'";
  if (!expected.has_value || expected.lanes.size() != 1) return "expected value has no value";
  uint64_t bits = scalar_bits(got).value_or(0);
  if (lane_matches(expected.lanes[0], bits, *shape)) return std::nullopt;
  return "expected " + describe(expected) + ", got " + describe(got);
}

std::string describe(const JsonValue& v) {
  if (v.type == "v128") {
    auto shape = lane_shape(v.lane_type);
    if (!shape) return "v128:" + v.lane_type + "?";
    std::string out = "v128:" + v.lane_type + "x" + std::to_string(shape->count);
    for (const auto& lane : v.lanes) out += " " + format_expected(lane, *shape);
    return out;
  }
  if (!v.has_value) return v.type + ":non-null";
  if (v.lanes.size() != 1) return v.type + ":?";
  auto shape = scalar_shape(v.type);
  if (!shape) return v.type + ":" + v.lanes[0];  // references: "null" or the number
  return v.type + ":" + format_expected(v.lanes[0], *shape);
}

std::string describe(const Value& v, const JsonValue* like) {
  std::string type(valtype_name(v.type()));
  switch (v.type()) {
    case ValType::funcref:
      return v.is_null() ? "funcref:null" : "funcref:non-null";
    case ValType::externref: {
      if (v.is_null()) return "externref:null";
      auto p = reinterpret_cast<uintptr_t>(v.externref());
      char buf[64];
      std::snprintf(buf, sizeof buf, "externref:%" PRIuPTR " (pointer 0x%" PRIxPTR ")", p - 1, p);
      return buf;
    }
    case ValType::v128: {
      std::string lane_type = like && lane_shape(like->lane_type) ? like->lane_type : "i32";
      auto shape = *lane_shape(lane_type);
      std::string out = "v128:" + lane_type + "x" + std::to_string(shape.count);
      for (unsigned i = 0; i < shape.count; ++i)
        out += " " + format_bits(lane_bits(v.v128(), i, shape.bits), shape);
      return out;
    }
    default:
      return type + ":" + format_bits(*scalar_bits(v), *scalar_shape(type));
  }
}

}  // namespace weft::spec
