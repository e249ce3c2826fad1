// sdk/rust against the real hosts: the plugins of plugins/ (written with the SDK, one "op" per
// behaviour) run through ProcessorPlugin for the weft events ABI and the elastic ABI, so each
// SDK call is checked end to end: what the batch reader sees, what each host call does, how
// statuses come back, how errors and panics are reported.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "weft/events.hpp"

namespace weft::events {
namespace {

const std::string k_dir = WEFT_RUSTSDK_PLUGIN_DIR;

Event event(std::string_view record, std::string tag = "app", Timestamp time = {1700000000, 5},
            std::map<std::string, std::string> metadata = {}) {
  auto r = Record::from_json(record);
  EXPECT_TRUE(r) << r.error().message;
  return Event{std::move(tag), time, r ? *r : Record(), std::move(metadata)};
}

/// A processor of one of the test plugins, its log lines collected in `log`.
struct Harness {
  Engine engine;
  std::vector<std::string> log;
  std::unique_ptr<Processor> processor;

  Result<void> open(Abi abi, const std::string& wasm,
                    std::map<std::string, std::string> config = {},
                    RecordFormat format = RecordFormat::json) {
    WEFT_TRY(Manifest m, Manifest::load(k_dir + "/" + wasm));
    ProcessorOptions o;
    o.config = std::move(config);
    o.format = format;
    o.plugin.log_level = LogLevel::debug;
    o.plugin.log_sink = [this](LogLevel level, std::string_view msg) {
      log.push_back(std::string(log_level_name(level)) + " " + std::string(msg));
    };
    WEFT_TRY(auto plugin, ProcessorPlugin::create(engine, abi, std::move(m), std::move(o)));
    WEFT_TRY(processor, plugin->instantiate());
    return {};
  }
  std::vector<Outcome> run(const std::vector<Event>& batch) {
    auto r = processor->process(batch);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? std::move(*r) : std::vector<Outcome>{};
  }
  bool logged(const std::string& line) const {
    return std::find(log.begin(), log.end(), line) != log.end();
  }
  bool logged_containing(const std::string& part) const {
    return std::any_of(log.begin(), log.end(),
                       [&](const std::string& l) { return l.find(part) != std::string::npos; });
  }
};

std::string json_of(const Outcome& o, size_t i = 0) {
  if (!o.ok()) return "error: " + o.error->message;
  if (i >= o.events.size()) return "(no output " + std::to_string(i) + ")";
  auto j = o.events[i].record.json();
  return j ? *j : "(not JSON: " + j.error().message + ")";
}

std::string error_of(const Outcome& o) { return o.ok() ? "(no error)" : o.error->message; }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---- the weft events ABI: plugins/weft_calls.rs ---------------------------------------------

TEST(rustsdk_weft, init_gets_the_configuration) {
  Harness h;
  ASSERT_TRUE(h.open(Abi::weft, "weft_calls.wasm", {{"mark", "M"}, {"b", "x=y"}}));
  EXPECT_TRUE(h.logged("info init"));
  EXPECT_TRUE(h.logged("debug config b=x=y"));
  EXPECT_TRUE(h.logged("debug config mark=M"));
}

TEST(rustsdk_weft, init_refusing_gives_the_processors_reason) {
  Harness h;
  auto r = h.open(Abi::weft, "weft_calls.wasm", {{"refuse", "no way"}});
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.error().message, "refused: no way")) << r.error().message;
}

TEST(rustsdk_weft, the_batch_reader_sees_tag_time_metadata_and_index) {
  Harness h;
  ASSERT_TRUE(h.open(Abi::weft, "weft_calls.wasm", {{"mark", "M"}}));
  auto out = h.run({event(R"({"op":"x"})"), event(R"({"op":"seen"})", "t.\xc3\xa9", {-5, 999999999},
                                                  {{"m1", "x"}, {"m2", ""}})});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(json_of(out[1]), R"({"tag":"t.é","sec":-5,"nsec":999999999,"meta":{"m1":"x","m2":""},)"
                             R"("index":1,"mark":"M","processed":2})");
}

TEST(rustsdk_weft, route_set_time_and_metadata_apply_to_the_output) {
  Harness h;
  ASSERT_TRUE(h.open(Abi::weft, "weft_calls.wasm"));
  auto out = h.run({event(R"({"op":"route","to":"r.b"})", "t.a", {1700000000, 5},
                          {{"gone", "y"}, {"keep", "z"}})});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].ok()) << error_of(out[0]);
  ASSERT_EQ(out[0].events.size(), 1u);
  const Event& e = out[0].events[0];
  EXPECT_EQ(e.tag, "r.b");
  EXPECT_EQ(e.time, (Timestamp{1700000001, 5}));
  EXPECT_EQ(e.metadata, (std::map<std::string, std::string>{{"k", "v"}, {"keep", "z"}}));
  EXPECT_EQ(json_of(out[0]), R"({"op":"route","to":"r.b"})");
}

TEST(rustsdk_weft, one_input_can_emit_many_edited_records) {
  Harness h;
  ASSERT_TRUE(h.open(Abi::weft, "weft_calls.wasm"));
  auto out = h.run({event(R"({"op":"many","v":1.50})")});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].events.size(), 3u) << error_of(out[0]);
  for (size_t i = 0; i < 3; ++i) {
    // Numbers keep their spelling through the SDK's JSON module.
    EXPECT_EQ(json_of(out[0], i), R"({"op":"many","v":1.50,"n":)" + std::to_string(i) + "}");
  }
}

TEST(rustsdk_weft, json_strings_round_trip_escapes_and_surrogate_pairs) {
  Harness h;
  ASSERT_TRUE(h.open(Abi::weft, "weft_calls.wasm"));
  auto out = h.run({event(R"({"op":"echo","text":"q\"\\\n\u0001\/ \ud83d\ude00 \u00e9"})")});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(json_of(out[0]),
            "{\"op\":\"echo\",\"text\":\"q\\\"\\\\\\n\\u0001/ \xf0\x9f\x98\x80 \xc3\xa9\","
            "\"echo\":\"q\\\"\\\\\\n\\u0001/ \xf0\x9f\x98\x80 \xc3\xa9\"}");
}

TEST(rustsdk_weft, drop_fail_and_doing_nothing_each_end_as_the_abi_says) {
  Harness h;
  ASSERT_TRUE(h.open(Abi::weft, "weft_calls.wasm"));
  auto out = h.run({event(R"({"op":"drop"})"), event(R"({"op":"fail"})"),
                    event(R"({"op":"nothing"})"), event(R"({"op":"x"})")});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(out[0].ok());
  EXPECT_TRUE(out[0].events.empty());
  EXPECT_EQ(error_of(out[1]), "asked to fail");
  EXPECT_TRUE(contains(error_of(out[2]), "neither emitted, dropped nor failed event 2"))
      << error_of(out[2]);
  EXPECT_EQ(json_of(out[3]), R"({"op":"x"})");
}

TEST(rustsdk_weft, host_statuses_come_back_as_status_values) {
  Harness h;
  ASSERT_TRUE(h.open(Abi::weft, "weft_calls.wasm"));
  auto out = h.run({event(R"({"op":"bad_record"})"), event(R"({"op":"bad_time"})"),
                    event(R"({"op":"fail_then_emit"})")});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(h.logged("info bad_record: InvalidRecord"));
  EXPECT_FALSE(out[0].ok());  // status 3 failed the event
  EXPECT_EQ(json_of(out[1]), R"({"op":"bad_time"})");
  EXPECT_TRUE(h.logged("info fail_then_emit: NoSuchEvent"));
  EXPECT_EQ(error_of(out[2]), "failed first");
}

TEST(rustsdk_weft, a_panic_traps_its_event_only_and_logs_its_message) {
  Harness h;
  ASSERT_TRUE(h.open(Abi::weft, "weft_calls.wasm"));
  auto out = h.run(
      {event(R"({"op":"x","i":0})"), event(R"({"op":"panic"})"), event(R"({"op":"x","i":2})")});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(json_of(out[0]), R"({"op":"x","i":0})");
  EXPECT_FALSE(out[1].ok());
  EXPECT_EQ(json_of(out[2]), R"({"op":"x","i":2})");
  EXPECT_TRUE(h.logged_containing("error plugin panicked at 'asked to panic'"));
  // The replacement instance ran weft_init again and goes on.
  auto next = h.run({event(R"({"op":"x"})")});
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(json_of(next[0]), R"({"op":"x"})");
}

TEST(rustsdk_weft, msgpack_records_are_decoded_and_emitted_as_msgpack) {
  Harness h;
  ASSERT_TRUE(h.open(Abi::weft, "weft_calls.wasm", {}, RecordFormat::msgpack));
  const std::string record =
      R"({"op":"many","s":"\u00e9\ud83d\ude00","o":{"a":[-300,70000,null,true,-1.25]}})";
  auto out = h.run({event(record), event(R"({"op":"bad_record"})")});
  ASSERT_EQ(out.size(), 2u);
  ASSERT_EQ(out[0].events.size(), 3u) << error_of(out[0]);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(out[0].events[i].record.format(), RecordFormat::msgpack);
    EXPECT_EQ(json_of(out[0], i),
              "{\"op\":\"many\",\"s\":\"\xc3\xa9\xf0\x9f\x98\x80\",\"o\":{\"a\":[-300,70000,null,"
              "true,-1.25]},"
              "\"n\":" +
                  std::to_string(i) + "}");
  }
  // JSON text is not a msgpack map: the host answers InvalidRecord.
  EXPECT_TRUE(h.logged("info bad_record: InvalidRecord"));
  EXPECT_FALSE(out[1].ok());
}

// ---- the elastic ABI: plugins/elastic_calls.rs ----------------------------------------------

TEST(rustsdk_elastic, register_gets_the_configuration_or_refuses) {
  Harness h;
  ASSERT_TRUE(h.open(Abi::elastic, "elastic_calls.wasm", {{"mark", "M"}}));
  EXPECT_TRUE(h.logged("info register"));
  Harness refused;
  auto r = refused.open(Abi::elastic, "elastic_calls.wasm", {{"refuse", "no way"}});
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.error().message, "refused: no way")) << r.error().message;
}

TEST(rustsdk_elastic, fields_are_read_written_and_removed_by_dotted_key) {
  Harness h;
  ASSERT_TRUE(h.open(Abi::elastic, "elastic_calls.wasm", {{"mark", "M"}}));
  auto out = h.run({event(R"({"op":"fields","nested":{"a":[1,2.5],"gone":true}})")});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(json_of(out[0]),
            "{\"op\":\"fields\",\"nested\":{\"a\":[1,2.5]},\"copy\":{\"of\":{\"a\":[1,2.5]}},"
            "\"text\":\"q\\\"\\\\\xf0\x9f\x98\x80\",\"raw\":[1,{\"b\":null}],\"mark\":\"M\"}");
}

TEST(rustsdk_elastic, an_overlay_replaces_each_part_it_names) {
  Harness h;
  ASSERT_TRUE(h.open(Abi::elastic, "elastic_calls.wasm"));
  auto out = h.run(
      {event(R"({"op":"overlay","y":2})", "t.a", {1700000000, 5}, {{"gone", "y"}, {"keep", "z"}})});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].events.size(), 1u) << error_of(out[0]);
  const Event& e = out[0].events[0];
  EXPECT_EQ(e.tag, "new.tag");
  EXPECT_EQ(e.time, (Timestamp{1600000000, 7}));
  EXPECT_EQ(e.metadata, (std::map<std::string, std::string>{{"k", "v"}, {"keep", "z"}}));
  EXPECT_EQ(json_of(out[0]), R"({"x":1})");
}

TEST(rustsdk_elastic, emitting_many_none_or_the_current_event) {
  Harness h;
  ASSERT_TRUE(h.open(Abi::elastic, "elastic_calls.wasm"));
  auto out = h.run(
      {event(R"({"op":"many"})"), event(R"({"op":"drop"})"), event(R"({"op":"x"})", "t", {3, 4})});
  ASSERT_EQ(out.size(), 3u);
  ASSERT_EQ(out[0].events.size(), 3u) << error_of(out[0]);
  for (size_t i = 0; i < 3; ++i)
    EXPECT_EQ(json_of(out[0], i), R"({"op":"many","n":)" + std::to_string(i) + "}");
  EXPECT_TRUE(out[1].ok());
  EXPECT_TRUE(out[1].events.empty());
  ASSERT_EQ(out[2].events.size(), 1u);
  EXPECT_EQ(out[2].events[0].time, (Timestamp{3, 4}));
}

TEST(rustsdk_elastic, the_clock_and_statuses_come_back) {
  Harness h;
  ASSERT_TRUE(h.open(Abi::elastic, "elastic_calls.wasm"));
  auto out = h.run({event(R"({"op":"time"})"), event(R"({"op":"bad_put"})")});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(json_of(out[0]), R"({"op":"time","now_ok":true})");
  EXPECT_EQ(json_of(out[1]), R"({"op":"bad_put"})");
}

TEST(rustsdk_elastic, errors_and_panics_fail_their_event_only) {
  Harness h;
  ASSERT_TRUE(h.open(Abi::elastic, "elastic_calls.wasm"));
  auto out = h.run({event(R"({"op":"fail"})"), event(R"({"op":"panic"})"), event(R"({"op":"x"})")});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(contains(error_of(out[0]), "asked to fail")) << error_of(out[0]);
  EXPECT_FALSE(out[1].ok());
  EXPECT_TRUE(h.logged_containing("error plugin panicked at 'asked to panic'"));
  EXPECT_EQ(json_of(out[2]), R"({"op":"x"})");
}

}  // namespace
}  // namespace weft::events
