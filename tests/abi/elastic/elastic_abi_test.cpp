// The elastic ingest ABI (docs/abi/elastic.md) through ProcessorPlugin, with the C test plugin
// plugins/elastic_test.c (built with sdk/c/weft_elastic.h; each record's `op` says what it
// does) and the WAT modules of modules/.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "weft/events.hpp"

namespace weft::events {
namespace {

const std::string k_dir = WEFT_ABI_PLUGIN_DIR;

Event event(std::string_view record, std::string tag = "app", Timestamp time = {1700000000, 5},
            std::map<std::string, std::string> metadata = {}) {
  auto r = Record::from_json(record);
  EXPECT_TRUE(r) << r.error().message;
  return Event{std::move(tag), time, r ? *r : Record(), std::move(metadata)};
}

struct Harness {
  Engine engine;
  std::vector<std::string> log;
  std::shared_ptr<const ProcessorPlugin> plugin;
  std::unique_ptr<Processor> processor;

  bool wasi = false;

  Result<void> create(const std::string& wasm, std::map<std::string, std::string> config = {},
                      RecordFormat format = RecordFormat::json) {
    WEFT_TRY(Manifest m, Manifest::load(k_dir + "/" + wasm));
    ProcessorOptions o;
    o.plugin.wasi = wasi;
    o.config = std::move(config);
    o.format = format;
    o.plugin.log_level = LogLevel::debug;
    o.plugin.log_sink = [this](LogLevel level, std::string_view msg) {
      log.push_back(std::string(log_level_name(level)) + " " + std::string(msg));
    };
    WEFT_TRY(plugin, ProcessorPlugin::create(engine, Abi::elastic, std::move(m), std::move(o)));
    return {};
  }
  Result<void> open(const std::string& wasm, std::map<std::string, std::string> config = {},
                    RecordFormat format = RecordFormat::json) {
    WEFT_TRY_VOID(create(wasm, std::move(config), format));
    WEFT_TRY(processor, plugin->instantiate());
    return {};
  }
  std::vector<Outcome> run(const std::vector<Event>& batch) {
    auto r = processor->process(batch);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? std::move(*r) : std::vector<Outcome>{};
  }
  /// The one output's record of a one-event batch (or what went wrong).
  std::string one(std::string_view record) {
    auto out = run({event(record)});
    if (out.size() != 1) return "(no outcome)";
    if (!out[0].ok()) return "error: " + out[0].error->message;
    if (out[0].events.size() != 1) return "(" + std::to_string(out[0].events.size()) + " outputs)";
    auto j = out[0].events[0].record.json();
    return j ? *j : "(not JSON)";
  }
};

std::string json_of(const Outcome& o, size_t i = 0) {
  if (!o.ok()) return "error: " + o.error->message;
  if (i >= o.events.size()) return "(no output " + std::to_string(i) + ")";
  auto j = o.events[i].record.json();
  return j ? *j : "(not JSON: " + j.error().message + ")";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// ---- the version marker and the exports --------------------------------------------------

TEST(elastic_abi, refuses_another_major_version_naming_both) {
  Harness h;
  auto r = h.create("marker_v2.wasm");
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.error().message, "2.0")) << r.error().message;
  EXPECT_TRUE(contains(r.error().message, "1.x")) << r.error().message;
  EXPECT_TRUE(contains(r.error().message, "elastic ABI:")) << r.error().message;
}

TEST(elastic_abi, refuses_a_module_without_marker) {
  Harness h;
  auto r = h.create("no_marker.wasm");
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.error().message, "no ABI marker")) << r.error().message;
}

TEST(elastic_abi, refuses_a_process_function_of_the_wrong_type) {
  Harness h;
  auto r = h.create("bad_process_type.wasm");
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.error().message, "'process'")) << r.error().message;
}

TEST(elastic_abi, accepts_any_minor_of_version_1_and_no_emit_drops) {
  Harness h;
  ASSERT_TRUE(h.open("minor_7.wasm")) << h.log.size();
  auto out = h.run({event(R"({"a":1})"), event(R"({"b":2})")});
  ASSERT_EQ(out.size(), 2u);
  for (const Outcome& o : out) {
    EXPECT_TRUE(o.ok());
    EXPECT_TRUE(o.events.empty());
  }
}

// ---- fields -----------------------------------------------------------------------------

TEST(elastic_abi, get_field_returns_json_text_by_dotted_key) {
  Harness h;
  ASSERT_TRUE(h.open("elastic_test.wasm"));
  EXPECT_EQ(h.one(R"({"op":"get","key":"a.b","a":{"b":{"c":[1,2.5,null]}}})"),
            R"({"op":"get","key":"a.b","a":{"b":{"c":[1,2.5,null]}},"status":0,"value":"{\"c\":[1,2.5,null]}"})");
  EXPECT_EQ(h.one(R"({"op":"get","key":"x\\.y","x.y":"dot","x":{"y":"nested"}})"),
            R"({"op":"get","key":"x\\.y","x.y":"dot","x":{"y":"nested"},"status":0,"value":"\"dot\""})");
}

TEST(elastic_abi, get_field_of_a_missing_key_is_not_found) {
  Harness h;
  ASSERT_TRUE(h.open("elastic_test.wasm"));
  EXPECT_EQ(h.one(R"({"op":"get","key":"a.z","a":{"b":1}})"), R"({"op":"get","key":"a.z","a":{"b":1},"status":3})");
  EXPECT_EQ(h.one(R"({"op":"get","key":"a.b.c","a":{"b":1}})"),
            R"({"op":"get","key":"a.b.c","a":{"b":1},"status":3})");
  EXPECT_EQ(h.one(R"({"op":"get","key":"a..b"})"), R"({"op":"get","key":"a..b","status":2})");
}

TEST(elastic_abi, put_field_creates_nested_objects_and_replaces_values) {
  Harness h;
  ASSERT_TRUE(h.open("elastic_test.wasm"));
  EXPECT_EQ(h.one(R"({"op":"put","key":"n.m.k","json":"{\"v\":[true]}"})"),
            R"({"op":"put","key":"n.m.k","json":"{\"v\":[true]}","n":{"m":{"k":{"v":[true]}}},"status":0})");
  EXPECT_EQ(h.one(R"({"op":"put","key":"op","json":"42"})"), R"({"op":42,"key":"op","json":"42","status":0})");
}

TEST(elastic_abi, put_field_through_a_non_object_or_of_invalid_json_is_an_invalid_argument) {
  Harness h;
  ASSERT_TRUE(h.open("elastic_test.wasm"));
  EXPECT_EQ(h.one(R"({"op":"put","key":"s.x","json":"1","s":"text"})"),
            R"({"op":"put","key":"s.x","json":"1","s":"text","status":2})");
  EXPECT_EQ(h.one(R"({"op":"put","key":"v","json":"{\"a\":"})"), R"({"op":"put","key":"v","json":"{\"a\":","status":2})");
  EXPECT_EQ(h.one(R"({"op":"put","key":"v","json":"1 2"})"), R"({"op":"put","key":"v","json":"1 2","status":2})");
  // Numbers rapidjson's full-precision parse has undefined behaviour on, and a lone surrogate:
  // refused before any parse (the asan preset runs this under UBSan).
  EXPECT_EQ(h.one(R"({"op":"put","key":"v","json":"0E0099200033"})"),
            R"({"op":"put","key":"v","json":"0E0099200033","status":2})");
  EXPECT_EQ(h.one(R"({"op":"put","key":"v","json":"1e999"})"), R"({"op":"put","key":"v","json":"1e999","status":2})");
  EXPECT_EQ(h.one(R"({"op":"put","key":"v","json":"\"\\ud800\""})"),
            R"({"op":"put","key":"v","json":"\"\\ud800\"","status":2})");
}

TEST(elastic_abi, remove_field_nested_and_not_found) {
  Harness h;
  ASSERT_TRUE(h.open("elastic_test.wasm"));
  EXPECT_EQ(h.one(R"({"op":"remove","key":"a.b","a":{"b":1,"c":2}})"),
            R"({"op":"remove","key":"a.b","a":{"c":2},"status":0})");
  EXPECT_EQ(h.one(R"({"op":"remove","key":"a.q","a":{}})"), R"({"op":"remove","key":"a.q","a":{},"status":3})");
}

TEST(elastic_abi, strings_round_trip_through_the_sdk_escaping) {
  Harness h;
  ASSERT_TRUE(h.open("elastic_test.wasm"));
  EXPECT_EQ(h.one(R"({"op":"copy_text","text":"q\"b\\s\/ \u00e9 \ud83d\ude00 \n\t\u0001"})"),
            "{\"op\":\"copy_text\",\"text\":\"q\\\"b\\\\s/ \xc3\xa9 \xf0\x9f\x98\x80 \\n\\t\\u0001\","
            "\"status\":0,\"copy\":\"q\\\"b\\\\s/ \xc3\xa9 \xf0\x9f\x98\x80 \\n\\t\\u0001\"}");
  EXPECT_EQ(h.one(R"({"op":"copy_text","text":12})"), R"({"op":"copy_text","text":12,"status":100})");
}

TEST(elastic_abi, bad_pointers_are_invalid_arguments_not_crashes) {
  Harness h;
  ASSERT_TRUE(h.open("elastic_test.wasm"));
  EXPECT_EQ(h.one(R"({"op":"bad_pointers"})"), R"({"op":"bad_pointers","statuses":[2,2,2,2,2,2,2,2]})");
}

TEST(elastic_abi, a_guest_malloc_that_fails_is_an_internal_failure) {
  Harness h;
  ASSERT_TRUE(h.open("malloc_zero.wasm"));
  auto out = h.run({event(R"({"a":1})")});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(json_of(out[0]), "error: process returned 1");
}

TEST(elastic_abi, current_time_is_nanoseconds_since_the_epoch) {
  Harness h;
  ASSERT_TRUE(h.open("elastic_test.wasm"));
  EXPECT_EQ(h.one(R"({"op":"time"})"), R"({"op":"time","time_ok":true})");
}

// ---- register -------------------------------------------------------------------------------

TEST(elastic_abi, register_receives_the_configuration_as_a_json_object) {
  Harness h;
  ASSERT_TRUE(h.open("elastic_test.wasm", {{"field", "secret"}, {"quote", "a\"b"}}));
  EXPECT_EQ(h.one(R"({"op":"config"})"),
            R"({"op":"config","config":{"field":"secret","quote":"a\"b"},"registers":1})");
  EXPECT_EQ(h.one(R"({"op":"config"})"),
            R"({"op":"config","config":{"field":"secret","quote":"a\"b"},"registers":1})");
}

TEST(elastic_abi, register_refusing_the_configuration_fails_instantiate_with_its_log) {
  Harness h;
  ASSERT_TRUE(h.create("elastic_test.wasm", {{"refuse", "yes"}}));
  auto p = h.plugin->instantiate();
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message, "register returned 3: refused by the test");
}

// ---- emit -----------------------------------------------------------------------------------

TEST(elastic_abi, emit_zero_one_or_many_outputs) {
  Harness h;
  ASSERT_TRUE(h.open("elastic_test.wasm"));
  auto out = h.run({event(R"({"op":"emit_n","n":0})"), event(R"({"op":"emit_n","n":1})"),
                    event(R"({"op":"emit_n","n":3})", "many", {7, 8}, {{"m", "v"}})});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out[0].ok());
  EXPECT_TRUE(out[0].events.empty());
  ASSERT_EQ(out[1].events.size(), 1u);
  EXPECT_EQ(json_of(out[1]), R"({"i":0})");
  ASSERT_EQ(out[2].events.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(json_of(out[2], i), R"({"i":)" + std::to_string(i) + "}");
    EXPECT_EQ(out[2].events[i].tag, "many");
    EXPECT_EQ(out[2].events[i].time, (Timestamp{7, 8}));
    EXPECT_EQ(out[2].events[i].metadata, (std::map<std::string, std::string>{{"m", "v"}}));
  }
}

TEST(elastic_abi, emitted_fields_lay_over_the_current_event) {
  Harness h;
  ASSERT_TRUE(h.open("elastic_test.wasm"));
  auto out = h.run({event(R"({"op":"overlay"})", "app", {1, 2}, {{"source", "db-1"}, {"keep", "k"}})});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].ok()) << out[0].error->message;
  ASSERT_EQ(out[0].events.size(), 2u);
  const Event& a = out[0].events[0];
  EXPECT_EQ(a.tag, "new.tag");
  EXPECT_EQ(a.time, (Timestamp{-5, 6}));
  EXPECT_EQ(json_of(out[0], 0), R"({"op":"overlay","changed":"yes"})");
  EXPECT_EQ(a.metadata, (std::map<std::string, std::string>{{"added", "yes"}, {"keep", "k"}}));
  const Event& b = out[0].events[1];
  EXPECT_EQ(b.tag, "app");
  EXPECT_EQ(b.time, (Timestamp{1, 2}));
  EXPECT_EQ(json_of(out[0], 1), R"({"only":1})");
  EXPECT_EQ(b.metadata, (std::map<std::string, std::string>{{"keep", "k"}, {"source", "replaced"}}));
}

TEST(elastic_abi, invalid_emits_are_that_events_error) {
  Harness h;
  ASSERT_TRUE(h.open("elastic_test.wasm"));
  auto out = h.run({event(R"({"op":"bad_proto"})"), event(R"({"op":"non_object"})"),
                    event(R"({"op":"not_json"})"), event(R"({"op":"bad_nanos"})"),
                    event(R"({"op":"emit_then_bad"})"), event(R"({"op":"emit_n","n":1})")});
  ASSERT_EQ(out.size(), 6u);
  EXPECT_TRUE(contains(json_of(out[0]), "not a weft.elastic.v1.Event")) << json_of(out[0]);
  EXPECT_TRUE(contains(json_of(out[1]), "fields_json is not a JSON object")) << json_of(out[1]);
  EXPECT_TRUE(contains(json_of(out[2]), "fields_json is not JSON")) << json_of(out[2]);
  EXPECT_TRUE(contains(json_of(out[3]), "nanos")) << json_of(out[3]);
  EXPECT_TRUE(contains(json_of(out[4]), "fields_json is not a JSON object")) << json_of(out[4]);
  EXPECT_TRUE(out[4].events.empty());
  EXPECT_EQ(json_of(out[5]), R"({"i":0})");
}

TEST(elastic_abi, records_in_msgpack_come_back_in_msgpack) {
  Harness h;
  ASSERT_TRUE(h.open("elastic_test.wasm", {}, RecordFormat::msgpack));
  auto in = event(R"({"op":"put","key":"k","json":"[1]"})");
  auto mp = in.record.to(RecordFormat::msgpack);
  ASSERT_TRUE(mp);
  in.record = *mp;
  auto out = h.run({in});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].events.size(), 1u);
  EXPECT_EQ(out[0].events[0].record.format(), RecordFormat::msgpack);
  EXPECT_EQ(json_of(out[0]), R"({"op":"put","key":"k","json":"[1]","k":[1],"status":0})");
}

// ---- failures -------------------------------------------------------------------------------

TEST(elastic_abi, process_returning_non_zero_fails_the_event_with_the_last_error_log) {
  Harness h;
  ASSERT_TRUE(h.open("elastic_test.wasm"));
  auto out = h.run({event(R"({"op":"fail"})"), event(R"({"op":"fail_quietly"})"), event(R"({"op":"emit_n","n":1})")});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(json_of(out[0]), "error: process returned 7: something broke");
  EXPECT_EQ(json_of(out[1]), "error: process returned 5");
  EXPECT_EQ(json_of(out[2]), R"({"i":0})");
  EXPECT_NE(std::find(h.log.begin(), h.log.end(), "error something broke"), h.log.end());
  EXPECT_NE(std::find(h.log.begin(), h.log.end(), "info not this one"), h.log.end());
}

TEST(elastic_abi, a_trap_fails_one_event_and_register_runs_again_on_the_new_instance) {
  Harness h;
  ASSERT_TRUE(h.open("elastic_test.wasm", {{"k", "v"}}));
  uint64_t generation = h.processor->plugin().instance_generation();
  auto out = h.run({event(R"({"op":"config"})"), event(R"({"op":"trap"})"), event(R"({"op":"config"})"),
                    event(R"({"op":"emit_n","n":2})")});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(json_of(out[0]), R"({"op":"config","config":{"k":"v"},"registers":1})");
  EXPECT_TRUE(contains(json_of(out[1]), "error: process: ")) << json_of(out[1]);
  EXPECT_TRUE(contains(json_of(out[1]), "unreachable")) << json_of(out[1]);
  // registers is 1 again: the counter is the new instance's, and register set its config.
  EXPECT_EQ(json_of(out[2]), R"({"op":"config","config":{"k":"v"},"registers":1})");
  ASSERT_EQ(out[3].events.size(), 2u);
  EXPECT_GT(h.processor->plugin().instance_generation(), generation);  // the instance was replaced
}

// ---- the SDK over wasi-libc ------------------------------------------------------------------

TEST(elastic_abi, the_sdk_works_with_wasi_libc_malloc) {
  if (!WEFT_ABI_HAVE_WASI_LIBC) GTEST_SKIP() << "no wasi-libc (/usr/include/wasm32-wasi)";
  Harness h;
  h.wasi = true;
  ASSERT_TRUE(h.open("elastic_test_wasi.wasm", {{"k", "v"}}));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(h.one(R"({"op":"config"})"), R"({"op":"config","config":{"k":"v"},"registers":1})");
    EXPECT_EQ(h.one(R"({"op":"get","key":"a.b","a":{"b":[1]}})"),
              R"({"op":"get","key":"a.b","a":{"b":[1]},"status":0,"value":"[1]"})");
  }
  auto out = h.run({event(R"({"op":"overlay"})", "app", {1, 2}, {{"source", "db-1"}})});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].events.size(), 2u);
  EXPECT_EQ(out[0].events[0].tag, "new.tag");
}

}  // namespace
}  // namespace weft::events
