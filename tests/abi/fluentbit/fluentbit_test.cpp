// The Fluent Bit filter ABI (src/abi/fluentbit/, docs/abi/fluentbit.md) over real guests:
// plugins/fb_filter.c built the Fluent Bit way (libc from env), plugins/rust_filter.rs
// (wasm32-unknown-unknown, no allocator), plugins/guest_alloc.wat (its own malloc and free).
#include "abi/fluentbit/fluentbit.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "weft/events.hpp"

extern "C" {
#include "fmt_cases.h"
}

namespace {

using namespace weft;
using namespace weft::events;

std::vector<uint8_t> read_guest(const std::string& name) {
  std::ifstream f(std::string(FB_GUEST_DIR) + "/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

struct Logged {
  std::vector<std::pair<LogLevel, std::string>> lines;
};

Result<std::shared_ptr<const ProcessorPlugin>> compile(const Engine& engine,
                                                       const std::string& guest,
                                                       const std::string& function,
                                                       RecordFormat format = RecordFormat::json,
                                                       std::shared_ptr<Logged> log = nullptr) {
  ProcessorOptions o;
  o.function = function;
  o.format = format;
  if (log) {
    o.plugin.log_level = LogLevel::info;
    o.plugin.log_sink = [log](LogLevel l, std::string_view m) {
      log->lines.emplace_back(l, std::string(m));
    };
  }
  return ProcessorPlugin::create(engine, Abi::fluentbit, Manifest::from_wasm(read_guest(guest)), o);
}

std::unique_ptr<Processor> open(const Engine& engine, const std::string& guest,
                                const std::string& function,
                                RecordFormat format = RecordFormat::json,
                                std::shared_ptr<Logged> log = nullptr) {
  auto c = compile(engine, guest, function, format, std::move(log));
  EXPECT_TRUE(c) << (c ? "" : c.error().message);
  if (!c) return nullptr;
  auto p = (*c)->instantiate();
  EXPECT_TRUE(p) << (p ? "" : p.error().message);
  return p ? std::move(*p) : nullptr;
}

Event event(const std::string& record_json, std::string tag = "app.test") {
  Event e;
  e.tag = std::move(tag);
  e.time = {1700000000, 123456789};
  e.record = *Record::from_json(record_json);
  e.metadata = {{"source", "unit"}};
  return e;
}

std::string json_of(const Event& e) { return *e.record.json(); }

uint64_t memory_pages(Processor& p) {
  auto inst = p.plugin().instance();
  return inst ? inst->get_memory("memory")->size_pages() : 0;
}

// ---- check() -------------------------------------------------------------------------

TEST(fluentbit, refuses_missing_or_mistyped_function_configuration_and_no_memory) {
  Engine engine;
  auto none = ProcessorPlugin::create(engine, Abi::fluentbit,
                                      Manifest::from_wasm(read_guest("fb_filter.wasm")), {});
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("no default function"), std::string::npos)
      << none.error().message;

  auto missing = compile(engine, "fb_filter.wasm", "nope");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("exports no function 'nope'"), std::string::npos)
      << missing.error().message;

  auto typed = compile(engine, "fb_filter.wasm", "fmt_case");
  ASSERT_FALSE(typed);
  EXPECT_NE(typed.error().message.find("export 'fmt_case' has type"), std::string::npos)
      << typed.error().message;

  ProcessorOptions o;
  o.function = "filter";
  o.config = {{"field", "x"}};
  auto configured = ProcessorPlugin::create(engine, Abi::fluentbit,
                                            Manifest::from_wasm(read_guest("fb_filter.wasm")), o);
  ASSERT_FALSE(configured);
  EXPECT_NE(configured.error().message.find("take no configuration"), std::string::npos)
      << configured.error().message;

  auto nomem = compile(engine, "no_memory.wasm", "filter");
  ASSERT_FALSE(nomem);
  EXPECT_NE(nomem.error().message.find("no memory named 'memory'"), std::string::npos)
      << nomem.error().message;
}

// ---- events in and out ---------------------------------------------------------------

TEST(fluentbit, c_filter_gets_tag_time_and_record_and_its_output_keeps_tag_time_metadata) {
  Engine engine;
  auto p = open(engine, "fb_filter.wasm", "filter");
  ASSERT_TRUE(p);
  std::vector<Event> batch = {event(R"({"a":1,"s":"x y"})", "web"), event(R"({})", "t")};
  auto out = p->process(batch);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE((*out)[i].ok()) << (*out)[i].error->message;
    ASSERT_EQ((*out)[i].events.size(), 1u);
    const Event& e = (*out)[i].events[0];
    EXPECT_EQ(e.tag, batch[i].tag);
    EXPECT_EQ(e.time, batch[i].time);
    EXPECT_EQ(e.metadata, batch[i].metadata);
  }
  std::string rec = *batch[0].record.json();
  EXPECT_EQ(json_of((*out)[0].events[0]),
            R"({"tag":"web","sec":1700000000,"nsec":123456789,"len":)" +
                std::to_string(rec.size()) + R"(,"record":)" + rec + "}");
  EXPECT_EQ(json_of((*out)[1].events[0]),
            R"({"tag":"t","sec":1700000000,"nsec":123456789,"len":2,"record":{}})");
}

TEST(fluentbit, null_and_empty_string_drop_invalid_json_is_an_error_with_an_excerpt) {
  Engine engine;
  auto p = open(engine, "fb_filter.wasm", "dropper");
  ASSERT_TRUE(p);
  std::vector<Event> batch = {event(R"({"k":"null"})"),   event(R"({"k":"empty"})"),
                              event(R"({"k":"text"})"),   event(R"({"k":"array"})"),
                              event(R"({"k":"static"})"), event(R"({"k":"kept"})")};
  auto out = p->process(batch);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->size(), 6u);
  EXPECT_TRUE((*out)[0].ok() && (*out)[0].events.empty());
  EXPECT_TRUE((*out)[1].ok() && (*out)[1].events.empty());
  ASSERT_FALSE((*out)[2].ok());
  EXPECT_NE((*out)[2].error->message.find("the filter returned invalid JSON"), std::string::npos);
  EXPECT_NE((*out)[2].error->message.find("this is not json"), std::string::npos)
      << (*out)[2].error->message;
  ASSERT_FALSE((*out)[3].ok());
  EXPECT_NE((*out)[3].error->message.find("[1,2,3]"), std::string::npos)
      << (*out)[3].error->message;
  ASSERT_TRUE((*out)[4].ok());
  EXPECT_EQ(json_of((*out)[4].events.at(0)), R"({"static":true})");
  ASSERT_TRUE((*out)[5].ok());
  EXPECT_EQ(json_of((*out)[5].events.at(0)), R"({"k":"kept"})");
}

TEST(fluentbit, a_trap_abort_or_exit_fails_that_event_only) {
  Engine engine;
  auto p = open(engine, "fb_filter.wasm", "trapper");
  ASSERT_TRUE(p);
  uint64_t generation = p->plugin().instance_generation();
  std::vector<Event> batch = {event(R"({"n":1})"),      event(R"({"n":"boom"})"),
                              event(R"({"n":3})"),      event(R"({"n":"abort"})"),
                              event(R"({"n":"exit"})"), event(R"({"n":6})")};
  auto out = p->process(batch);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->size(), 6u);
  for (size_t i : {0u, 2u, 5u}) {
    ASSERT_TRUE((*out)[i].ok()) << i << ": " << (*out)[i].error->message;
    EXPECT_EQ((*out)[i].events.at(0).record, batch[i].record);
  }
  ASSERT_FALSE((*out)[1].ok());
  EXPECT_EQ((*out)[1].error->kind, ErrorKind::trap);
  EXPECT_NE((*out)[1].error->message.find("unreachable"), std::string::npos)
      << (*out)[1].error->message;
  ASSERT_FALSE((*out)[3].ok());
  EXPECT_NE((*out)[3].error->message.find("the filter called abort()"), std::string::npos);
  ASSERT_FALSE((*out)[4].ok());
  EXPECT_NE((*out)[4].error->message.find("the filter called exit(3)"), std::string::npos);
  EXPECT_GT(p->plugin().instance_generation(), generation);  // the trapped instances were replaced
}

TEST(fluentbit, bad_pointers_from_the_guest_trap_that_event_with_a_reason) {
  Engine engine;
  auto p = open(engine, "fb_filter.wasm", "bad");
  ASSERT_TRUE(p);
  const std::vector<std::pair<int, std::string>> cases = {
      {1, "env.strlen: string pointer 0xfffffff0 is outside the plugin's memory"},
      {2, "env.memcpy: [0xfffffff0, +64) is outside the plugin's memory"},
      {3, "env.free: free(0x"},  // a pointer into a block
      {4, "a double free or a bad pointer"},
      {5, "the filter returned 0xfffffff0, outside its memory"},
      {6, "env.printf: string pointer 0xfffffff0"},
      {7, "%n' is refused"},
      {8, "env.memset: ["},
      {9, "has no terminating NUL before the end of its memory"},
  };
  std::vector<Event> batch;
  for (const auto& [n, _] : cases) {
    batch.push_back(event(R"({"case":)" + std::to_string(n) + "}"));
    batch.push_back(event(R"({"case":0})"));  // fine after each
  }
  auto out = p->process(batch);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->size(), batch.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const Outcome& bad = (*out)[2 * i];
    ASSERT_FALSE(bad.ok()) << "case " << cases[i].first;
    EXPECT_NE(bad.error->message.find(cases[i].second), std::string::npos)
        << "case " << cases[i].first << ": " << bad.error->message;
    EXPECT_TRUE((*out)[2 * i + 1].ok()) << "after case " << cases[i].first;
  }
  EXPECT_NE((*out)[4].error->message.find("not a block from malloc"), std::string::npos)
      << (*out)[4].error->message;
}

TEST(fluentbit, msgpack_mode_round_trips_records_with_zero_bytes) {
  Engine engine;
  auto p = open(engine, "fb_filter.wasm", "msgpack_echo", RecordFormat::msgpack);
  ASSERT_TRUE(p);
  // 0 and "" encode with zero bytes (0x00, 0xa0 0x00...): a C string would stop there.
  Event e = event(R"({"zero":0,"s":"","n":[0,0,{"z":0}],"after":"tail"})");
  auto out = p->process(std::span<const Event>(&e, 1));
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_TRUE((*out)[0].ok()) << (*out)[0].error->message;
  const Record& r = (*out)[0].events.at(0).record;
  EXPECT_EQ(r.format(), RecordFormat::msgpack);
  EXPECT_EQ(*r.json(), R"({"zero":0,"s":"","n":[0,0,{"z":0}],"after":"tail"})");

  // In JSON mode the same guest's length prefix is not JSON: an error, not a drop.
  auto j = open(engine, "fb_filter.wasm", "msgpack_echo");
  auto jo = j->process(std::span<const Event>(&e, 1));
  ASSERT_TRUE(jo);
  EXPECT_FALSE((*jo)[0].ok());
}

TEST(fluentbit, msgpack_mode_invalid_output_is_an_error) {
  Engine engine;
  auto p = open(engine, "fb_filter.wasm", "dropper", RecordFormat::msgpack);
  ASSERT_TRUE(p);
  Event e =
      event(R"({"k":"text"})");  // returns a C string: its first 4 bytes are read as the length
  auto out = p->process(std::span<const Event>(&e, 1));
  ASSERT_TRUE(out);
  ASSERT_FALSE((*out)[0].ok());
  EXPECT_NE((*out)[0].error->message.find("msgpack"), std::string::npos)
      << (*out)[0].error->message;
}

// ---- the env libc set ------------------------------------------------------------------

TEST(fluentbit, printf_formatting_matches_the_hosts_snprintf) {
  Engine engine;
  auto p = open(engine, "fb_filter.wasm", "filter");
  ASSERT_TRUE(p);
  std::vector<std::string> expected;
#define HOST(...)                                    \
  {                                                  \
    char b[512];                                     \
    int n = std::snprintf(b, sizeof b, __VA_ARGS__); \
    expected.push_back(std::string(b, size_t(n)));   \
  }
  FMT_CASES(HOST)
#undef HOST
  auto count = p->plugin().call_export("fmt_count", {});
  ASSERT_TRUE(count);
  ASSERT_EQ(size_t((*count)[0].i32()), expected.size());
  auto buf = p->plugin().call_export("fmt_buffer", {});
  ASSERT_TRUE(buf);
  int32_t at = (*buf)[0].i32();
  for (size_t i = 0; i < expected.size(); ++i) {
    for (int32_t cap : {4096, 5, 1}) {
      Value args[3] = {Value::i32(int32_t(i)), Value::i32(at), Value::i32(cap)};
      auto r = p->plugin().call_export("fmt_case", args);
      ASSERT_TRUE(r) << "case " << i << ": " << r.error().message;
      EXPECT_EQ((*r)[0].i32(), int32_t(expected[i].size())) << "case " << i;
      auto mem = p->plugin().instance()->get_memory("memory");
      auto got = mem->read_string(uint64_t(at), size_t(cap));
      ASSERT_TRUE(got);
      std::string s(got->substr(0, got->find('\0')));
      EXPECT_EQ(s, expected[i].substr(0, size_t(cap) - 1)) << "case " << i << " cap " << cap;
    }
  }
}

TEST(fluentbit, printf_puts_putchar_go_to_the_log_sink_at_info_by_line) {
  Engine engine;
  auto log = std::make_shared<Logged>();
  auto p = open(engine, "fb_filter.wasm", "filter", RecordFormat::json, log);
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->plugin().call_export("print_things", {}));
  std::vector<std::string> lines;
  for (const auto& [level, line] : log->lines) {
    EXPECT_EQ(level, LogLevel::info);
    lines.push_back(line);
  }
  EXPECT_EQ(lines, (std::vector<std::string>{"hello world 7", "a puts line", "split line!"}));
  log->lines.clear();
  Event e = event(R"({"verbose":1})", "noisy");
  ASSERT_TRUE(p->process(std::span<const Event>(&e, 1)));
  // The filter's own printf, per event; print_things' unterminated line continues there.
  ASSERT_EQ(log->lines.size(), 1u);
  EXPECT_EQ(log->lines[0].second.rfind("no newline at the endfilter: noisy wrote ", 0), 0u)
      << log->lines[0].second;
  // A line still unterminated when the event ends is flushed then.
  log->lines.clear();
  ASSERT_TRUE(p->plugin().call_export("print_things", {}));
  log->lines.clear();
  ASSERT_TRUE(p->process(std::span<const Event>(&e, 1)));
  ASSERT_EQ(log->lines.size(), 1u);
}

TEST(fluentbit, libc_set_follows_c_semantics) {
  Engine engine;
  auto p = open(engine, "fb_filter.wasm", "filter");
  ASSERT_TRUE(p);
  auto r = p->plugin().call_export("libc_check", {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[0].i32(), 0) << "the CHECK at plugins/fb_filter.c line " << (*r)[0].i32()
                              << " failed";
}

// ---- allocation modes and leaks --------------------------------------------------------

/// Runs `n` events through `p` in batches; the memory must not grow after the first batch.
void expect_flat_memory(Processor& p, const std::string& record, size_t n) {
  std::vector<Event> batch(1000, event(record));
  uint64_t pages = 0;
  for (size_t done = 0; done < n; done += batch.size()) {
    auto out = p.process(batch);
    ASSERT_TRUE(out) << out.error().message;
    for (const Outcome& o : *out) ASSERT_TRUE(o.ok()) << o.error->message;
    if (done == 0) pages = memory_pages(p);
    ASSERT_EQ(memory_pages(p), pages) << "after " << done + batch.size() << " events";
  }
}

TEST(fluentbit, env_heap_does_not_leak_over_100k_events) {
  Engine engine;
  auto p = open(engine, "fb_filter.wasm", "dropper");  // strdup's the record: freed by the host
  ASSERT_TRUE(p);
  expect_flat_memory(*p, R"({"k":1})", 100000);
}

TEST(fluentbit, rust_filter_without_allocator_gets_its_inputs_in_host_pages) {
  Engine engine;
  auto p = open(engine, "rust_filter.wasm", "filter");
  ASSERT_TRUE(p);
  uint64_t before = memory_pages(*p);
  Event e = event(R"({"msg":"hi"})", "rust.tag");
  auto out = p->process(std::span<const Event>(&e, 1));
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_TRUE((*out)[0].ok()) << (*out)[0].error->message;
  EXPECT_EQ(json_of((*out)[0].events.at(0)),
            R"({"tag":"rust.tag","sec":1700000000,"nsec":123456789,"record":{"msg":"hi"}})");
  EXPECT_GT(memory_pages(*p), before);  // the host heap's pages
}

TEST(fluentbit, host_heap_does_not_leak_over_100k_events) {
  Engine engine;
  auto p = open(engine, "rust_filter.wasm", "echo");
  ASSERT_TRUE(p);
  expect_flat_memory(*p, R"({"k":1})", 100000);
}

TEST(fluentbit, guest_allocator_is_used_and_every_buffer_freed) {
  Engine engine;
  auto p = open(engine, "guest_alloc.wasm", "filter");
  ASSERT_TRUE(p);
  std::vector<Event> batch = {event(R"({"copy":1})"), event(R"({"same":2})"),
                              event(R"({"copy":3})")};
  auto out = p->process(batch);
  ASSERT_TRUE(out) << out.error().message;
  for (size_t i = 0; i < batch.size(); ++i) {
    ASSERT_TRUE((*out)[i].ok()) << (*out)[i].error->message;
    EXPECT_EQ((*out)[i].events.at(0).record, batch[i].record);
  }
  auto inst = p->plugin().instance();
  ASSERT_TRUE(inst);
  // tag + record per event, plus the two copies; the returned record buffer only once.
  EXPECT_EQ(inst->get_global("frees")->get().i32(), 8);
  EXPECT_EQ(inst->get_global("live")->get().i32(), 0);
  expect_flat_memory(*p, R"({"copy":"x"})", 10000);
}

// ---- the host-side heap ------------------------------------------------------------------

TEST(fluentbit, guest_heap_aligns_reuses_coalesces_grows_and_refuses_bad_frees) {
  Engine engine;
  Store store(engine);
  auto mem = store.create_memory(MemoryType{Limits{1, 3}});
  ASSERT_TRUE(mem);
  fluentbit::GuestHeap heap;
  heap.add_region(1000, 65536);  // starts aligned up to 1008
  auto a = heap.alloc(*mem, 10);
  auto b = heap.alloc(*mem, 100);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, 1008u);
  EXPECT_EQ(*b % fluentbit::GuestHeap::k_align, 0u);
  EXPECT_EQ(heap.block_size(*a), 16u);
  EXPECT_FALSE(heap.free(*a + 1));  // inside a block
  EXPECT_TRUE(heap.free(*a));
  EXPECT_FALSE(heap.free(*a));         // a double free
  EXPECT_EQ(heap.alloc(*mem, 16), a);  // first fit reuses it
  EXPECT_TRUE(heap.free(*a));
  EXPECT_TRUE(heap.free(*b));
  // Coalesced back into one span: a request of nearly the whole region fits without growing.
  auto big = heap.alloc(*mem, 65536 - 1008 - 16);
  ASSERT_TRUE(big);
  EXPECT_EQ(*big, 1008u);
  EXPECT_EQ(mem->size_pages(), 1u);
  // Nothing left: the heap grows the memory, and refuses past its maximum.
  auto grown = heap.alloc(*mem, 70000);
  ASSERT_TRUE(grown);
  EXPECT_EQ(*grown, 65520u);  // the 16 free bytes left at the old end joined the new pages
  EXPECT_EQ(mem->size_pages(), 3u);
  EXPECT_FALSE(heap.alloc(*mem, 65536));
  EXPECT_EQ(heap.live_blocks(), 2u);
}

}  // namespace
