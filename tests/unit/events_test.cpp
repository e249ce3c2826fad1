// The event model: records (JSON, msgpack, conversions) and the NDJSON line format.
#include <gtest/gtest.h>

#include "weft/events.hpp"

namespace weft::events {
namespace {

std::span<const uint8_t> bytes(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

TEST(Record, DefaultIsEmptyObject) {
  Record r;
  EXPECT_EQ(r.format(), RecordFormat::json);
  EXPECT_EQ(r.bytes(), "{}");
}

TEST(Record, FromJsonAcceptsObjectsOnly) {
  EXPECT_TRUE(Record::from_json(R"( {"a": [1, 2.5, "x"], "b": {"c": null}} )"));
  for (const char* bad : {"[]", "1", "\"s\"", "null", "", "{", "{} {}", "{\"a\":1,}", "{\"a\":NaN}", "{'a':1}"}) {
    auto r = Record::from_json(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("record"), std::string::npos) << r.error().message;
  }
  auto r = Record::from_json("[1]");
  EXPECT_EQ(r.error().message, "record: not a JSON object");
  // Invalid UTF-8 inside a string, and escapes of unpaired surrogates (found by fuzz_events).
  EXPECT_FALSE(Record::from_json("{\"a\":\"\xff\"}"));
  for (const char* s : {R"({"a":"\ude00"})", R"({"\ud800":1})", R"({"a":"x\ud800y"})"}) {
    auto bad = Record::from_json(s);
    ASSERT_FALSE(bad) << s;
    EXPECT_NE(bad.error().message.find("surrogate"), std::string::npos) << bad.error().message;
    EXPECT_FALSE(json_to_msgpack(s));
    EXPECT_FALSE(parse_ndjson_event(std::string(R"({"record":)") + s + "}", "", {}));
  }
  EXPECT_TRUE(Record::from_json(R"({"a":"\ud83d\ude00"})"));  // a pair is fine
}

TEST(Record, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto r = Record::from_json(deep);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("deeper"), std::string::npos) << r.error().message;
  EXPECT_FALSE(json_to_msgpack(deep));
}

TEST(Record, JsonMsgpackRoundTrip) {
  const std::string json =
      R"({"s":"h\u00e9llo \"q\"\n","i":-5,"big":18446744073709551615,"neg":-9223372036854775808,)"
      R"("f":2.5,"whole":2.0,"t":true,"n":null,"arr":[1,[2,[3]],{}],"o":{"k":"v"}})";
  auto mp = json_to_msgpack(json);
  ASSERT_TRUE(mp) << mp.error().message;
  auto back = msgpack_to_json(bytes(*mp));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back,
            R"({"s":"héllo \"q\"\n","i":-5,"big":18446744073709551615,"neg":-9223372036854775808,)"
            R"("f":2.5,"whole":2.0,"t":true,"n":null,"arr":[1,[2,[3]],{}],"o":{"k":"v"}})");
  auto rec = Record::from_json(json);
  ASSERT_TRUE(rec);
  auto as_mp = rec->to(RecordFormat::msgpack);
  ASSERT_TRUE(as_mp);
  EXPECT_EQ(as_mp->format(), RecordFormat::msgpack);
  EXPECT_EQ(as_mp->bytes(), *mp);
}

TEST(Record, NumbersConvertExactly) {
  // Shortest round-trip spellings, subnormals, underflow, integers past 64 bits (doubles).
  for (const char* n : {"-7.261989469774338e-148", "5e-324", "1.7976931348623157e308", "0.1", "1e-400",
                        "18446744073709551616", "-9223372036854775809"}) {
    std::string json = std::string("{\"n\":") + n + "}";
    ASSERT_TRUE(Record::from_json(json)) << n;
    auto mp = json_to_msgpack(json);
    ASSERT_TRUE(mp) << n << ": " << mp.error().message;
    auto back = msgpack_to_json(bytes(*mp));
    ASSERT_TRUE(back) << n;
    auto again = json_to_msgpack(*back);
    ASSERT_TRUE(again) << *back;
    EXPECT_EQ(*again, *mp) << n << " -> " << *back;
  }
  auto big = Record::from_json(R"({"n":1e400})");
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("too big"), std::string::npos) << big.error().message;
  EXPECT_FALSE(json_to_msgpack(R"({"n":-1e400})"));
  // An exponent past rapidjson's int (undefined behaviour in its full-precision parse, which
  // weft does not use): refused with a reason.
  auto huge = Record::from_json(R"({"n":0E0099200033})");
  ASSERT_FALSE(huge);
  EXPECT_NE(huge.error().message.find("Number too big"), std::string::npos) << huge.error().message;
}

TEST(Record, MsgpackEncodingIsMinimal) {
  auto mp = json_to_msgpack(R"({"a":1,"b":-1,"c":200,"d":-200,"e":[]})");
  ASSERT_TRUE(mp);
  const std::string want("\x85\xa1" "a\x01\xa1" "b\xff\xa1" "c\xcc\xc8\xa1" "d\xd1\xff\x38\xa1" "e\x90", 19);
  EXPECT_EQ(*mp, want);
  // 16 entries: map16.
  std::string json = "{";
  for (int i = 0; i < 16; ++i) json += (i ? ",\"" : "\"") + std::to_string(i + 10) + "\":0";
  json += "}";
  auto mp16 = json_to_msgpack(json);
  ASSERT_TRUE(mp16);
  EXPECT_EQ(uint8_t((*mp16)[0]), 0xde);
  EXPECT_EQ(uint8_t((*mp16)[2]), 16);
}

TEST(Record, MsgpackErrorsAreReasons) {
  auto check = [](const auto& literal, const char* want) {
    std::string data(literal, sizeof literal - 1);
    auto r = Record::from_msgpack(bytes(data));
    ASSERT_FALSE(r) << want;
    EXPECT_NE(r.error().message.find(want), std::string::npos) << r.error().message;
  };
  check("", "unexpected end");
  check("\x91\x01", "not a msgpack map");
  check("\x81\xa1" "a", "unexpected end");
  check("\x81\xa1" "a\xc4\x01x", "binary value");
  check("\x81\x01\x02", "key is not a string");
  check("\x81\xa1" "a\xd4\x01\x02", "extension value");
  check("\x80\x00", "trailing bytes");
  check("\x81\xa1" "a\xcb\x7f\xf0\x00\x00\x00\x00\x00\x00", "NaN and infinities");
  check("\x81\xa1" "a\xa2\xff\xfe", "UTF-8");
  check("\x81\xa1" "a\xc1", "0xc1");
  check("\xdf\xff\xff\xff\xff", "more entries");
  check("\x81\xa1" "a\xdd\xff\xff\xff\xff", "more elements");
  check("\x81\xa1" "a\xdb\xff\xff\xff\xff", "past the end");
  std::string deep = "\x81\xa1" "a" + std::string(2000, '\x91') + "\x01";
  auto r = Record::from_msgpack(bytes(deep));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("deeper"), std::string::npos) << r.error().message;
}

TEST(Record, MsgpackFloat32AndWideInts) {
  // {"f": 1.5f32, "u": u64 max, "i": i64 min}
  std::string mp("\x83\xa1" "f\xca\x3f\xc0\x00\x00\xa1" "u\xcf\xff\xff\xff\xff\xff\xff\xff\xff\xa1"
                 "i\xd3\x80\x00\x00\x00\x00\x00\x00\x00", 30);
  auto j = msgpack_to_json(bytes(mp));
  ASSERT_TRUE(j) << j.error().message;
  EXPECT_EQ(*j, R"({"f":1.5,"u":18446744073709551615,"i":-9223372036854775808})");
}

TEST(Ndjson, ParsesTheEnvelope) {
  auto e = parse_ndjson_event(
      R"({"tag":"app","time":1700000000.000000001,"record":{"a":[1,2.50,{"b":null}], "s":"x\ty"},"metadata":{"k":"v"}})",
      "default", {});
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->tag, "app");
  EXPECT_EQ(e->time, (Timestamp{1700000000, 1}));
  // Compact, numbers as written.
  EXPECT_EQ(e->record.bytes(), R"({"a":[1,2.50,{"b":null}],"s":"x\ty"})");
  EXPECT_EQ(e->metadata.at("k"), "v");
  auto line = format_ndjson_event(*e);
  ASSERT_TRUE(line);
  EXPECT_EQ(*line,
            R"({"tag":"app","time":1700000000.000000001,"record":{"a":[1,2.50,{"b":null}],"s":"x\ty"},"metadata":{"k":"v"}})");
}

TEST(Ndjson, Defaults) {
  auto e = parse_ndjson_event(R"({"record":{}})", "weft", {5, 6});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->tag, "weft");
  EXPECT_EQ(e->time, (Timestamp{5, 6}));
  EXPECT_TRUE(e->metadata.empty());
  EXPECT_EQ(*format_ndjson_event(*e), R"({"tag":"weft","time":5.000000006,"record":{}})");
}

TEST(Ndjson, Times) {
  auto time_of = [](const std::string& t) -> std::optional<Timestamp> {
    auto e = parse_ndjson_event("{\"time\":" + t + ",\"record\":{}}", "", {});
    if (!e) return std::nullopt;
    return e->time;
  };
  EXPECT_EQ(time_of("12"), (Timestamp{12, 0}));
  EXPECT_EQ(time_of("12.5"), (Timestamp{12, 500000000}));
  EXPECT_EQ(time_of("-1.5"), (Timestamp{-2, 500000000}));
  EXPECT_EQ(time_of("-3"), (Timestamp{-3, 0}));
  EXPECT_EQ(time_of(R"({"sec":7,"nsec":999999999})"), (Timestamp{7, 999999999}));
  EXPECT_EQ(time_of(R"({"sec":-7})"), (Timestamp{-7, 0}));
  EXPECT_FALSE(time_of("1e9"));
  EXPECT_FALSE(time_of("1.0000000001"));
  EXPECT_FALSE(time_of("\"12\""));
  EXPECT_FALSE(time_of(R"({"sec":1,"nsec":1000000000})"));
  EXPECT_FALSE(time_of(R"({"nsec":1})"));
  EXPECT_FALSE(time_of(R"({"sec":1.5})"));
  EXPECT_FALSE(time_of("99999999999999999999"));
  Event e;
  e.time = {-2, 500000000};
  EXPECT_NE(format_ndjson_event(e)->find("\"time\":-1.500000000"), std::string::npos);
  e.time = {-2, 0};
  EXPECT_NE(format_ndjson_event(e)->find("\"time\":-2.000000000"), std::string::npos);
}

TEST(Ndjson, ErrorsNameTheField) {
  auto err = [](std::string_view line) {
    auto e = parse_ndjson_event(line, "", {});
    return e ? std::string("ok") : e.error().message;
  };
  EXPECT_EQ(err(R"([1])"), "an event line must be a JSON object");
  EXPECT_EQ(err(R"({"tag":"x"})"), "the event has no record (\"record\":{...})");
  EXPECT_EQ(err(R"({"record":[1]})"), "record: must be a JSON object");
  EXPECT_EQ(err(R"({"record":{},"tag":5})"), "tag: must be a string");
  EXPECT_EQ(err(R"({"record":{},"metadata":{"k":1}})"), "metadata.k: must be a string");
  EXPECT_EQ(err(R"({"record":{},"metadata":{"k":{}}})"), "metadata.k: must be a string");
  EXPECT_EQ(err(R"({"record":{},"extra":1})"), "unknown field \"extra\" (an event has tag, time, record and metadata)");
  EXPECT_NE(err(R"({"record":{})").find("invalid JSON"), std::string::npos);
  EXPECT_NE(err("").find("invalid JSON"), std::string::npos);
}

TEST(Ndjson, PrettyRecordsAreWrittenOnOneLine) {
  Event e;
  e.record = *Record::from_json("{\n  \"a\": [1,\n 2],\r\n  \"b\": \"line\\nbreak\"\n}");
  EXPECT_EQ(*format_ndjson_event(e), R"({"tag":"","time":0.000000000,"record":{"a":[1,2],"b":"line\nbreak"}})");
}

TEST(Ndjson, MsgpackRecordsAreWrittenAsJson) {
  Event e;
  e.record = *Record::from_msgpack(bytes(std::string("\x81\xa1" "a\x01", 4)));
  EXPECT_EQ(*format_ndjson_event(e), R"({"tag":"","time":0.000000000,"record":{"a":1}})");
  // A record holds only what JSON can express: binary values are refused when it is made.
  EXPECT_FALSE(Record::from_msgpack(bytes(std::string("\x81\xa1" "a\xc4\x00", 5))));
}

TEST(Abi, Names) {
  for (Abi a : {Abi::fluentbit, Abi::elastic, Abi::weft}) EXPECT_EQ(parse_abi(abi_name(a)), a);
  EXPECT_FALSE(parse_abi("wasp"));
}

}  // namespace
}  // namespace weft::events
