// Fuzz target over the event model's parsers: NDJSON event lines, JSON records and msgpack
// records. Besides not crashing, it checks the conversions' round-trip property: a record
// that parses converts to the other encoding and back to the same bytes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "weft/events.hpp"

using namespace weft::events;

namespace {

[[noreturn]] void die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_events: %s: %s\n", what, detail.c_str());
  std::abort();
}

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

void check_json_record(std::string_view text) {
  auto r = Record::from_json(text);
  if (!r) return;
  auto mp = json_to_msgpack(text);
  if (!mp) die("a valid JSON record does not convert to msgpack", mp.error().message);
  auto back = msgpack_to_json(bytes_of(*mp));
  if (!back) die("the msgpack of a JSON record does not convert back", back.error().message);
  auto again = json_to_msgpack(*back);
  if (!again || *again != *mp) die("JSON -> msgpack -> JSON -> msgpack changed the bytes", *back);
}

void check_msgpack_record(std::span<const uint8_t> data) {
  auto r = Record::from_msgpack(data);
  if (!r) return;
  auto json = r->json();
  if (!json) die("a valid msgpack record does not convert to JSON", json.error().message);
  if (!Record::from_json(*json)) die("the JSON of a msgpack record is not a record", *json);
  auto mp = json_to_msgpack(*json);
  if (!mp) die("msgpack -> JSON -> msgpack failed", mp.error().message);
  // Not byte-equal in general (msgpack allows non-minimal forms), but a fixed point after one
  // round.
  auto json2 = msgpack_to_json(bytes_of(*mp));
  if (!json2 || *json2 != *json) die("msgpack round trip is not a fixed point", *json);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0: {
      auto e = parse_ndjson_event(rest, "t", {1, 2});
      if (e) {
        auto line = format_ndjson_event(*e);
        if (!line) die("a parsed event does not format", line.error().message);
        auto again = parse_ndjson_event(*line, "", {});
        if (!again || !(*again == *e)) die("format -> parse changed the event", *line);
      }
      break;
    }
    case 1: check_json_record(rest); break;
    case 2: check_msgpack_record({data + 1, size - 1}); break;
  }
  return 0;
}
