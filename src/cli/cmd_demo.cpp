// weft demo: loads, validates and runs the embedded example modules (examples/modules), and
// says what happened at each step. Every step has an expected outcome, so the demo doubles as
// an end-to-end check: it exits with status 1 if anything behaved otherwise.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <ostream>
#include <thread>

#include "cli/cli_util.hpp"
#include "cli/demo_modules.hpp"
#include "weft/events.hpp"
#include "weft/plugin.hpp"

namespace weft::cli {

namespace {

/// Runs scenarios and prints their steps, counting what did not go as expected.
class Demo {
 public:
  Demo(std::ostream& out, const EngineConfig& config) : m_out(out), m_engine(config) {}

  const Engine& engine() const { return m_engine; }
  bool scenario_ok() const { return m_ok; }

  void begin(size_t index, size_t count, std::string_view name, std::string_view what) {
    m_ok = true;
    m_out << "\n[" << index << "/" << count << "] " << name << ": " << what << "\n";
  }

  /// "  verb         detail"
  void step(std::string_view verb, const std::string& detail) {
    std::string v(verb);
    if (v.size() < 12) v.append(12 - v.size(), ' ');
    // Flushed line by line: if the engine crashes, the last step shown is where.
    m_out << "  " << v << " " << detail << std::endl;
  }

  /// A step whose outcome was checked: marks the scenario failed when it was not as expected.
  void checked(bool ok, std::string_view verb, const std::string& detail,
               const std::string& expected) {
    if (ok) {
      step(verb, detail);
    } else {
      m_ok = false;
      step(verb, detail + "   UNEXPECTED: expected " + expected);
    }
  }

  /// Finds and compiles an embedded module.
  std::optional<Module> load(std::string_view name) {
    std::span<const uint8_t> bytes = embedded(name);
    if (bytes.empty()) return std::nullopt;
    step("load", std::string(name) + ".wasm, " + std::to_string(bytes.size()) +
                     " bytes (embedded at build time)");
    auto module = m_engine.compile(bytes);
    if (!module) {
      checked(false, "compile", module.error().to_string(), "a valid module");
      return std::nullopt;
    }
    std::string names;
    for (const ExportDesc& e : module->exports()) names += (names.empty() ? "" : ", ") + e.name;
    step("compile", "ok: decoded, validated, lowered; exports " + names);
    return std::move(*module);
  }

  std::span<const uint8_t> embedded(std::string_view name) {
    for (const EmbeddedModule& m : demo_modules())
      if (m.name == name) return m.bytes;
    checked(false, "load", std::string(name) + ".wasm is not embedded", "an embedded module");
    return {};
  }

  std::optional<Instance> instantiate(Store& store, const Linker& linker, const Module& module) {
    auto instance = linker.instantiate(store, module);
    if (!instance) {
      checked(false, "instantiate", instance.error().to_string(), "an instance");
      return std::nullopt;
    }
    step("instantiate", "ok");
    return *instance;
  }

  /// Calls an export and checks its results; returns them.
  std::vector<Value> call(Store& store, const Instance& instance, std::string_view name,
                          const std::vector<Value>& args, const std::vector<Value>& expected) {
    std::string call = format_call(name, args);
    auto results = invoke(store, instance, name, args);
    if (!results) {
      checked(false, "call", call + " -> " + results.error().to_string(), join_values(expected));
      return {};
    }
    bool ok = results->size() == expected.size();
    for (size_t i = 0; ok && i < expected.size(); ++i) ok = same_value((*results)[i], expected[i]);
    std::string shown = results->empty() ? "done" : "= " + join_values(*results);
    checked(ok, "call", call + " " + shown,
            expected.empty() ? "no results" : join_values(expected));
    return *results;
  }

  /// Calls an export that must trap with `kind`.
  void call_traps(Store& store, const Instance& instance, std::string_view name,
                  const std::vector<Value>& args, TrapKind kind) {
    std::string call = format_call(name, args);
    std::string want = "trap " + std::string(trap_name(kind));
    auto results = invoke(store, instance, name, args);
    if (results) {
      checked(false, "call", call + " = " + join_values(*results), want);
      return;
    }
    const Error& e = results.error();
    bool ok = e.kind == ErrorKind::trap && e.trap == kind;
    checked(ok, "call",
            call + " -> trap: " + e.message + " (" + std::string(trap_name(e.trap)) + ")", want);
  }

  /// A failed Result with the expected kind.
  template <class T>
  void fails(const Result<T>& result, ErrorKind kind, std::string_view verb,
             const std::string& what) {
    std::string want = std::string(error_kind_name(kind)) + " error";
    if (result) {
      checked(false, verb, what + " -> ok", want);
      return;
    }
    checked(result.error().kind == kind, verb, what + " -> " + result.error().to_string(), want);
  }

  void memory_holds(const Memory& memory, uint64_t offset, std::string_view expected) {
    auto text = memory.read_string(offset, expected.size());
    std::string range =
        "[" + std::to_string(offset) + ", " + std::to_string(offset + expected.size()) + ")";
    std::string shown = text ? "\"" + std::string(*text) + "\"" : "out of bounds";
    checked(text && *text == expected, "read", "memory" + range + " = " + shown,
            "\"" + std::string(expected) + "\"");
  }

 private:
  static Result<std::vector<Value>> invoke(Store& store, const Instance& instance,
                                           std::string_view name, const std::vector<Value>& args) {
    auto func = instance.get_func(name);
    if (!func) return fail(ErrorKind::usage, "no exported function " + std::string(name));
    return func->call(store, args);
  }

  std::ostream& m_out;
  Engine m_engine;
  bool m_ok = true;
};

Value i32(int32_t v) { return Value::i32(v); }
Value i64(int64_t v) { return Value::i64(v); }

void demo_factorial(Demo& d) {
  auto module = d.load("factorial");
  if (!module) return;
  Store store(d.engine());
  auto instance = d.instantiate(store, Linker(d.engine()), *module);
  if (!instance) return;
  d.call(store, *instance, "fac_rec", {i64(20)}, {i64(2432902008176640000)});
  d.call(store, *instance, "fac_iter", {i64(20)}, {i64(2432902008176640000)});
  d.call(store, *instance, "fac_iter", {i64(0)}, {i64(1)});
}

void demo_fibonacci(Demo& d) {
  auto module = d.load("fibonacci");
  if (!module) return;
  Store store(d.engine());
  auto instance = d.instantiate(store, Linker(d.engine()), *module);
  if (!instance) return;
  auto start = std::chrono::steady_clock::now();
  d.call(store, *instance, "fib_rec", {i32(25)}, {i32(75025)});
  std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - start;
  char took[64];
  std::snprintf(took, sizeof took, "fib_rec(25) made 242785 calls in %.1f ms", ms.count());
  d.step("time", took);
  d.call(store, *instance, "fib_iter", {i32(90)}, {i64(2880067194370816120)});
  d.call(store, *instance, "fib_step", {i64(5), i64(8)}, {i64(8), i64(13)});
}

void demo_memory(Demo& d) {
  auto module = d.load("memory");
  if (!module) return;
  Store store(d.engine());
  auto instance = d.instantiate(store, Linker(d.engine()), *module);
  if (!instance) return;
  auto memory = instance->get_memory("memory");
  d.checked(memory.has_value(), "export", "memory: " + std::string(memory ? "found" : "missing"),
            "an exported memory");
  if (!memory) return;
  d.memory_holds(*memory, 0, "hello, weft");
  d.call(store, *instance, "sum", {i32(0), i32(11)}, {i32(1046)});
  d.call(store, *instance, "copy", {i32(32), i32(0), i32(5)}, {});
  d.memory_holds(*memory, 32, "hello");
  d.call(store, *instance, "fill", {i32(48), i32('x'), i32(4)}, {});
  d.memory_holds(*memory, 48, "xxxx");
  d.call(store, *instance, "init", {i32(64)}, {});
  d.memory_holds(*memory, 64, "bulk memory works");
  d.call(store, *instance, "drop", {}, {});
  d.call_traps(store, *instance, "init", {i32(64)}, TrapKind::memory_out_of_bounds);
  d.call(store, *instance, "grow", {i32(1)}, {i32(1)});
  d.checked(memory->size_pages() == 2, "size",
            "the host sees " + std::to_string(memory->size_pages()) + " pages", "2 pages");
  d.call(store, *instance, "grow", {i32(10)}, {i32(-1)});
  d.call_traps(store, *instance, "load_i32", {i32(131070)}, TrapKind::memory_out_of_bounds);
  d.call_traps(store, *instance, "fill", {i32(131070), i32(0), i32(4)},
               TrapKind::memory_out_of_bounds);
}

void demo_traps(Demo& d) {
  auto module = d.load("traps");
  if (!module) return;
  Store store(d.engine());
  auto instance = d.instantiate(store, Linker(d.engine()), *module);
  if (!instance) return;
  d.call(store, *instance, "div_s", {i32(7), i32(2)}, {i32(3)});
  d.call_traps(store, *instance, "div_s", {i32(1), i32(0)}, TrapKind::integer_divide_by_zero);
  d.call_traps(store, *instance, "div_s", {i32(INT32_MIN), i32(-1)}, TrapKind::integer_overflow);
  d.call_traps(store, *instance, "unreachable", {}, TrapKind::unreachable);
  d.call_traps(store, *instance, "trunc", {Value::f64_bits(0x7ff8000000000000)},
               TrapKind::invalid_conversion_to_integer);
  d.call_traps(store, *instance, "trunc", {Value::f64(1e10)}, TrapKind::integer_overflow);
  d.call_traps(store, *instance, "recurse", {i32(0)}, TrapKind::call_stack_exhausted);
  d.call(store, *instance, "call_slot", {i32(0)}, {i32(7)});
  d.call_traps(store, *instance, "call_slot", {i32(1)}, TrapKind::uninitialized_element);
  d.call_traps(store, *instance, "call_slot", {i32(5)}, TrapKind::undefined_element);
  d.step("note", "after seven traps the same store and instance still work:");
  d.call(store, *instance, "div_s", {i32(-9), i32(2)}, {i32(-4)});
}

void demo_host(Demo& d) {
  auto module = d.load("host");
  if (!module) return;
  Store store(d.engine());
  d.fails(Linker(d.engine()).instantiate(store, *module), ErrorKind::unlinkable, "instantiate",
          "with no host functions defined");

  std::vector<int32_t> logged;
  Linker linker(d.engine());
  linker.define_func("env", "log_i32", [&](int32_t v) {
    logged.push_back(v);
    d.step("host", "env.log_i32(" + std::to_string(v) + ")");
  });
  linker.define_func("env", "print", [&](Caller& caller, int32_t ptr, int32_t len) -> Result<void> {
    auto memory = caller.memory();
    if (!memory) return fail(ErrorKind::usage, "print: the caller has no memory");
    auto text = memory->read_string(static_cast<uint32_t>(ptr), static_cast<uint32_t>(len));
    if (!text) return fail(ErrorKind::usage, "print: the string is outside the caller's memory");
    d.step("host", "env.print(\"" + std::string(*text) + "\")");
    return {};
  });
  linker.define_func("env", "add", [](int32_t a, int32_t b) {
    return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
  });
  linker.define_func("env", "fail",
                     []() -> Result<void> { return fail(ErrorKind::usage, "the host refuses"); });
  auto instance = d.instantiate(store, linker, *module);
  if (!instance) return;

  d.call(store, *instance, "greet", {}, {});
  d.call(store, *instance, "count", {i32(3)}, {});
  d.checked(logged == std::vector<int32_t>{0, 1, 2}, "check", "the host logged 0, 1, 2", "0, 1, 2");
  d.call(store, *instance, "add_via_host", {i32(40), i32(2)}, {i32(42)});
  d.call_traps(store, *instance, "call_failing_host", {}, TrapKind::host_error);
  d.call_traps(store, *instance, "print_out_of_bounds", {}, TrapKind::host_error);
}

void demo_validation(Demo& d) {
  const Engine& engine = d.engine();
  std::span<const uint8_t> invalid = d.embedded("invalid");
  if (!invalid.empty()) {
    d.step("load", "invalid.wasm, " + std::to_string(invalid.size()) + " bytes");
    d.fails(engine.validate(invalid), ErrorKind::invalid, "validate", "invalid.wasm");
  }
  std::span<const uint8_t> good = d.embedded("factorial");
  if (!good.empty()) {
    std::span<const uint8_t> cut = good.first(good.size() - 3);
    d.fails(engine.validate(cut), ErrorKind::malformed, "validate",
            "factorial.wasm without its last 3 bytes");
  }
  static const uint8_t version_2[] = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00};
  d.fails(engine.validate(version_2), ErrorKind::malformed, "validate",
          "a header with binary version 2");
  static const uint8_t text[] = {'(', 'm', 'o', 'd', 'u', 'l', 'e', ')'};
  d.fails(engine.validate(text), ErrorKind::malformed, "validate",
          "the text \"(module)\" given as a binary");
}

// ---- the plugin scenario -------------------------------------------------------------------

/// What plugin.wat's count_vowels should answer for `input`, computed here independently.
std::string expected_vowels(std::string_view input) {
  size_t count = 0;
  for (char c : input)
    if (std::string_view("aeiouAEIOU").find(c) != std::string_view::npos) ++count;
  return "{\"count\":" + std::to_string(count) + "}";
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string as_text(const std::vector<uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

std::string format_ms(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f ms", ms);
  return text;
}

/// `name("input")` and the outcome of the plugin call: its output as text, or its status and
/// error message.
std::string plugin_outcome(const Plugin& plugin, std::string_view name, std::string_view input,
                           const Result<std::vector<uint8_t>>& out, std::string_view how = "") {
  std::string call = std::string(name) + "(" + quoted(input) + ")" + std::string(how);
  if (out) return call + " = " + as_text(*out) + " (ok)";
  return call + " -> " + std::string(call_status_name(plugin.last_status())) + ": " +
         out.error().message;
}

/// Calls count_vowels and checks its output bytes against `want`.
void plugin_counts(Demo& d, Plugin& plugin, std::string_view input, const std::string& want) {
  auto out = plugin.call("count_vowels", input);
  bool ok = out && plugin.last_status() == CallStatus::ok && as_text(*out) == want;
  d.checked(ok, "call", plugin_outcome(plugin, "count_vowels", input, out), want + " (ok)");
}

void demo_plugin(Demo& d) {
  std::span<const uint8_t> bytes = d.embedded("plugin");
  if (bytes.empty()) return;
  d.step("load", "plugin.wasm, " + std::to_string(bytes.size()) +
                     " bytes (embedded at build time), as a manifest of one module");
  auto compiled = CompiledPlugin::create(
      d.engine(), Manifest::from_wasm(std::vector<uint8_t>(bytes.begin(), bytes.end())));
  if (!compiled) {
    d.checked(false, "compile", compiled.error().to_string(), "a compiled plugin");
    return;
  }
  d.step("compile", "ok: a CompiledPlugin, compiled once, shared by every instance below");
  auto created = Plugin::create(*compiled);
  if (!created) {
    d.checked(false, "instantiate", created.error().to_string(), "a plugin instance");
    return;
  }
  Plugin& plugin = **created;
  std::string names;
  bool all = true;
  for (std::string_view name : {"count_vowels", "fail", "spin"}) {
    bool found = plugin.function_exists(name);
    all = all && found;
    names += (names.empty() ? "" : ", ") + std::string(name) + (found ? "" : " (missing)");
  }
  d.checked(all, "instantiate",
            "ok: a Plugin, extism:host/env linked natively; functions " + names,
            "count_vowels, fail and spin");

  plugin_counts(d, plugin, "Hello, weft!", R"({"count":3})");

  // error_set with a message, then return 1: a guest error; the instance is kept.
  auto failed = plugin.call("fail", "");
  const std::string guest_message = "the plugin said no: 42";
  bool fail_ok = !failed && plugin.last_status() == CallStatus::guest_error &&
                 failed.error().kind == ErrorKind::guest && failed.error().message == guest_message;
  d.checked(fail_ok, "call", plugin_outcome(plugin, "fail", "", failed),
            "guest_error: " + guest_message);

  // An endless loop: the 50 ms timeout ends it, whatever the guest does.
  constexpr uint64_t timeout_ms = 50;
  constexpr double bound_ms = 1000;  // generous: the watchdog fires at 50 ms on an idle machine
  plugin.set_timeout_ms(timeout_ms);
  auto start = std::chrono::steady_clock::now();
  auto spun = plugin.call("spin", "");
  double ms = ms_since(start);
  plugin.set_timeout_ms(std::nullopt);
  bool stopped = !spun && plugin.last_status() == CallStatus::timeout;
  d.checked(stopped, "call",
            plugin_outcome(plugin, "spin", "", spun,
                           " with a " + std::to_string(timeout_ms) + " ms timeout"),
            "timeout: plugin call timed out after " + std::to_string(timeout_ms) + " ms");
  d.checked(ms >= timeout_ms && ms < bound_ms, "time",
            "spin ran " + format_ms(ms) + " before the timeout stopped it",
            "between " + format_ms(timeout_ms) + " and " + format_ms(bound_ms));
  d.step("note", "after the timeout the same Plugin still works (on a fresh instance):");
  std::string_view again = "Plugins in WebAssembly, hosted by weft";
  plugin_counts(d, plugin, again, expected_vowels(again));

  // A pool: 4 threads share 4 instances of the same CompiledPlugin.
  constexpr size_t threads = 4, calls_per_thread = 250;
  auto pool = PluginPool::create(*compiled, {.max_instances = 4});
  if (!pool) {
    d.checked(false, "pool", pool.error().to_string(), "a pool of 4 instances");
    return;
  }
  std::atomic<size_t> correct = 0;
  std::mutex mutex;
  std::string first_problem;
  start = std::chrono::steady_clock::now();
  {
    std::vector<std::thread> workers;
    for (size_t t = 0; t < threads; ++t)
      workers.emplace_back([&, t] {
        for (size_t i = 0; i < calls_per_thread; ++i) {
          std::string input = "thread " + std::to_string(t) + ": " + std::string(i % 40, 'o') +
                              std::string(i % 7, 'x') + "!";
          auto out = (*pool)->call("count_vowels", input);
          std::string want = expected_vowels(input);
          if (out && as_text(*out) == want) {
            correct.fetch_add(1, std::memory_order_relaxed);
            continue;
          }
          std::lock_guard lock(mutex);
          if (first_problem.empty())
            first_problem = "count_vowels(" + quoted(input) + ") " +
                            (out ? "= " + as_text(*out) : "-> " + out.error().to_string()) +
                            ", expected " + want;
        }
      });
    for (std::thread& w : workers) w.join();
  }
  ms = ms_since(start);
  size_t total = threads * calls_per_thread;
  size_t instances = (*pool)->instances();
  d.step("pool", "a PluginPool of at most 4 instances, used by " + std::to_string(threads) +
                     " std::threads making " + std::to_string(calls_per_thread) +
                     " calls each");
  d.checked(correct == total && instances <= 4, "calls",
            std::to_string(correct.load()) + " of " + std::to_string(total) +
                " outputs correct in " + format_ms(ms) + ", " + std::to_string(instances) +
                " instances made" + (first_problem.empty() ? "" : "; first wrong: " + first_problem),
            "all " + std::to_string(total) + " correct, at most 4 instances");
}


// ---- the events scenario -------------------------------------------------------------------

/// One line for an event: tag and record.
std::string event_text(const events::Event& e) {
  auto json = e.record.json();
  return e.tag + " " + (json ? *json : "(record: " + json.error().message + ")");
}

void demo_events(Demo& d) {
  using namespace weft::events;
  std::span<const uint8_t> bytes = d.embedded("events");
  if (bytes.empty()) return;
  d.step("load", "events.wasm, " + std::to_string(bytes.size()) +
                     " bytes (embedded at build time): a processor for weft's events ABI");
  auto compiled = ProcessorPlugin::create(d.engine(), Abi::weft,
                                          Manifest::from_wasm(std::vector<uint8_t>(bytes.begin(), bytes.end())));
  if (!compiled) {
    d.checked(false, "compile", compiled.error().to_string(), "a processor plugin");
    return;
  }
  d.step("compile", "ok: the ABI marker weft_events_abi_1 and weft_process checked before instantiation");
  auto created = (*compiled)->instantiate();
  if (!created) {
    d.checked(false, "instantiate", created.error().to_string(), "a processor");
    return;
  }
  Processor& processor = **created;

  const char* records[] = {
      R"({"level":"info","msg":"user logged in"})", R"({"level":"debug","msg":"cache hit"})",
      R"({"level":"error","msg":"disk full"})",     R"({"level":"warn","msg":"boom"})",
      R"({"level":"warn","msg":"slow request"})",
  };
  std::vector<Event> batch;
  for (size_t i = 0; i < std::size(records); ++i) {
    Event e;
    e.tag = "app";
    e.time = {1700000000 + int64_t(i), 0};
    e.record = *Record::from_json(records[i]);
    batch.push_back(std::move(e));
  }
  d.step("process", "one batch of " + std::to_string(batch.size()) + " events, one guest call");
  auto outcomes = processor.process(batch);
  if (!outcomes || outcomes->size() != batch.size()) {
    d.checked(false, "outcomes", outcomes ? "wrong count" : outcomes.error().to_string(), "one per event");
    return;
  }
  // What each event should become: passed, dropped, routed, failed (a trap), passed.
  const char* wanted[] = {"out", "dropped", "alerts", "error", "out"};
  for (size_t i = 0; i < batch.size(); ++i) {
    const Outcome& o = (*outcomes)[i];
    std::string got;
    bool ok;
    if (o.error) {
      got = "failed: " + o.error->message;
      ok = std::string_view(wanted[i]) == "error";
    } else if (o.events.empty()) {
      got = "dropped";
      ok = std::string_view(wanted[i]) == "dropped";
    } else {
      got = "-> " + event_text(o.events[0]);
      ok = o.events.size() == 1 && o.events[0].record == batch[i].record &&
           o.events[0].tag == (std::string_view(wanted[i]) == "alerts" ? "alerts" : "app");
    }
    std::string want = std::string_view(wanted[i]) == "out"      ? "unchanged"
                       : std::string_view(wanted[i]) == "alerts" ? "routed to the tag alerts"
                       : std::string_view(wanted[i]) == "error"  ? "failed (the plugin traps on \"boom\")"
                                                                 : "dropped";
    d.checked(ok, "event " + std::to_string(i), std::string(records[i]) + " " + got, want);
  }
  d.step("note", "the trap failed one event only: the batch ran again one event at a time on a fresh instance");

  // Throughput: 100,000 events in batches of 256.
  constexpr size_t total = 100000, per_batch = 256;
  std::vector<Event> big(per_batch);
  size_t expected_out = 0;
  for (size_t i = 0; i < per_batch; ++i) {
    big[i].tag = "app";
    big[i].time = {1700000000, uint32_t(i)};
    big[i].record = *Record::from_json(i % 4 == 1 ? R"({"level":"debug","n":1})" : R"({"level":"info","n":1})");
    expected_out += i % 4 == 1 ? 0 : 1;
  }
  size_t out = 0, failed = 0, done = 0;
  auto start = std::chrono::steady_clock::now();
  while (done < total) {
    size_t n = std::min(per_batch, total - done);
    auto r = processor.process(std::span<const Event>(big).first(n));
    if (!r) break;
    for (const Outcome& o : *r) {
      failed += o.error ? 1 : 0;
      out += o.events.size();
    }
    done += n;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  size_t want_out = (total / per_batch) * expected_out;
  for (size_t i = 0; i < total % per_batch; ++i) want_out += i % 4 == 1 ? 0 : 1;
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.0f events/s", seconds > 0 ? double(total) / seconds : 0.0);
  d.checked(done == total && failed == 0 && out == want_out, "throughput",
            std::to_string(done) + " events in batches of " + std::to_string(per_batch) + ": " +
                std::to_string(out) + " out, " + std::to_string(done - out - failed) + " dropped, " +
                std::to_string(failed) + " failed, in " + format_ms(seconds * 1000) + " (" + rate + ")",
            std::to_string(want_out) + " out, none failed");
}

struct Scenario {
  std::string_view name;
  std::string_view what;
  void (*run)(Demo&);
};

constexpr Scenario k_scenarios[] = {
    {"factorial", "n! over i64, by recursion and by a loop", demo_factorial},
    {"fibonacci", "calls, loops and a function with two results", demo_fibonacci},
    {"memory", "linear memory, data segments, bulk memory, memory.grow", demo_memory},
    {"traps", "each trap comes back as an error value with its kind", demo_traps},
    {"host", "host functions imported by the module, reading its memory", demo_host},
    {"validation", "malformed and invalid modules are refused with the offset", demo_validation},
    {"plugin", "an Extism plugin hosted: output, guest error, timeout, a pool", demo_plugin},
    {"events", "an event processor (weft's events ABI): pass, drop, route, a trap isolated", demo_events},
};

int run_demo(Args args, Io& io) {
  const Command& self = demo_command();
  static constexpr std::string_view flags[] = {"--list"};
  auto options = parse_options(args, flags);
  if (!options) return usage_error(io, self, options.error().message);
  if (options->help) {
    print_command_help(io.out, self);
    return exit_ok;
  }
  if (options->has_flag("--list")) {
    for (const Scenario& s : k_scenarios) io.out << s.name << ": " << s.what << "\n";
    return exit_ok;
  }
  std::vector<const Scenario*> chosen;
  for (const std::string& name : options->positional) {
    const Scenario* found = nullptr;
    for (const Scenario& s : k_scenarios)
      if (s.name == name) found = &s;
    if (!found) return usage_error(io, self, "no scenario named '" + name + "' (see --list)");
    chosen.push_back(found);
  }
  if (chosen.empty())
    for (const Scenario& s : k_scenarios) chosen.push_back(&s);

  io.out << "weft " << WEFT_VERSION << " demo: " << demo_modules().size()
         << " modules embedded in this binary, run by weft's interpreter\n";
  Demo demo(io.out, options->config);
  size_t ok = 0;
  for (size_t i = 0; i < chosen.size(); ++i) {
    demo.begin(i + 1, chosen.size(), chosen[i]->name, chosen[i]->what);
    chosen[i]->run(demo);
    if (demo.scenario_ok()) ++ok;
  }
  io.out << "\ndemo: " << ok << " of " << chosen.size() << " scenarios behaved as expected\n";
  return ok == chosen.size() ? exit_ok : exit_failure;
}

}  // namespace

const Command& demo_command() {
  static const Command command{
      "demo", "run the bundled example modules and show each step",
      "usage: weft demo [options] [--list] [SCENARIO...]\n"
      "\n"
      "Loads, validates, instantiates and runs the example modules built into this binary\n"
      "(from examples/modules/*.wat) and prints each step and its result: factorial,\n"
      "fibonacci, memory, traps, host functions, validation errors, and an Extism plugin\n"
      "(its output, a guest error, a timeout, a pool used from threads). With SCENARIO\n"
      "names, runs only those. Exits with status 1 if any step did not behave as expected.\n"
      "\n"
      "  --list              list the scenarios\n"
      "\n",
      run_demo};
  return command;
}

}  // namespace weft::cli
