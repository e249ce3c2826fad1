// weft spec runner: executing the commands of one script through the public API.
#include "script_runner.hpp"

#include <cstdio>
#include <exception>
#include <optional>

#include "spectest_host.hpp"
#include "values.hpp"

namespace weft::spec {
namespace {

/// What became of one command.
struct Verdict {
  enum class Kind { pass, fail, skip };
  Kind kind = Kind::pass;
  std::string message;  ///< why it failed, or for a pass what to log
  static Verdict pass(std::string note = {}) { return {Kind::pass, std::move(note)}; }
  static Verdict failure(std::string why) { return {Kind::fail, std::move(why)}; }
  static Verdict skip(std::string why) { return {Kind::skip, std::move(why)}; }
};

/// A name or field as printable text: quotes, and escapes for control bytes and quotes.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string short_value(const JsonValue& v) {
  std::string out = v.type + ":";
  if (!v.lane_type.empty()) out += v.lane_type + "x" + std::to_string(v.lanes.size()) + ":";
  if (!v.has_value) return out + "non-null";
  for (size_t i = 0; i < v.lanes.size(); ++i) out += (i ? " " : "") + v.lanes[i];
  return out;
}

/// `invoke $M "add"(i32:1, i32:2)` or `get "g"`.
std::string describe_action(const Action& a) {
  std::string out = a.kind == Action::Kind::invoke ? "invoke " : "get ";
  if (!a.module.empty()) out += a.module + " ";
  out += quoted(a.field);
  if (a.kind == Action::Kind::invoke) {
    out += "(";
    for (size_t i = 0; i < a.args.size(); ++i) out += (i ? ", " : "") + short_value(a.args[i]);
    out += ")";
  }
  return out;
}

std::string describe_command(const Command& c) {
  std::string out = c.type.empty() ? std::string("(untyped command)") : c.type;
  if (c.action) out += " " + describe_action(*c.action);
  if (!c.filename.empty()) out += " " + c.filename;
  if (!c.name.empty()) out += " " + c.name;
  if (!c.as.empty()) out += " as " + quoted(c.as);
  return out;
}

std::string describe_results(const std::vector<Value>& values,
                             const std::vector<JsonValue>* like = nullptr) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    const JsonValue* shape = like && i < like->size() ? &(*like)[i] : nullptr;
    out += (i ? ", " : "") + describe(values[i], shape);
  }
  return out + ")";
}

bool prefix_either_way(std::string_view a, std::string_view b) {
  return !a.empty() && !b.empty() && (a.starts_with(b) || b.starts_with(a));
}

/// The state of one script: its store, linker, and the instances commands refer to.
class ScriptRunner {
 public:
  ScriptRunner(const Engine& engine, const Script& script)
      : m_engine(engine), m_script(script), m_store(engine), m_linker(engine) {}

  Result<void> setup() { return define_spectest(m_store, m_linker); }

  Verdict run(const Command& c) {
    if (!c.parse_error.empty())
      return Verdict::failure("bad command in the json: " + c.parse_error);
    const std::string& t = c.type;
    if (t == "module") return run_module(c);
    if (t == "register") return run_register(c);
    if (t == "action") return run_action(c);
    if (t == "assert_return") return run_assert_return(c);
    if (t == "assert_trap") return c.action ? run_assert_trap(c) : expect_link_failure(c);
    if (t == "assert_exhaustion") return run_assert_exhaustion(c);
    if (t == "assert_invalid") return expect_compile_failure(c, ErrorKind::invalid);
    if (t == "assert_malformed") return expect_compile_failure(c, ErrorKind::malformed);
    if (t == "assert_unlinkable" || t == "assert_uninstantiable") return expect_link_failure(c);
    return Verdict::failure("unknown command type '" + t + "'");
  }

 private:
  /// An instance that commands can name, or why there is none.
  struct Slot {
    std::optional<Instance> instance;
    int failed_line = 0;  ///< line of the module command that failed to load, if it did
  };

  static bool is_text(const Command& c) {
    return c.module_type == "text" || c.filename.ends_with(".wat");
  }

  Result<Module> compile(const Command& c) {
    WEFT_TRY(auto bytes, read_module_file(m_script, c.filename));
    WEFT_TRY(Module module, m_engine.compile(bytes));
    m_modules.push_back(module);  // keep every module alive as long as the store
    return module;
  }

  Result<Instance> instantiate(const Command& c) {
    WEFT_TRY(Module module, compile(c));
    return m_linker.instantiate(m_store, module);
  }

  Result<Instance> find_instance(const std::string& name) {
    const Slot* slot = &m_current;
    if (!name.empty()) {
      auto it = m_named.find(name);
      if (it == m_named.end()) return fail(ErrorKind::usage, "no module named " + name);
      slot = &it->second;
    }
    if (slot->instance) return *slot->instance;
    if (slot->failed_line)
      return fail(ErrorKind::usage, "module " + name + (name.empty() ? "" : " ") +
                                        "not available: the module at line " +
                                        std::to_string(slot->failed_line) + " failed to load");
    return fail(ErrorKind::usage, "no module has been loaded");
  }

  Result<std::vector<Value>> perform(const Action& a) {
    WEFT_TRY(Instance instance, find_instance(a.module));
    if (a.kind == Action::Kind::get) {
      auto global = instance.get_global(a.field);
      if (!global) return fail(ErrorKind::usage, "no exported global " + quoted(a.field));
      return std::vector<Value>{global->get()};
    }
    auto func = instance.get_func(a.field);
    if (!func) return fail(ErrorKind::usage, "no exported function " + quoted(a.field));
    std::vector<Value> args;
    for (const auto& arg : a.args) {
      WEFT_TRY(Value v, to_value(arg));
      args.push_back(v);
    }
    return func->call(m_store, args);
  }

  Verdict run_module(const Command& c) {
    Slot slot;
    Verdict verdict = Verdict::pass();
    if (is_text(c)) {
      slot.failed_line = c.line;
      verdict = Verdict::failure("a text module cannot be loaded (text format is out of scope)");
    } else if (auto instance = instantiate(c)) {
      slot.instance = *instance;
    } else {
      slot.failed_line = c.line;
      verdict = Verdict::failure("loading failed: " + instance.error().to_string());
    }
    m_current = slot;
    if (!c.name.empty()) m_named[c.name] = slot;
    return verdict;
  }

  Verdict run_register(const Command& c) {
    auto instance = find_instance(c.name);
    if (!instance) return Verdict::failure(instance.error().message);
    m_linker.define_instance(c.as, *instance);
    return Verdict::pass();
  }

  Verdict run_action(const Command& c) {
    auto results = perform(*c.action);
    if (!results) return Verdict::failure("failed: " + results.error().to_string());
    return Verdict::pass();
  }

  Verdict run_assert_return(const Command& c) {
    auto results = perform(*c.action);
    std::string want = "(";
    for (size_t i = 0; i < c.expected.size(); ++i)
      want += (i ? ", " : "") + describe(c.expected[i]);
    want += ")";
    if (!results)
      return Verdict::failure("expected " + want + ", got " + results.error().to_string());
    if (results->size() != c.expected.size())
      return Verdict::failure("expected " + want + ", got " + describe_results(*results));
    for (size_t i = 0; i < c.expected.size(); ++i) {
      auto why = mismatch(c.expected[i], (*results)[i]);
      if (!why) continue;
      if (c.expected.size() == 1) return Verdict::failure(*why);
      return Verdict::failure("result " + std::to_string(i) + ": " + *why + "; expected " + want +
                              ", got " + describe_results(*results, &c.expected));
    }
    return Verdict::pass();
  }

  Verdict run_assert_trap(const Command& c) {
    auto results = perform(*c.action);
    std::string want = "expected trap \"" + c.text + "\", got ";
    if (results) return Verdict::failure(want + "results " + describe_results(*results));
    const Error& e = results.error();
    if (e.kind != ErrorKind::trap) return Verdict::failure(want + e.to_string());
    if (!prefix_either_way(trap_message(e.trap), c.text))
      return Verdict::failure(want + "trap \"" + std::string(trap_message(e.trap)) + "\" (" +
                              e.to_string() + ")");
    return Verdict::pass();
  }

  Verdict run_assert_exhaustion(const Command& c) {
    auto results = perform(*c.action);
    std::string want = "expected trap \"" + c.text + "\" (call_stack_exhausted), got ";
    if (results) return Verdict::failure(want + "results " + describe_results(*results));
    const Error& e = results.error();
    if (e.kind != ErrorKind::trap || e.trap != TrapKind::call_stack_exhausted)
      return Verdict::failure(want + e.to_string());
    return Verdict::pass();
  }

  /// assert_invalid / assert_malformed: compiling must fail with `kind`; wording is not compared.
  Verdict expect_compile_failure(const Command& c, ErrorKind kind) {
    if (is_text(c)) return Verdict::skip("text module: text format is out of scope");
    std::string want = "expected " + std::string(error_kind_name(kind)) + " (\"" + c.text + "\"), ";
    auto bytes = read_module_file(m_script, c.filename);
    if (!bytes) return Verdict::failure(want + "got " + bytes.error().to_string());
    auto module = m_engine.compile(*bytes);
    if (module) return Verdict::failure(want + "but the module compiled");
    if (module.error().kind != kind)
      return Verdict::failure(want + "got " + module.error().to_string());
    return Verdict::pass("weft: " + module.error().to_string());
  }

  /// assert_unlinkable / assert_uninstantiable / module-form assert_trap: the module compiles,
  /// and instantiating it fails with the command's kind. A trap during instantiation must also
  /// be the expected trap.
  Verdict expect_link_failure(const Command& c) {
    if (is_text(c)) return Verdict::skip("text module: text format is out of scope");
    ErrorKind kind =
        c.type == "assert_unlinkable" ? ErrorKind::unlinkable : ErrorKind::uninstantiable;
    std::string want = "expected " + std::string(error_kind_name(kind)) + " (\"" + c.text + "\"), ";
    auto module = compile(c);
    if (!module)
      return Verdict::failure(want + "but compiling failed: " + module.error().to_string());
    auto instance = m_linker.instantiate(m_store, *module);
    if (instance) return Verdict::failure(want + "but the module instantiated");
    const Error& e = instance.error();
    if (e.kind != kind) return Verdict::failure(want + "got " + e.to_string());
    if (e.trap != TrapKind::none && !prefix_either_way(trap_message(e.trap), c.text))
      return Verdict::failure(want + "got trap \"" + std::string(trap_message(e.trap)) + "\" (" +
                              e.to_string() + ")");
    return Verdict::pass("weft: " + e.to_string());
  }

  const Engine& m_engine;
  const Script& m_script;
  Store m_store;  // declared before the linker, which holds externs of it
  Linker m_linker;
  std::vector<Module> m_modules;
  Slot m_current;
  std::map<std::string, Slot> m_named;
};

}  // namespace

void ScriptReport::add(const CommandOutcome& outcome) {
  Counts& counts = by_kind[outcome.detail.kind];
  switch (outcome.status) {
    case CommandOutcome::Status::passed:
      counts.passed++;
      total.passed++;
      break;
    case CommandOutcome::Status::skipped:
      counts.skipped++;
      total.skipped++;
      break;
    case CommandOutcome::Status::failed:
      counts.failed++;
      total.failed++;
      failures.push_back(outcome.detail);
      break;
  }
}

void ScriptReport::fail_file(const std::string& message) {
  add(CommandOutcome{CommandOutcome::Status::failed, CommandFailure{0, "file", "(file)", message}});
}

ScriptReport run_script(const Engine& engine, const Script& script, const std::string& wast_name,
                        std::ostream* log, ScriptObserver* observer) {
  ScriptReport report;
  auto emit = [&](const CommandOutcome& outcome) {
    report.add(outcome);
    if (observer) observer->end(outcome);
  };
  auto fail_file = [&](const std::string& message) {
    emit(CommandOutcome{CommandOutcome::Status::failed,
                        CommandFailure{0, "file", "(file)", message}});
  };
  try {
    ScriptRunner runner(engine, script);
    if (auto ok = runner.setup(); !ok) {
      fail_file("defining spectest failed: " + ok.error().to_string());
      return report;
    }
    for (const Command& c : script.commands) {
      std::string kind = c.type.empty() ? "(untyped)" : c.type;
      std::string description = describe_command(c);
      if (observer) observer->begin(c.line, kind, description);
      Verdict v;
      try {
        v = runner.run(c);
      } catch (const std::exception& e) {
        v = Verdict::failure(std::string("exception: ") + e.what());
      } catch (...) {
        v = Verdict::failure("unknown exception");
      }
      CommandOutcome outcome;
      outcome.detail.line = c.line;
      outcome.detail.kind = kind;
      switch (v.kind) {
        case Verdict::Kind::pass:
          outcome.status = CommandOutcome::Status::passed;
          if (log && !v.message.empty())
            *log << "  ok " << wast_name << ":" << c.line << " " << c.type << " \"" << c.text
                 << "\": " << v.message << "\n";
          break;
        case Verdict::Kind::skip:
          outcome.status = CommandOutcome::Status::skipped;
          break;
        case Verdict::Kind::fail:
          outcome.status = CommandOutcome::Status::failed;
          outcome.detail.command = std::move(description);
          outcome.detail.message = std::move(v.message);
          break;
      }
      emit(outcome);
    }
  } catch (const std::exception& e) {
    fail_file(std::string("exception: ") + e.what());
  } catch (...) {
    fail_file("unknown exception");
  }
  return report;
}

}  // namespace weft::spec
