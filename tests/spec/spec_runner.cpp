// weft_spec_runner: runs the WebAssembly spec testsuite (as converted by wast2json) through
// weft's public API and compares every result with the script.
//
//   weft_spec_runner [--verbose] [--filter SUBSTR] [--expected-failures FILE]
//                    [--timeout SECONDS] [--no-fork] JSON|DIR...
//
// Each file runs in a forked child, so that an engine crash or hang fails the command it
// happened in, not the whole run (--no-fork runs in this process, for a debugger).
//
// Prints one line per file, totals per command kind, every failure that the expected-failure
// list does not name and every entry of the list that no longer fails, then the closing line
// `spec: N passed, N failed, N skipped`. Exit status: 0 when every failure is listed and no
// entry is stale, 1 otherwise, 2 on a usage error.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "expected_failures.hpp"
#include "isolated_run.hpp"
#include "json_commands.hpp"
#include "script_runner.hpp"
#include "weft/weft.hpp"

namespace fs = std::filesystem;
using namespace weft::spec;

namespace {

struct Options {
  std::vector<std::string> paths;
  std::string expected_failures;
  std::string filter;
  bool verbose = false;
  bool fork = true;
  unsigned timeout_seconds = 300;
};

constexpr const char* kUsage =
    "usage: weft_spec_runner [--verbose] [--filter SUBSTR] [--expected-failures FILE]\n"
    "                        [--timeout SECONDS] [--no-fork] JSON|DIR...\n"
    "  JSON|DIR               wast2json outputs, or directories searched for *.json\n"
    "  --expected-failures F  failures to tolerate: '<file.wast>:<line>|*  <reason>' a line\n"
    "  --filter SUBSTR        run only the files whose .wast name contains SUBSTR\n"
    "  --verbose, -v          print every failure in full, and the engine's message of each\n"
    "                         assert_invalid/assert_malformed that passed\n"
    "  --timeout SECONDS      fail a file's running command after this long (default 300,\n"
    "                         0: no limit)\n"
    "  --no-fork              run in this process instead of a child per file (for a\n"
    "                         debugger; a crash then ends the run)\n";

/// Parses the command line; nothing (after printing why) on a usage error.
std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name) -> std::optional<std::string> {
      if (i + 1 >= argc) {
        std::cerr << "weft_spec_runner: " << name << " needs a value\n" << kUsage;
        return std::nullopt;
      }
      return std::string(argv[++i]);
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else if (arg == "--verbose" || arg == "-v") {
      o.verbose = true;
    } else if (arg == "--expected-failures") {
      auto v = value("--expected-failures");
      if (!v) return std::nullopt;
      o.expected_failures = *v;
    } else if (arg == "--filter") {
      auto v = value("--filter");
      if (!v) return std::nullopt;
      o.filter = *v;
    } else if (arg == "--no-fork") {
      o.fork = false;
    } else if (arg == "--timeout") {
      auto v = value("--timeout");
      if (!v) return std::nullopt;
      char* end = nullptr;
      unsigned long n = std::strtoul(v->c_str(), &end, 10);
      if (v->empty() || *end != '\0' || n > 86400) {
        std::cerr << "weft_spec_runner: bad --timeout '" << *v << "'\n";
        return std::nullopt;
      }
      o.timeout_seconds = static_cast<unsigned>(n);
    } else if (arg.starts_with("-")) {
      std::cerr << "weft_spec_runner: unknown option " << arg << "\n" << kUsage;
      return std::nullopt;
    } else {
      o.paths.push_back(arg);
    }
  }
  if (o.paths.empty()) {
    std::cerr << "weft_spec_runner: no json files or directories given\n" << kUsage;
    return std::nullopt;
  }
  return o;
}

/// The json files to run: files as given (a missing one is reported when run), directories
/// searched recursively for *.json in sorted order.
std::vector<std::string> collect_json_files(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (it->is_regular_file(ec) && it->path().extension() == ".json")
        found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

/// "address.wast" for ".../address/address.json": wast2json output is named after its .wast.
std::string wast_name_of(const std::string& json_path) {
  return fs::path(json_path).stem().string() + ".wast";
}

/// Loads and runs one json file; a file that is missing, unreadable, or records a wast2json
/// failure counts as one failed command.
ScriptReport run_file(const Options& options, const weft::Engine& engine,
                      const std::string& json_path, const std::string& wast_name,
                      std::ostream* log) {
  ScriptReport report;
  std::error_code ec;
  if (!fs::exists(json_path, ec)) {
    report.fail_file("no " + json_path + ": wast2json did not convert " + wast_name);
    return report;
  }
  auto script = load_script(json_path);
  if (!script) {
    report.fail_file(script.error().to_string());
    return report;
  }
  if (!script->conversion_error.empty()) {
    report.fail_file("wast2json failed: " + script->conversion_error);
    return report;
  }
  if (options.fork) return run_script_isolated(*script, wast_name, log, options.timeout_seconds);
  return run_script(engine, *script, wast_name, log);
}

std::string counts_text(const Counts& c) {
  return std::to_string(c.passed) + " passed, " + std::to_string(c.failed) + " failed, " +
         std::to_string(c.skipped) + " skipped";
}

/// `text` on one line: line breaks (wast2json's error excerpts) become " | ".
std::string one_line(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n')
      out += " | ";
    else if (c != '\r')
      out += c;
  }
  auto end = out.find_last_not_of(" |");
  out.resize(end == std::string::npos ? 0 : end + 1);
  return out;
}

std::string failure_text(const std::string& wast_name, const CommandFailure& f) {
  return one_line(wast_name + ":" + std::to_string(f.line) + ": " + f.command + ": " + f.message);
}

/// Command kinds in the order of the spec interpreter's script grammar, then any others.
std::vector<std::string> kind_order(const std::map<std::string, Counts>& by_kind) {
  std::vector<std::string> out = {"module",
                                  "register",
                                  "action",
                                  "assert_return",
                                  "assert_trap",
                                  "assert_exhaustion",
                                  "assert_invalid",
                                  "assert_malformed",
                                  "assert_unlinkable",
                                  "assert_uninstantiable"};
  std::erase_if(out, [&](const std::string& kind) { return !by_kind.count(kind); });
  for (const auto& [kind, counts] : by_kind) {
    if (std::find(out.begin(), out.end(), kind) == out.end()) out.push_back(kind);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = parse_options(argc, argv);
  if (!options) return 2;

  ExpectedFailures expected;
  if (!options->expected_failures.empty()) {
    auto loaded = ExpectedFailures::load(options->expected_failures);
    if (!loaded) {
      std::cerr << "weft_spec_runner: " << loaded.error().message << "\n";
      return 2;
    }
    expected = std::move(*loaded);
  }

  // The default configuration: WebAssembly 2.0, SIMD execution off. Unless --no-fork, each
  // file's child process makes its own, and this one stays unused.
  weft::Engine engine;
  std::ostream* log = options->verbose ? &std::cout : nullptr;
  Counts total;
  std::map<std::string, Counts> by_kind;
  std::set<std::string> files_run;
  std::vector<std::string> unexpected;
  uint64_t expected_count = 0;

  for (const auto& json_path : collect_json_files(options->paths)) {
    std::string wast_name = wast_name_of(json_path);
    if (!options->filter.empty() && wast_name.find(options->filter) == std::string::npos) continue;
    files_run.insert(wast_name);

    ScriptReport report = run_file(*options, engine, json_path, wast_name, log);
    uint64_t file_expected = 0;
    for (const auto& f : report.failures) {
      const ExpectedFailure* entry = expected.match(wast_name, f.line);
      if (entry)
        ++file_expected;
      else
        unexpected.push_back(failure_text(wast_name, f));
      if (options->verbose) {
        std::cout << "FAIL " << failure_text(wast_name, f);
        if (entry) std::cout << " [expected: " << entry->reason << "]";
        std::cout << "\n";
      }
    }
    expected_count += file_expected;
    std::cout << wast_name << ": " << counts_text(report.total);
    if (file_expected) std::cout << " (" << file_expected << " expected)";
    std::cout << "\n";
    total += report.total;
    for (const auto& [kind, counts] : report.by_kind) by_kind[kind] += counts;
  }

  std::cout << "\n";
  for (const auto& kind : kind_order(by_kind))
    std::cout << kind << ": " << counts_text(by_kind[kind]) << "\n";

  if (!unexpected.empty()) {
    std::cout << "\nunexpected failures (" << unexpected.size() << "):\n";
    for (const auto& line : unexpected) std::cout << "FAIL " << line << "\n";
  }
  auto stale = expected.stale(files_run);
  if (!stale.empty()) {
    std::cout << "\nstale expected-failure entries (" << stale.size()
              << "), they pass now: remove them from the list\n";
    for (const auto* e : stale)
      std::cout << "STALE " << e->where() << " (" << options->expected_failures << ":"
                << e->list_line << "): " << e->reason << "\n";
  }
  if (files_run.empty()) std::cout << "\nno spec files to run\n";

  std::cout << "\n"
            << files_run.size() << " files; failures: " << expected_count << " expected, "
            << unexpected.size() << " unexpected; " << stale.size()
            << " stale expected-failure entries\n";
  std::cout << "spec: " << counts_text(total) << "\n";
  return unexpected.empty() && stale.empty() && !files_run.empty() ? 0 : 1;
}
