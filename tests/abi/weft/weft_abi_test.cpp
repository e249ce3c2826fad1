// The weft events ABI (docs/abi/weft-events.md) through ProcessorPlugin, with the C test
// plugin plugins/abi_test.c (built with sdk/c/weft_events.h) and the WAT modules of modules/.
#include <gtest/gtest.h>

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

/// A processor of the test plugin calling `function`, its log lines (level info and above,
/// or debug with `debug_log`) collected in `log`.
struct Harness {
  Engine engine;
  std::vector<std::string> log;
  std::shared_ptr<const ProcessorPlugin> plugin;
  std::unique_ptr<Processor> processor;

  Result<void> open(const std::string& wasm, std::string function,
                    std::map<std::string, std::string> config = {},
                    RecordFormat format = RecordFormat::json,
                    std::optional<uint64_t> timeout_ms = {}) {
    WEFT_TRY(Manifest m, Manifest::load(k_dir + "/" + wasm));
    ProcessorOptions o;
    o.function = std::move(function);
    o.config = std::move(config);
    o.format = format;
    o.plugin.log_level = LogLevel::debug;
    o.plugin.timeout_ms = timeout_ms;
    o.plugin.log_sink = [this](LogLevel level, std::string_view msg) {
      log.push_back(std::string(log_level_name(level)) + " " + std::string(msg));
    };
    WEFT_TRY(plugin, ProcessorPlugin::create(engine, Abi::weft, std::move(m), std::move(o)));
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
  size_t count(const std::string& line) const { return std::count(log.begin(), log.end(), line); }
};

std::string json_of(const Outcome& o, size_t i = 0) {
  if (!o.ok()) return "error: " + o.error->message;
  if (i >= o.events.size()) return "(no output " + std::to_string(i) + ")";
  auto j = o.events[i].record.json();
  return j ? *j : "(not JSON: " + j.error().message + ")";
}

// ---- checks before instantiation ----------------------------------------------------------

TEST(weft_abi, refuses_another_major_version_naming_both) {
  Harness h;
  auto r = h.open("marker_v2.wasm", "weft_process");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("weft_events_abi_2"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("weft_events_abi_1"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("version 2"), std::string::npos) << r.error().message;
}

TEST(weft_abi, refuses_a_module_without_marker) {
  Harness h;
  auto r = h.open("no_marker.wasm", "weft_process");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("no 'weft_events_abi_1' marker"), std::string::npos)
      << r.error().message;
}

TEST(weft_abi, refuses_a_process_function_of_the_wrong_type) {
  Harness h;
  auto r = h.open("bad_process_type.wasm", "weft_process");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("'weft_process' has type"), std::string::npos)
      << r.error().message;
  Harness missing;
  auto m = missing.open("abi_test.wasm", "no_such_export");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("does not export 'no_such_export'"), std::string::npos)
      << m.error().message;
}

TEST(weft_abi, a_guest_allocator_that_fails_is_an_error_not_a_crash) {
  Harness h;
  ASSERT_TRUE(h.open("alloc_zero.wasm", "weft_process"));
  auto r = h.processor->process(std::vector<Event>{event(R"({"a":1})")});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("weft_alloc(65536) returned 0"), std::string::npos)
      << r.error().message;
}

// ---- weft_init ------------------------------------------------------------------------------

TEST(weft_abi, init_receives_the_configuration_block) {
  Harness h;
  ASSERT_TRUE(
      h.open("abi_test.wasm", "echo", {{"echo", "hello"}, {"b", ""}, {"c\xc3\xa9", "v=w"}}));
  EXPECT_EQ(h.count("info init"), 1u);
  // The block's entries, in order (std::map's).
  EXPECT_TRUE(h.logged("debug config b="));
  EXPECT_TRUE(h.logged("debug config c\xc3\xa9=v=w"));
  EXPECT_TRUE(h.logged("debug config echo=hello"));
  auto out = h.run({event(R"({"a":1})")});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(json_of(out[0]).find(R"("echo":"hello")"), std::string::npos) << json_of(out[0]);
}

TEST(weft_abi, init_refusing_the_configuration_gives_the_guests_reason) {
  Harness h;
  auto r = h.open("abi_test.wasm", "weft_process", {{"refuse", "field must not be empty"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::guest);
  EXPECT_NE(r.error().message.find("field must not be empty"), std::string::npos)
      << r.error().message;

  Harness silent;
  auto s = silent.open("abi_test.wasm", "weft_process", {{"refuse_silently", "1"}});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("weft_init returned 5"), std::string::npos) << s.error().message;
}

// ---- the batch encoding, as the guest reads it -----------------------------------------------

TEST(weft_abi, the_guest_reads_every_field_of_every_event) {
  Harness h;
  ASSERT_TRUE(h.open("abi_test.wasm", "echo"));
  std::vector<Event> batch = {
      event(R"({"a":1})", "app.web", {1700000000, 1}),
      event(R"( {"nested":{"x":[1,"\u00e9"]}} )", "", {-3, 999999999},
            {{"source", "db-1"}, {"k\xc3\xa9", ""}}),
      event(R"({})", "t\xc3\xa9g", {0, 0}, {{"only", "one"}}),
  };
  auto out = h.run(batch);
  ASSERT_EQ(out.size(), 3u);
  for (const Outcome& o : out) ASSERT_TRUE(o.ok()) << o.error->message;
  // The layout's size: header, then per event 28 bytes of fixed fields, the tag, record and
  // metadata (8 bytes of lengths per entry).
  size_t len = 12;
  for (const Event& e : batch) {
    len += 28 + e.tag.size() + e.record.bytes().size();
    for (const auto& [k, v] : e.metadata) len += 8 + k.size() + v.size();
  }
  std::string tail = R"("count":3,"len":)" + std::to_string(len) + R"(,"echo":"")";
  EXPECT_EQ(json_of(out[0]),
            R"({"index":0,"sec":1700000000,"nsec":1,"tag":"app.web","record":{"a":1},)" + tail +
                R"(,"meta":{}})");
  EXPECT_EQ(
      json_of(out[1]),
      R"({"index":1,"sec":-3,"nsec":999999999,"tag":"","record": {"nested":{"x":[1,"\u00e9"]}} ,)" +
          tail + ",\"meta\":{\"k\xc3\xa9\":\"\",\"source\":\"db-1\"}}")
      << "metadata in key order";
  EXPECT_EQ(json_of(out[2]),
            "{\"index\":2,\"sec\":0,\"nsec\":0,\"tag\":\"t\xc3\xa9g\",\"record\":{}," + tail +
                R"(,"meta":{"only":"one"}})");
  // The output events keep the input's tag, time and metadata.
  EXPECT_EQ(out[1].events[0].tag, "");
  EXPECT_EQ(out[1].events[0].time, (Timestamp{-3, 999999999}));
  EXPECT_EQ(out[1].events[0].metadata, batch[1].metadata);
}

TEST(weft_abi, the_buffer_grows_for_a_large_batch_and_is_reused) {
  Harness h;
  ASSERT_TRUE(h.open("abi_test.wasm", "verify_pass"));
  // ~800 KiB: well past the first 64 KiB buffer. The guest checks the layout.
  std::vector<Event> batch;
  std::string pad(400, 'x');
  for (int i = 0; i < 2000; ++i)
    batch.push_back(event(R"({"i":)" + std::to_string(i) + R"(,"pad":")" + pad + R"("})",
                          "t" + std::to_string(i), {i, 0}, {{"n", std::to_string(i)}}));
  for (int round = 0; round < 2; ++round) {
    auto out = h.run(batch);
    ASSERT_EQ(out.size(), batch.size());
    for (size_t i = 0; i < out.size(); ++i) {
      ASSERT_TRUE(out[i].ok()) << i << ": " << out[i].error->message;
      ASSERT_EQ(out[i].events.size(), 1u);
      ASSERT_EQ(out[i].events[0], batch[i]) << i;
    }
    // A small batch after the large one, in the same (larger) buffer.
    auto small = h.run({event(R"({"s":1})")});
    ASSERT_TRUE(small.at(0).ok()) << small[0].error->message;
  }
  // Then read back by the guest: the end of a large batch is where it belongs.
  Harness e;
  ASSERT_TRUE(e.open("abi_test.wasm", "echo"));
  std::vector<Event> tail(batch.end() - 200, batch.end());
  auto out = e.run(tail);
  ASSERT_EQ(out.size(), tail.size());
  std::string last = json_of(out.back());
  EXPECT_NE(last.find(R"("tag":"t1999")"), std::string::npos) << last.substr(0, 120);
  EXPECT_NE(last.find(R"("meta":{"n":"1999"})"), std::string::npos) << last.substr(0, 120);
  EXPECT_EQ(h.count("info init"), 1u) << "no instance replacement, no second init";
}

TEST(weft_abi, pass_through_returns_each_input_unchanged) {
  Harness h;
  ASSERT_TRUE(h.open("abi_test.wasm", "weft_process"));
  std::vector<Event> batch = {event(R"({"a":1})", "x", {1, 2}, {{"m", "n"}}),
                              event(R"({"b":[true]})", "y", {3, 4})};
  auto out = h.run(batch);
  ASSERT_EQ(out.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(out[i].ok());
    ASSERT_EQ(out[i].events.size(), 1u);
    EXPECT_EQ(out[i].events[0], batch[i]);
  }
  EXPECT_TRUE(h.run({}).empty());
}

// ---- the host functions ---------------------------------------------------------------------

TEST(weft_abi, emit_many_outputs_for_one_input) {
  Harness h;
  ASSERT_TRUE(h.open("abi_test.wasm", "ops"));
  auto out = h.run({event(R"({"op":"emit_twice"})", "tag", {7, 8}, {{"m", "1"}})});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].ok());
  ASSERT_EQ(out[0].events.size(), 2u);
  EXPECT_EQ(json_of(out[0], 0), R"({"n":1})");
  EXPECT_EQ(json_of(out[0], 1), R"( {"n" : 2} )") << "the record as the guest wrote it";
  EXPECT_EQ(out[0].events[1].tag, "tag");
  EXPECT_EQ(out[0].events[1].time, (Timestamp{7, 8}));
  EXPECT_EQ(out[0].events[1].metadata.at("m"), "1");
  EXPECT_TRUE(h.logged("info emit1=0"));
  EXPECT_TRUE(h.logged("info emit2=0"));
}

TEST(weft_abi, route_set_time_and_metadata_change_the_following_outputs) {
  Harness h;
  ASSERT_TRUE(h.open("abi_test.wasm", "ops"));
  auto out = h.run({event(R"({"op":"modify"})", "old", {1, 1}, {{"source", "db"}, {"keep", "yes"}}),
                    event(R"({"op":"none"})", "other", {2, 2}, {{"source", "x"}})});
  ASSERT_EQ(out.size(), 2u);
  ASSERT_TRUE(out[0].ok()) << out[0].error->message;
  ASSERT_EQ(out[0].events.size(), 2u);
  for (const Event& e : out[0].events) {
    EXPECT_EQ(e.tag, "new.tag");
    EXPECT_EQ(e.time, (Timestamp{-5, 999999999}));
    EXPECT_EQ(e.metadata, (std::map<std::string, std::string>{{"keep", "yes"}, {"k", "v"}}));
  }
  EXPECT_EQ(json_of(out[0], 0), R"({"op":"modify"})") << "emit_input keeps the record";
  EXPECT_EQ(json_of(out[0], 1), R"({"second":true})");
  for (const char* s :
       {"route", "set_time", "meta_set", "meta_remove", "meta_remove_absent", "emit_input", "emit"})
    EXPECT_TRUE(h.logged(std::string("info ") + s + "=0")) << s;
  // The other event is untouched by the first one's changes.
  ASSERT_TRUE(out[1].ok());
  EXPECT_EQ(out[1].events.at(0).tag, "other");
  EXPECT_EQ(out[1].events.at(0).metadata.at("source"), "x");
}

TEST(weft_abi, drop_produces_no_output_and_emit_overrides_it) {
  Harness h;
  ASSERT_TRUE(h.open("abi_test.wasm", "ops"));
  auto out = h.run({event(R"({"op":"drop"})"), event(R"({"op":"drop_then_emit"})")});
  ASSERT_EQ(out.size(), 2u);
  ASSERT_TRUE(out[0].ok());
  EXPECT_TRUE(out[0].events.empty());
  ASSERT_TRUE(out[1].ok());
  EXPECT_EQ(out[1].events.size(), 1u) << "emitted after drop: not dropped";
}

TEST(weft_abi, fail_discards_outputs_and_later_calls_return_1) {
  Harness h;
  ASSERT_TRUE(h.open("abi_test.wasm", "ops"));
  auto out = h.run({event(R"({"op":"fail"})"), event(R"({"a":1})")});
  ASSERT_EQ(out.size(), 2u);
  ASSERT_FALSE(out[0].ok());
  EXPECT_EQ(out[0].error->message, "this event is bad");
  EXPECT_TRUE(out[0].events.empty());
  EXPECT_TRUE(h.logged("info emit_before=0"));
  EXPECT_TRUE(h.logged("info fail=0"));
  EXPECT_TRUE(h.logged("info emit_after=1"));
  EXPECT_TRUE(h.logged("info drop_after=1"));
  EXPECT_TRUE(h.logged("info fail_again=1"));
  EXPECT_TRUE(out[1].ok());
}

TEST(weft_abi, bad_ranges_and_arguments_are_status_2_and_bad_indices_1) {
  Harness h;
  ASSERT_TRUE(h.open("abi_test.wasm", "ops"));
  auto out = h.run({event(R"({"op":"bad_ranges"})", "t", {1, 2}, {{"m", "v"}})});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].ok()) << out[0].error->message;
  ASSERT_EQ(out[0].events.size(), 1u);
  EXPECT_EQ(out[0].events[0].tag, "t") << "refused calls change nothing";
  EXPECT_EQ(out[0].events[0].time, (Timestamp{1, 2}));
  EXPECT_EQ(out[0].events[0].metadata.at("m"), "v");
  for (const char* s :
       {"emit", "emit_huge", "fail", "route", "route_utf8", "meta_set_key", "meta_set_value",
        "meta_set_utf8", "meta_remove", "set_time", "log_level", "log_negative", "log_range"})
    EXPECT_TRUE(h.logged(std::string("info ") + s + "=2")) << s;
  for (const char* s :
       {"emit_index", "emit_negative", "drop_index", "set_time_index", "fail_index"})
    EXPECT_TRUE(h.logged(std::string("info ") + s + "=1")) << s;
}

TEST(weft_abi, an_invalid_record_is_status_3_and_fails_the_event) {
  Harness h;
  ASSERT_TRUE(h.open("abi_test.wasm", "ops"));
  auto out = h.run({event(R"({"op":"invalid_record"})"), event(R"({"op":"invalid_json"})"),
                    event(R"({"a":1})")});
  ASSERT_EQ(out.size(), 3u);
  ASSERT_FALSE(out[0].ok());
  EXPECT_NE(out[0].error->message.find("invalid record"), std::string::npos)
      << out[0].error->message;
  EXPECT_TRUE(h.logged("info emit=3"));
  EXPECT_TRUE(h.logged("info emit_after=1"));
  ASSERT_FALSE(out[1].ok());
  EXPECT_NE(out[1].error->message.find("invalid record"), std::string::npos)
      << out[1].error->message;
  EXPECT_TRUE(out[2].ok());
}

TEST(weft_abi, an_event_neither_emitted_dropped_nor_failed_is_an_error) {
  Harness h;
  ASSERT_TRUE(h.open("abi_test.wasm", "ops"));
  auto out = h.run({event(R"({"a":1})"), event(R"({"op":"nothing"})")});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].ok());
  ASSERT_FALSE(out[1].ok());
  EXPECT_EQ(out[1].error->message, "the plugin neither emitted, dropped nor failed event 1");
}

TEST(weft_abi, log_goes_to_the_sink_at_its_level) {
  Harness h;
  ASSERT_TRUE(h.open("abi_test.wasm", "ops"));
  h.log.clear();
  h.processor->plugin().set_log_level(LogLevel::warn);
  auto out = h.run({event(R"({"op":"drop"})")});
  EXPECT_TRUE(h.log.empty()) << "info lines are below warn";
  h.processor->plugin().set_log_level(LogLevel::info);
  out = h.run({event(R"({"op":"drop"})")});
  EXPECT_TRUE(h.logged("info drop=0"));
}

// ---- whole-call failures ------------------------------------------------------------------

TEST(weft_abi, fail_minus_1_fails_every_event_not_already_failed) {
  Harness h;
  ASSERT_TRUE(h.open("abi_test.wasm", "fail_all"));
  auto out = h.run({event("{}"), event("{}"), event("{}")});
  ASSERT_EQ(out.size(), 3u);
  ASSERT_FALSE(out[0].ok());
  EXPECT_EQ(out[0].error->message, "first failed alone");
  for (size_t i = 1; i < 3; ++i) {
    ASSERT_FALSE(out[i].ok());
    EXPECT_EQ(out[i].error->message, "the whole batch failed");
    EXPECT_TRUE(out[i].events.empty()) << "event 1's output is discarded";
  }
  EXPECT_TRUE(h.logged("info fail_all=0"));
  EXPECT_TRUE(h.logged("info emit_after=1"));
}

TEST(weft_abi, a_non_zero_return_fails_the_batch) {
  Harness h;
  ASSERT_TRUE(h.open("abi_test.wasm", "return_7"));
  auto out = h.run({event("{}"), event("{}")});
  ASSERT_EQ(out.size(), 2u);
  ASSERT_FALSE(out[0].ok());
  EXPECT_EQ(out[0].error->message, "failed before the return");
  ASSERT_FALSE(out[1].ok());
  EXPECT_EQ(out[1].error->message, "return_7 returned 7");
  EXPECT_TRUE(out[1].events.empty());

  Harness r;
  ASSERT_TRUE(r.open("abi_test.wasm", "return_1_with_reason"));
  auto out2 = r.run({event("{}")});
  ASSERT_EQ(out2.size(), 1u);
  ASSERT_FALSE(out2[0].ok());
  EXPECT_EQ(out2[0].error->message, "cannot process this batch");
}

TEST(weft_abi, a_trap_fails_only_its_event_and_a_new_instance_is_initialised) {
  Harness h;
  ASSERT_TRUE(h.open("abi_test.wasm", "ops"));
  EXPECT_EQ(h.count("info init"), 1u);
  std::vector<Event> batch;
  for (int i = 0; i < 5; ++i)
    batch.push_back(event(i == 2 ? R"({"op":"trap"})"
                                 : R"({"op":"emit_twice","i":)" + std::to_string(i) + "}"));
  auto out = h.run(batch);
  ASSERT_EQ(out.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    if (i == 2) continue;
    ASSERT_TRUE(out[i].ok()) << i << ": " << out[i].error->message;
    EXPECT_EQ(out[i].events.size(), 2u) << "partial results of the trapped call are discarded";
  }
  ASSERT_FALSE(out[2].ok());
  EXPECT_EQ(out[2].error->kind, ErrorKind::trap);
  EXPECT_NE(out[2].error->message.find("ops trapped"), std::string::npos) << out[2].error->message;
  // One instance for the batch, then one per event retried after a trap: the first two
  // share the one made after the batch trapped; event 2 traps it; 3 and 4 share the next.
  EXPECT_EQ(h.count("info init"), 3u);
  // The processor goes on with the last instance (initialised once more only on a trap).
  auto again = h.run({event(R"({"a":1})")});
  ASSERT_TRUE(again.at(0).ok());
  EXPECT_EQ(h.count("info init"), 3u);
}

TEST(weft_abi, a_timeout_fails_the_events_without_retrying) {
  Harness h;
  ASSERT_TRUE(h.open("abi_test.wasm", "ops", {}, RecordFormat::json, 50));
  auto out = h.run({event(R"({"a":1})"), event(R"({"op":"spin"})"), event(R"({"b":1})")});
  ASSERT_EQ(out.size(), 3u);
  for (const Outcome& o : out) {
    ASSERT_FALSE(o.ok());
    EXPECT_NE(o.error->message.find("timed out"), std::string::npos) << o.error->message;
  }
  EXPECT_EQ(h.count("info init"), 1u) << "no retry";
  auto next = h.run({event(R"({"a":1})")});
  ASSERT_TRUE(next.at(0).ok()) << "a new instance after the timeout";
  EXPECT_EQ(h.count("info init"), 2u);
}

// ---- msgpack mode -------------------------------------------------------------------------

TEST(weft_abi, msgpack_mode_passes_and_checks_msgpack_maps) {
  Harness h;
  ASSERT_TRUE(h.open("abi_test.wasm", "msgpack_echo", {}, RecordFormat::msgpack));
  auto packed = Record::from_json(R"({"a":1,"b":"x"})")->to(RecordFormat::msgpack);
  ASSERT_TRUE(packed);
  std::vector<Event> batch = {event(R"({"a":1,"b":"x"})"),  // JSON in: converted to msgpack
                              Event{"t", {1, 2}, *packed, {}}, event(R"({"one":1})")};
  auto out = h.run(batch);
  ASSERT_EQ(out.size(), 3u);
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(out[i].ok()) << i << ": " << out[i].error->message;
    ASSERT_EQ(out[i].events.size(), 1u);
    EXPECT_EQ(out[i].events[0].record.format(), RecordFormat::msgpack);
    EXPECT_EQ(out[i].events[0].record, *packed);
  }
  ASSERT_FALSE(out[2].ok()) << "an array emitted in msgpack mode";
  EXPECT_NE(out[2].error->message.find("invalid record"), std::string::npos)
      << out[2].error->message;
  EXPECT_TRUE(h.logged("info emit_array=3"));

  // The encoding flag, as the guest sees it.
  Harness e;
  ASSERT_TRUE(e.open("abi_test.wasm", "echo", {}, RecordFormat::msgpack));
  auto echoed = e.run({Event{"t", {1, 2}, *packed, {}}});
  ASSERT_TRUE(echoed.at(0).ok()) << echoed[0].error->message;
  EXPECT_EQ(echoed[0].events.at(0).record, *packed);
  EXPECT_TRUE(e.logged("info msgpack_flags=1"));
  EXPECT_TRUE(e.logged("info msgpack_record_len=" + std::to_string(packed->bytes().size())));
}

}  // namespace
}  // namespace weft::events
