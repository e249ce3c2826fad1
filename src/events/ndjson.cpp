// NDJSON events: the line format of `weft process`. Parsed with rapidjson's SAX reader
// (numbers kept as their text, so times and record numbers pass through exactly).
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <limits>

#include "events/json_text.hpp"
#include "weft/events.hpp"

namespace weft::events {

namespace {

constexpr unsigned k_flags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag;  // UTF-8: json_valid_utf8 on each string
constexpr int k_max_depth = 512;

/// Compact JSON text from SAX events, numbers as their source text.
struct CompactWriter {
  std::string out;
  std::vector<uint32_t> items;  // per open container: items written so far
  bool after_key = false;

  void pre_value() {
    if (after_key) {
      after_key = false;
      return;
    }
    if (!items.empty()) {
      if (items.back()) out.push_back(',');
      ++items.back();
    }
  }
  void null() { pre_value(), out.append("null"); }
  void boolean(bool b) { pre_value(), out.append(b ? "true" : "false"); }
  void raw_number(std::string_view n) { pre_value(), out.append(n); }
  void string(std::string_view s) { pre_value(), json_append_string(out, s); }
  void key(std::string_view s) {
    if (items.back()) out.push_back(',');
    ++items.back();
    json_append_string(out, s);
    out.push_back(':');
    after_key = true;
  }
  void open(char c) {
    pre_value();
    out.push_back(c);
    items.push_back(0);
  }
  void close(char c) {
    out.push_back(c);
    items.pop_back();
  }
};

/// Exactly the decimal `text` (optional '-', digits, optional '.' and up to 9 digits) as a
/// Timestamp.
std::optional<Timestamp> parse_seconds(std::string_view text) {
  bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && frac.empty()) || frac.size() > 9) return std::nullopt;
  int64_t sec = 0;
  auto r = std::from_chars(whole.data(), whole.data() + whole.size(), sec);
  if (r.ec != std::errc() || r.ptr != whole.data() + whole.size()) return std::nullopt;
  uint32_t nsec = 0;
  for (size_t i = 0; i < 9; ++i) {
    char c = i < frac.size() ? frac[i] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    nsec = nsec * 10 + uint32_t(c - '0');
  }
  if (negative) {
    // -S.F = -(S+1) + (1 - 0.F)
    if (nsec) {
      if (sec == std::numeric_limits<int64_t>::max()) return std::nullopt;
      sec = -(sec + 1);
      nsec = 1000000000u - nsec;
    } else {
      sec = -sec;
    }
  }
  return Timestamp{sec, nsec};
}

struct Envelope : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Envelope> {
  enum class Field { none, tag, time, record, metadata };

  int depth = 0;
  Field field = Field::none;
  std::string error;

  std::optional<std::string> tag;
  std::optional<Timestamp> time;
  std::optional<std::string> record;
  std::map<std::string, std::string> metadata;

  CompactWriter rec;
  std::string sub_key;  // the key at depth 2 (time object, metadata)
  std::optional<int64_t> time_sec;
  std::optional<int64_t> time_nsec;

  bool fail(std::string message) {
    if (error.empty()) error = std::move(message);
    return false;
  }
  bool capturing() const { return field == Field::record && depth >= 2; }

  /// A scalar value at the current place.
  bool scalar(std::string_view kind, std::string_view text, bool is_string) {
    if (capturing()) {
      if (kind == "null") rec.null();
      else if (kind == "bool") rec.boolean(text == "true");
      else if (kind == "number") rec.raw_number(text);
      else rec.string(text);
      return true;
    }
    if (depth == 0) return fail("an event line must be a JSON object");
    if (depth == 1) {
      switch (field) {
        case Field::tag:
          if (!is_string) return fail("tag: must be a string");
          tag = std::string(text);
          return true;
        case Field::time:
          if (kind != "number") return fail("time: must be a number of seconds or {\"sec\":N,\"nsec\":N}");
          time = parse_seconds(text);
          if (!time) return fail("time: " + std::string(text) + " is not plain decimal seconds with at most 9 decimals");
          return true;
        case Field::record: return fail("record: must be a JSON object");
        case Field::metadata: return fail("metadata: must be an object of strings");
        case Field::none: break;
      }
      return false;
    }
    // depth 2 of time or metadata
    if (field == Field::metadata) {
      if (!is_string) return fail("metadata." + sub_key + ": must be a string");
      metadata[sub_key] = std::string(text);
      return true;
    }
    if (field == Field::time) {
      int64_t v = 0;
      auto r = std::from_chars(text.data(), text.data() + text.size(), v);
      if (kind != "number" || r.ec != std::errc() || r.ptr != text.data() + text.size())
        return fail("time." + sub_key + ": must be an integer");
      (sub_key == "sec" ? time_sec : time_nsec) = v;
      return true;
    }
    return fail("unexpected value");
  }

  bool Null() { return scalar("null", "null", false); }
  bool Bool(bool b) { return scalar("bool", b ? "true" : "false", false); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return scalar("number", {s, n}, false); }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (!json_valid_utf8({s, n})) return fail("a string is not UTF-8 (or escapes an unpaired UTF-16 surrogate)");
    return scalar("string", {s, n}, true);
  }
  bool Int(int) { return false; }  // not called with kParseNumbersAsStringsFlag
  bool Uint(unsigned) { return false; }
  bool Int64(int64_t) { return false; }
  bool Uint64(uint64_t) { return false; }
  bool Double(double) { return false; }

  bool Key(const char* s, rapidjson::SizeType n, bool) {
    std::string_view k(s, n);
    if (!json_valid_utf8(k)) return fail("a key is not UTF-8 (or escapes an unpaired UTF-16 surrogate)");
    if (capturing()) return rec.key(k), true;
    if (depth == 1) {
      if (k == "tag") field = Field::tag;
      else if (k == "time") field = Field::time;
      else if (k == "record") field = Field::record;
      else if (k == "metadata") field = Field::metadata;
      else return fail("unknown field \"" + std::string(k) + "\" (an event has tag, time, record and metadata)");
      return true;
    }
    if (field == Field::time && k != "sec" && k != "nsec")
      return fail("time: unknown field \"" + std::string(k) + "\" (sec, nsec)");
    sub_key.assign(k);
    return true;
  }

  bool StartObject() {
    if (depth >= k_max_depth) return fail("nested deeper than " + std::to_string(k_max_depth) + " levels");
    if (capturing()) {
      rec.open('{');
    } else if (depth == 1) {
      if (field == Field::record) {
        rec = {};
        rec.open('{');
      } else if (field == Field::tag) {
        return fail("tag: must be a string");
      } else if (field == Field::time) {
        time_sec.reset(), time_nsec.reset();
      }
    } else if (depth == 2) {
      return fail(field == Field::metadata ? "metadata." + sub_key + ": must be a string"
                                           : "time." + sub_key + ": must be an integer");
    }
    ++depth;
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    --depth;
    if (field == Field::record && depth >= 1) {
      rec.close('}');
      if (depth == 1) record = std::move(rec.out);
    } else if (field == Field::time && depth == 1) {
      if (!time_sec) return fail("time: missing sec");
      int64_t ns = time_nsec.value_or(0);
      if (ns < 0 || ns > 999999999) return fail("time.nsec: must be 0 ..= 999999999");
      time = Timestamp{*time_sec, uint32_t(ns)};
    }
    return true;
  }
  bool StartArray() {
    if (depth >= k_max_depth) return fail("nested deeper than " + std::to_string(k_max_depth) + " levels");
    if (capturing()) {
      rec.open('[');
      ++depth;
      return true;
    }
    if (depth == 0) return fail("an event line must be a JSON object");
    return scalar("array", "", false);
  }
  bool EndArray(rapidjson::SizeType) {
    --depth;
    rec.close(']');
    return true;
  }
};

void append_time(std::string& out, Timestamp t) {
  int64_t sec = t.sec;
  uint32_t nsec = t.nsec;
  if (sec < 0 && nsec) {
    out.push_back('-');
    // -(|sec| - 1) - (1e9 - nsec) ns, i.e. sec + nsec/1e9 printed as a negative decimal
    uint64_t whole = uint64_t(-(sec + 1));
    out.append(std::to_string(whole));
    nsec = 1000000000u - nsec;
  } else {
    out.append(std::to_string(sec));
  }
  char frac[11] = ".000000000";
  for (int i = 9; i >= 1; --i, nsec /= 10) frac[i] = char('0' + nsec % 10);
  out.append(frac, 10);
}

}  // namespace

Result<Event> parse_ndjson_event(std::string_view line, std::string_view default_tag, Timestamp default_time) {
  Envelope env;
  rapidjson::MemoryStream ms(line.data(), line.size());
  rapidjson::Reader reader;
  if (!reader.Parse<k_flags>(ms, env)) {
    if (!env.error.empty()) return fail(ErrorKind::usage, env.error);
    return fail(ErrorKind::usage, std::string("invalid JSON: ") + rapidjson::GetParseError_En(reader.GetParseErrorCode()) +
                                      " at byte " + std::to_string(reader.GetErrorOffset()));
  }
  if (!env.record) return fail(ErrorKind::usage, "the event has no record (\"record\":{...})");
  Event e;
  e.tag = env.tag ? std::move(*env.tag) : std::string(default_tag);
  e.time = env.time.value_or(default_time);
  WEFT_TRY(e.record, Record::from_json(*env.record));
  e.metadata = std::move(env.metadata);
  return e;
}

Result<std::string> format_ndjson_event(const Event& e) {
  std::string out;
  out.reserve(e.record.bytes().size() + e.tag.size() + 64);
  out.append("{\"tag\":");
  json_append_string(out, e.tag);
  out.append(",\"time\":");
  append_time(out, e.time);
  out.append(",\"record\":");
  WEFT_TRY(std::string json, e.record.json());
  if (json.find_first_of("\n\r") == std::string::npos) {
    out.append(json);
  } else {
    // Whitespace the plugin put between tokens (pretty-printed JSON): one line, compact.
    Envelope env;
    env.depth = 1;
    env.field = Envelope::Field::record;
    rapidjson::MemoryStream ms(json.data(), json.size());
    rapidjson::Reader reader;
    if (!reader.Parse<k_flags>(ms, env) || !env.record)
      return fail(ErrorKind::usage, "record: cannot be written on one line: " + env.error);
    out.append(*env.record);
  }
  if (!e.metadata.empty()) {
    out.append(",\"metadata\":{");
    bool first = true;
    for (const auto& [k, v] : e.metadata) {
      if (!first) out.push_back(',');
      first = false;
      json_append_string(out, k);
      out.push_back(':');
      json_append_string(out, v);
    }
    out.push_back('}');
  }
  out.push_back('}');
  return out;
}

}  // namespace weft::events
