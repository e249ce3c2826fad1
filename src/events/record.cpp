// Records: JSON text or msgpack, checked on construction, converted on demand. The msgpack
// codec is weft's own: strict (every length checked against the input, depth bounded), and
// exact for everything JSON can express.
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "events/json_text.hpp"
#include "weft/events.hpp"

namespace weft::events {

namespace {

constexpr int k_max_depth = 512;

/// The double a JSON number's text reads as (correctly rounded; underflow gives zero or a
/// subnormal), or nothing if it overflows.
std::optional<double> json_number_to_double(std::string_view t) {
  double d;
  auto r = std::from_chars(t.data(), t.data() + t.size(), d);
  if (r.ec == std::errc() && r.ptr == t.data() + t.size()) return d;
  // Out of range, or an exponent too long for from_chars: the text is a valid JSON number
  // (rapidjson checked), which strtod reads whole (glibc rounds correctly; "." is the
  // decimal point in the C locale weft never changes).
  d = std::strtod(std::string(t).c_str(), nullptr);
  if (std::isinf(d)) return std::nullopt;
  return d;
}

// ---- JSON -> msgpack (through rapidjson's SAX reader, iterative: no recursion) ------------

/// Writes msgpack for the SAX events. Container sizes are unknown until they end, so each
/// container's header is written as its widest form and shrunk into place when it closes.
class MsgpackWriter : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, MsgpackWriter> {
 public:
  std::string out;

  bool Null() { return put(0xc0), true; }
  bool Bool(bool b) { return put(b ? 0xc3 : 0xc2), true; }
  bool Int(int i) { return Int64(i); }
  bool Uint(unsigned u) { return Uint64(u); }
  bool Int64(int64_t i) {
    if (i >= 0) return uint_value(uint64_t(i)), true;
    if (i >= -32) {
      put(uint8_t(int8_t(i)));
    } else if (i >= INT8_MIN) {
      put(0xd0), put(uint8_t(int8_t(i)));
    } else if (i >= INT16_MIN) {
      put(0xd1), be(uint16_t(int16_t(i)), 2);
    } else if (i >= INT32_MIN) {
      put(0xd2), be(uint32_t(int32_t(i)), 4);
    } else {
      put(0xd3), be(uint64_t(i), 8);
    }
    return true;
  }
  bool Uint64(uint64_t u) { return uint_value(u), true; }
  bool Double(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    put(0xcb), be(bits, 8);
    return true;
  }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    std::string_view t(s, n);
    const char* end = s + n;
    if (t.find_first_of(".eE") == std::string_view::npos) {
      if (t[0] == '-') {
        int64_t i;
        auto r = std::from_chars(s, end, i);
        if (r.ec == std::errc() && r.ptr == end) return Int64(i);
      } else {
        uint64_t u;
        auto r = std::from_chars(s, end, u);
        if (r.ec == std::errc() && r.ptr == end) return Uint64(u);
      }
      // An integer beyond 64 bits: a double, as JSON readers take it.
    }
    auto d = json_number_to_double(t);
    if (!d) return out_of_range = std::string(t), false;
    return Double(*d);
  }
  bool String(const char* s, rapidjson::SizeType n, bool) { return utf8(s, n) && (str(s, n), true); }
  bool Key(const char* s, rapidjson::SizeType n, bool) { return utf8(s, n) && (str(s, n), true); }
  bool StartObject() { return open(true); }
  bool EndObject(rapidjson::SizeType n) { return close(true, n); }
  bool StartArray() { return open(false); }
  bool EndArray(rapidjson::SizeType n) { return close(false, n); }

  bool top_is_object = false;
  bool too_deep = false;
  std::string out_of_range;  // a number no double can hold
  bool bad_string = false;   // a decoded string that is not UTF-8 (a lone surrogate escape)
  bool utf8(const char* s, size_t n) { return bad_string = !json_valid_utf8({s, n}), !bad_string; }

 private:
  int depth = 0;
  std::vector<size_t> headers;  // offsets of the open containers' 5-byte headers

  void put(uint8_t b) { out.push_back(char(b)); }
  void be(uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) put(uint8_t(v >> (8 * i)));
  }
  void uint_value(uint64_t u) {
    if (u < 128) {
      put(uint8_t(u));
    } else if (u <= UINT8_MAX) {
      put(0xcc), put(uint8_t(u));
    } else if (u <= UINT16_MAX) {
      put(0xcd), be(u, 2);
    } else if (u <= UINT32_MAX) {
      put(0xce), be(u, 4);
    } else {
      put(0xcf), be(u, 8);
    }
  }
  void str(const char* s, size_t n) {
    if (n < 32) {
      put(uint8_t(0xa0 | n));
    } else if (n <= UINT8_MAX) {
      put(0xd9), put(uint8_t(n));
    } else if (n <= UINT16_MAX) {
      put(0xda), be(n, 2);
    } else {
      put(0xdb), be(n, 4);
    }
    out.append(s, n);
  }
  bool open(bool object) {
    if (depth == 0) top_is_object = object;
    if (++depth > k_max_depth) return too_deep = true, false;
    headers.push_back(out.size());
    out.append(5, '\0');
    return true;
  }
  bool close(bool object, size_t n) {
    --depth;
    size_t at = headers.back();
    headers.pop_back();
    uint8_t head[5];
    size_t len;
    if (n < 16) {
      head[0] = uint8_t((object ? 0x80 : 0x90) | n), len = 1;
    } else if (n <= UINT16_MAX) {
      head[0] = object ? 0xde : 0xdc, head[1] = uint8_t(n >> 8), head[2] = uint8_t(n), len = 3;
    } else {
      head[0] = object ? 0xdf : 0xdd;
      for (int i = 0; i < 4; ++i) head[1 + i] = uint8_t(n >> (8 * (3 - i)));
      len = 5;
    }
    std::memcpy(out.data() + at, head, len);
    if (len < 5) out.erase(at + len, 5 - len);
    return true;
  }
};

// Numbers are handed over as their text and converted here with std::from_chars (exact,
// correctly rounded): rapidjson 1.1.0's default double parse can be off by an ulp, and its
// full-precision one has undefined behaviour on inputs like 0E0099200033 (both found by
// fuzz_events).
// No kParseValidateEncodingFlag: rapidjson validates it a byte at a time; every decoded string
// and key goes through json_valid_utf8 instead (which also catches lone surrogate escapes),
// and bytes outside strings that are not JSON's ASCII syntax are parse errors anyway.
constexpr unsigned k_parse_flags = rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag;

std::string json_error(const rapidjson::Reader& reader, std::string_view what) {
  return std::string(what) + ": " + rapidjson::GetParseError_En(reader.GetParseErrorCode()) + " at byte " +
         std::to_string(reader.GetErrorOffset());
}

// ---- msgpack -> JSON ------------------------------------------------------------------------

class MsgpackReader {
 public:
  MsgpackReader(std::span<const uint8_t> in, std::string* out) : m_in(in), m_out(out) {}

  /// One value; `top` requires a map.
  Result<void> value(int depth, bool top) {
    if (depth > k_max_depth) return error("nested deeper than " + std::to_string(k_max_depth) + " levels");
    size_t at = m_pos;
    WEFT_TRY(uint8_t b, byte());
    if (top && !(b >= 0x80 && b <= 0x8f) && b != 0xde && b != 0xdf)
      return error_at(at, "the record is not a msgpack map");
    if (b <= 0x7f) return number(uint64_t(b));
    if (b >= 0xe0) return signed_number(int8_t(b));
    if (b >= 0x80 && b <= 0x8f) return map(b & 0x0f, depth);
    if (b >= 0x90 && b <= 0x9f) return array(b & 0x0f, depth);
    if (b >= 0xa0 && b <= 0xbf) return string(b & 0x1f);
    switch (b) {
      case 0xc0: return text("null");
      case 0xc2: return text("false");
      case 0xc3: return text("true");
      case 0xc4: case 0xc5: case 0xc6: return error_at(at, "a binary value has no JSON form");
      case 0xc7: case 0xc8: case 0xc9: case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
        return error_at(at, "an extension value has no JSON form");
      case 0xca: {
        WEFT_TRY(uint64_t v, be(4));
        float f;
        uint32_t u = uint32_t(v);
        std::memcpy(&f, &u, 4);
        return floating(double(f), at);
      }
      case 0xcb: {
        WEFT_TRY(uint64_t v, be(8));
        double d;
        std::memcpy(&d, &v, 8);
        return floating(d, at);
      }
      case 0xcc: { WEFT_TRY(uint64_t v, be(1)); return number(v); }
      case 0xcd: { WEFT_TRY(uint64_t v, be(2)); return number(v); }
      case 0xce: { WEFT_TRY(uint64_t v, be(4)); return number(v); }
      case 0xcf: { WEFT_TRY(uint64_t v, be(8)); return number(v); }
      case 0xd0: { WEFT_TRY(uint64_t v, be(1)); return signed_number(int8_t(v)); }
      case 0xd1: { WEFT_TRY(uint64_t v, be(2)); return signed_number(int16_t(v)); }
      case 0xd2: { WEFT_TRY(uint64_t v, be(4)); return signed_number(int32_t(v)); }
      case 0xd3: { WEFT_TRY(uint64_t v, be(8)); return signed_number(int64_t(v)); }
      case 0xd9: { WEFT_TRY(uint64_t n, be(1)); return string(n); }
      case 0xda: { WEFT_TRY(uint64_t n, be(2)); return string(n); }
      case 0xdb: { WEFT_TRY(uint64_t n, be(4)); return string(n); }
      case 0xdc: { WEFT_TRY(uint64_t n, be(2)); return array(n, depth); }
      case 0xdd: { WEFT_TRY(uint64_t n, be(4)); return array(n, depth); }
      case 0xde: { WEFT_TRY(uint64_t n, be(2)); return map(n, depth); }
      case 0xdf: { WEFT_TRY(uint64_t n, be(4)); return map(n, depth); }
      default: return error_at(at, "0xc1 is not a msgpack type");
    }
  }

  Result<void> finish() {
    if (m_pos != m_in.size())
      return error("trailing bytes after the record (" + std::to_string(m_in.size() - m_pos) + ")");
    return {};
  }

 private:
  std::span<const uint8_t> m_in;
  size_t m_pos = 0;
  std::string* m_out;  // null: check only

  Failure error_at(size_t at, const std::string& what) const {
    return Failure{Error::make(ErrorKind::usage, "msgpack: " + what + " (at byte " + std::to_string(at) + ")")};
  }
  Failure error(const std::string& what) const { return error_at(m_pos, what); }

  Result<uint8_t> byte() {
    if (m_pos >= m_in.size()) return error("unexpected end of the data");
    return m_in[m_pos++];
  }
  Result<uint64_t> be(int bytes) {
    if (m_in.size() - m_pos < size_t(bytes)) return error("unexpected end of the data");
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = v << 8 | m_in[m_pos++];
    return v;
  }
  Result<void> text(std::string_view s) {
    if (m_out) m_out->append(s);
    return {};
  }
  Result<void> number(uint64_t v) {
    if (!m_out) return {};
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    m_out->append(buf, r.ptr);
    return {};
  }
  Result<void> signed_number(int64_t v) {
    if (!m_out) return {};
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    m_out->append(buf, r.ptr);
    return {};
  }
  Result<void> floating(double d, size_t at) {
    if (!std::isfinite(d)) return error_at(at, "NaN and infinities have no JSON form");
    if (m_out) json_append_double(*m_out, d);
    return {};
  }
  Result<void> string(uint64_t n) {
    if (m_in.size() - m_pos < n) return error("a string runs past the end of the data");
    std::string_view s(reinterpret_cast<const char*>(m_in.data() + m_pos), n);
    if (!json_valid_utf8(s)) return error("a string is not valid UTF-8");
    m_pos += n;
    if (m_out) json_append_string(*m_out, s);
    return {};
  }
  Result<void> array(uint64_t n, int depth) {
    // Every element takes at least one byte: a count past the data is malformed, whatever
    // it claims (and cannot make us loop long).
    if (n > m_in.size() - m_pos) return error("an array claims more elements than there are bytes");
    if (m_out) m_out->push_back('[');
    for (uint64_t i = 0; i < n; ++i) {
      if (m_out && i) m_out->push_back(',');
      WEFT_TRY_VOID(value(depth + 1, false));
    }
    if (m_out) m_out->push_back(']');
    return {};
  }
  Result<void> map(uint64_t n, int depth) {
    if (n > (m_in.size() - m_pos) / 2) return error("a map claims more entries than there are bytes");
    if (m_out) m_out->push_back('{');
    for (uint64_t i = 0; i < n; ++i) {
      if (m_out && i) m_out->push_back(',');
      size_t at = m_pos;
      WEFT_TRY(uint8_t b, byte());
      uint64_t len;
      if (b >= 0xa0 && b <= 0xbf) {
        len = b & 0x1f;
      } else if (b == 0xd9 || b == 0xda || b == 0xdb) {
        WEFT_TRY(uint64_t l, be(b == 0xd9 ? 1 : b == 0xda ? 2 : 4));
        len = l;
      } else {
        return error_at(at, "a map key is not a string (JSON keys must be)");
      }
      WEFT_TRY_VOID(string(len));
      if (m_out) m_out->push_back(':');
      WEFT_TRY_VOID(value(depth + 1, false));
    }
    if (m_out) m_out->push_back('}');
    return {};
  }
};

Result<void> check_msgpack_map(std::span<const uint8_t> bytes, std::string* out) {
  MsgpackReader r(bytes, out);
  WEFT_TRY_VOID(r.value(0, true));
  return r.finish();
}

}  // namespace

// ---- JSON text helpers (events/json_text.hpp) ---------------------------------------------

bool json_valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    // ASCII eight bytes at a time.
    while (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      if (w & 0x8080808080808080ull) break;
      p += 8;
    }
    if (p == end) break;
    unsigned c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      n = 1, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
      cp = cp << 6 | (p[i] & 0x3f);
    }
    static constexpr uint32_t k_min[] = {0, 0x80, 0x800, 0x10000};
    if (cp < k_min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    p += n + 1;
  }
  return true;
}

void json_append_string(std::string& out, std::string_view s) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the pending run of bytes that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default:
        out.append("\\u00");
        out.push_back(k_hex[c >> 4]);
        out.push_back(k_hex[c & 15]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void json_append_double(std::string& out, double d) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  std::string_view t(buf, size_t(r.ptr - buf));
  out.append(t);
  // Keep it a floating-point number when read back ("2.0", not "2").
  if (t.find_first_of(".eE") == std::string_view::npos) out.append(".0");
}

// ---- Record ---------------------------------------------------------------------------------

Record::Record() = default;

namespace {

/// Checks JSON text without building anything: strict (UTF-8, no lone surrogate escapes,
/// numbers a double can hold, depth bounded). `what` prefixes messages; `top_object` is set
/// when the value is an object.
Result<void> check_json(std::string_view json, std::string_view what, bool* top_object) {
  struct Checker : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Checker> {
    int depth = 0;
    bool object = false;
    bool first = true;
    bool Default() {
      if (first) first = false;
      return true;
    }
    // Only a number with an exponent, or of hundreds of digits, can overflow a double.
    bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
      first = false;
      std::string_view t(s, n);
      if ((n > 300 || t.find_first_of("eE") != std::string_view::npos) && !json_number_to_double(t)) {
        out_of_range = std::string(t.substr(0, 40));
        return false;
      }
      return true;
    }
    std::string out_of_range;
    bool StartObject() {
      if (first) object = true, first = false;
      return ++depth <= k_max_depth;
    }
    bool EndObject(rapidjson::SizeType) { return --depth, true; }
    bool StartArray() {
      first = false;
      return ++depth <= k_max_depth;
    }
    bool EndArray(rapidjson::SizeType) { return --depth, true; }
    // rapidjson decodes a lone surrogate escape ("\\ud800") into bytes that are not UTF-8:
    // such a string cannot be carried anywhere else (msgpack, the guest), so it is refused.
    bool String(const char* s, rapidjson::SizeType n, bool) {
      first = false;
      return bad_string = !json_valid_utf8({s, n}), !bad_string;
    }
    bool Key(const char* s, rapidjson::SizeType n, bool) { return bad_string = !json_valid_utf8({s, n}), !bad_string; }
    bool bad_string = false;
  } checker;
  rapidjson::MemoryStream ms(json.data(), json.size());
  rapidjson::Reader reader;
  auto ok = reader.Parse<k_parse_flags>(ms, checker);
  if (!ok) {
    std::string w(what);
    if (checker.depth > k_max_depth)
      return fail(ErrorKind::usage, w + ": nested deeper than " + std::to_string(k_max_depth) + " levels");
    if (!checker.out_of_range.empty())
      return fail(ErrorKind::usage, w + ": the number " + checker.out_of_range + " is out of range of a double");
    if (checker.bad_string)
      return fail(ErrorKind::usage, w + ": a string is not UTF-8 (or escapes an unpaired UTF-16 surrogate) (at byte " +
                                        std::to_string(reader.GetErrorOffset()) + ")");
    return fail(ErrorKind::usage, json_error(reader, w + ": invalid JSON"));
  }
  if (top_object) *top_object = checker.object;
  return {};
}

}  // namespace

Result<void> json_check(std::string_view json) { return check_json(json, "JSON", nullptr); }

Result<Record> Record::from_json(std::string_view json) {
  bool object = false;
  WEFT_TRY_VOID(check_json(json, "record", &object));
  if (!object) return fail(ErrorKind::usage, "record: not a JSON object");
  Record r;
  r.m_format = RecordFormat::json;
  r.m_bytes.assign(json);
  return r;
}

Result<Record> Record::from_msgpack(std::span<const uint8_t> bytes) {
  WEFT_TRY_VOID(check_msgpack_map(bytes, nullptr));
  Record r;
  r.m_format = RecordFormat::msgpack;
  r.m_bytes.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return r;
}

Result<std::string> Record::json() const {
  if (m_format == RecordFormat::json) return m_bytes;
  return msgpack_to_json({reinterpret_cast<const uint8_t*>(m_bytes.data()), m_bytes.size()});
}

Result<std::string> Record::msgpack() const {
  if (m_format == RecordFormat::msgpack) return m_bytes;
  return json_to_msgpack(m_bytes);
}

Result<Record> Record::to(RecordFormat format) const {
  if (format == m_format) return *this;
  Record r;
  r.m_format = format;
  if (format == RecordFormat::json) {
    WEFT_TRY(r.m_bytes, json());
  } else {
    WEFT_TRY(r.m_bytes, msgpack());
  }
  return r;
}

Result<std::string> msgpack_to_json(std::span<const uint8_t> msgpack) {
  std::string out;
  out.reserve(msgpack.size() + msgpack.size() / 4 + 2);
  WEFT_TRY_VOID(check_msgpack_map(msgpack, &out));
  return out;
}

Result<std::string> json_to_msgpack(std::string_view json) {
  MsgpackWriter w;
  w.out.reserve(json.size());
  rapidjson::MemoryStream ms(json.data(), json.size());
  rapidjson::Reader reader;
  if (!reader.Parse<k_parse_flags>(ms, w)) {
    if (w.too_deep) return fail(ErrorKind::usage, "record: nested deeper than " + std::to_string(k_max_depth) + " levels");
    if (w.bad_string) return fail(ErrorKind::usage, "record: a string is not UTF-8 (or escapes an unpaired UTF-16 surrogate)");
    if (!w.out_of_range.empty())
      return fail(ErrorKind::usage, "record: the number " + w.out_of_range.substr(0, 40) + " is out of range of a double");
    return fail(ErrorKind::usage, json_error(reader, "record: invalid JSON"));
  }
  if (!w.top_is_object) return fail(ErrorKind::usage, "record: not a JSON object");
  return std::move(w.out);
}

}  // namespace weft::events
