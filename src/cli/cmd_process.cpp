// weft process: runs an event-processing plugin (Fluent Bit filter, Elastic ingest, or weft's
// events ABI) over NDJSON events, one per line in and out.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <ostream>

#include "cli/cli_util.hpp"
#include "weft/events.hpp"

namespace weft::cli {

namespace {

constexpr int exit_data_error = 65;  // EX_DATAERR: some events were malformed or failed

/// Lines of a file (or standard input), read in large blocks.
class LineReader {
 public:
  explicit LineReader(std::FILE* f) : m_file(f) {}
  /// The next line without its "\n" (or "\r\n"); false at the end. Sets `error` on a read error.
  bool next(std::string& line) {
    line.clear();
    for (;;) {
      if (m_pos < m_len) {
        const char* start = m_buf.data() + m_pos;
        const char* nl = static_cast<const char*>(std::memchr(start, '\n', m_len - m_pos));
        if (nl) {
          line.append(start, size_t(nl - start));
          m_pos += size_t(nl - start) + 1;
          if (!line.empty() && line.back() == '\r') line.pop_back();
          return true;
        }
        line.append(start, m_len - m_pos);
        m_pos = m_len;
      }
      if (m_eof) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return !line.empty();
      }
      m_len = std::fread(m_buf.data(), 1, m_buf.size(), m_file);
      m_pos = 0;
      if (m_len < m_buf.size()) {
        m_eof = true;
        if (std::ferror(m_file)) error = true;
      }
    }
  }
  bool error = false;

 private:
  std::FILE* m_file;
  std::vector<char> m_buf = std::vector<char>(1 << 16);
  size_t m_len = 0;
  size_t m_pos = 0;
  bool m_eof = false;
};

struct Totals {
  uint64_t in = 0, malformed = 0, out = 0, dropped = 0, failed = 0;
};

int run_process(Args args, Io& io) {
  const Command& self = process_command();
  std::vector<std::string> common;
  std::vector<std::string> inputs;
  std::optional<events::Abi> abi;
  std::string plugin_path;
  events::ProcessorOptions options;
  size_t batch_size = 256;
  std::string default_tag = "weft";
  PluginFlags plugin_flags(options.plugin, io);
  for (size_t i = 0; i < args.size(); ++i) {
    OptionCursor at{args, i};
    std::string_view a = at.arg();
    std::string flag_error;
    auto shared = plugin_flags.parse(at, flag_error);
    if (shared == PluginFlags::Parsed::bad) return usage_error(io, self, flag_error);
    if (shared == PluginFlags::Parsed::ok) continue;
    if (a == "--") {
      for (++i; i < args.size(); ++i) inputs.push_back(args[i]);
      break;
    } else if (at.is("--abi")) {
      auto v = at.value("--abi");
      abi = v ? events::parse_abi(*v) : std::nullopt;
      if (!abi) return usage_error(io, self, "--abi needs fluentbit, elastic or weft");
    } else if (at.is("--plugin")) {
      auto v = at.value("--plugin");
      if (!v || v->empty()) return usage_error(io, self, "--plugin needs a .wasm file or a manifest");
      plugin_path = *v;
    } else if (at.is("--function")) {
      auto v = at.value("--function");
      if (!v || v->empty()) return usage_error(io, self, "--function needs an export name");
      options.function = *v;
    } else if (at.is("--format")) {
      auto v = at.value("--format");
      if (v == "json") {
        options.format = events::RecordFormat::json;
      } else if (v == "msgpack") {
        options.format = events::RecordFormat::msgpack;
      } else {
        return usage_error(io, self, "--format needs json or msgpack");
      }
    } else if (at.is("--batch")) {
      auto v = at.value("--batch");
      auto n = v ? parse_u64(*v) : std::nullopt;
      if (!n || *n == 0 || *n > 65536) return usage_error(io, self, "--batch needs a number of events from 1 to 65536");
      batch_size = size_t(*n);
    } else if (at.is("--tag")) {
      auto v = at.value("--tag");
      if (!v) return usage_error(io, self, "--tag needs a tag");
      default_tag = *v;
    } else if (a == "-") {
      inputs.emplace_back(a);
    } else if (a.starts_with("--") || a == "-h") {
      common.emplace_back(a);
    } else {
      inputs.emplace_back(a);
    }
  }
  auto parsed = parse_options(common);
  if (!parsed) return usage_error(io, self, parsed.error().message);
  if (parsed->help) {
    print_command_help(io.out, self);
    return exit_ok;
  }
  if (!abi) return usage_error(io, self, "--abi is required (fluentbit, elastic or weft)");
  if (plugin_path.empty()) return usage_error(io, self, "--plugin is required");
  if (inputs.empty()) inputs.emplace_back("-");

  auto manifest = Manifest::load(plugin_path);
  if (!manifest) {
    print_error(io, plugin_path, manifest.error());
    return manifest.error().kind == ErrorKind::io ? exit_no_input : exit_failure;
  }
  plugin_flags.apply(*manifest);
  options.config = plugin_flags.config;

  Engine engine(parsed->config);
  auto compiled = events::ProcessorPlugin::create(engine, *abi, std::move(*manifest), options);
  if (!compiled) {
    print_error(io, plugin_path, compiled.error());
    return exit_code_for(compiled.error()) == exit_usage ? exit_failure : exit_code_for(compiled.error());
  }
  auto processor = (*compiled)->instantiate();
  if (!processor) {
    print_error(io, plugin_path, processor.error());
    return exit_failure;
  }

  Totals totals;
  auto started = std::chrono::steady_clock::now();
  std::vector<events::Event> batch;
  std::vector<std::string> where;  // "line N" (or "FILE:N") of each event of the batch
  std::string out;
  bool fatal = false;

  auto flush = [&]() {
    if (batch.empty()) return;
    auto outcomes = (*processor)->process(batch);
    out.clear();
    if (!outcomes) {
      // Nothing could run (the plugin cannot be instantiated again): every event of the
      // batch fails with that reason, and processing stops.
      for (const std::string& w : where) io.err << "weft process: " << w << ": " << outcomes.error().message << "\n";
      totals.failed += batch.size();
      fatal = true;
    } else {
      for (size_t i = 0; i < outcomes->size(); ++i) {
        const events::Outcome& o = (*outcomes)[i];
        if (o.error) {
          ++totals.failed;
          io.err << "weft process: " << where[i] << ": " << o.error->message << "\n";
          continue;
        }
        if (o.events.empty()) ++totals.dropped;
        bool bad = false;
        for (const events::Event& e : o.events) {
          auto line = events::format_ndjson_event(e);
          if (!line) {
            io.err << "weft process: " << where[i] << ": output: " << line.error().message << "\n";
            bad = true;
            continue;
          }
          out.append(*line);
          out.push_back('\n');
          ++totals.out;
        }
        if (bad) ++totals.failed;
      }
      io.out.write(out.data(), std::streamsize(out.size()));
    }
    batch.clear();
    where.clear();
  };

  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  events::Timestamp default_time{ns / 1000000000, uint32_t(ns % 1000000000)};

  int status = exit_ok;
  std::string line;
  for (const std::string& input : inputs) {
    std::FILE* f = input == "-" ? stdin : std::fopen(input.c_str(), "rb");
    if (!f) {
      io.err << "weft: " << input << ": cannot open: " << std::strerror(errno) << "\n";
      status = exit_no_input;
      continue;
    }
    LineReader reader(f);
    uint64_t number = 0;
    while (!fatal && reader.next(line)) {
      ++number;
      if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines
      ++totals.in;
      std::string w = input == "-" ? "line " + std::to_string(number) : input + ":" + std::to_string(number);
      auto e = events::parse_ndjson_event(line, default_tag, default_time);
      if (e && options.format == events::RecordFormat::msgpack) {
        auto converted = e->record.to(events::RecordFormat::msgpack);
        if (!converted) {
          e = Failure{std::move(converted).error()};
        } else {
          e->record = std::move(*converted);
        }
      }
      if (!e) {
        ++totals.malformed;
        io.err << "weft process: " << w << ": malformed event: " << e.error().message << "\n";
        continue;
      }
      batch.push_back(std::move(*e));
      where.push_back(std::move(w));
      if (batch.size() >= batch_size) flush();
    }
    if (!fatal) flush();
    if (reader.error) {
      io.err << "weft: " << input << ": read error\n";
      status = exit_no_input;
    }
    if (f != stdin) std::fclose(f);
  }
  io.out.flush();

  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.3f s, %.0f events/s", seconds, seconds > 0 ? double(totals.in) / seconds : 0.0);
  io.err << "weft process: " << totals.in << " events in, " << totals.out << " out, " << totals.dropped
         << " dropped, " << totals.failed << " failed, " << totals.malformed << " malformed (" << rate << ")\n";
  if (fatal) return exit_failure;
  if (status != exit_ok) return status;
  return totals.failed || totals.malformed ? exit_data_error : exit_ok;
}

}  // namespace

const Command& process_command() {
  static const Command command{
      "process", "run an event-processing plugin over NDJSON events",
      "usage: weft process --abi fluentbit|elastic|weft --plugin PLUGIN [options] [FILE...]\n"
      "                    [--function F] [--config K=V] [--format json|msgpack] [--batch N]\n"
      "                    [--tag T] [--timeout MS] [--fuel N] [--max-pages N] [--log-level L]\n"
      "                    [--wasi] [--allow-path [ro:]HOST[:GUEST]]\n"
      "\n"
      "Reads events, one JSON object per line, from the FILEs or standard input:\n"
      "  {\"tag\":\"app\",\"time\":1700000000.5,\"record\":{...},\"metadata\":{\"k\":\"v\"}}\n"
      "(record required; tag defaults to --tag; time, seconds with up to 9 decimals or\n"
      "{\"sec\":N,\"nsec\":N}, defaults to now), runs the plugin (a .wasm or an Extism-style\n"
      "manifest) over them in batches, and writes every output event as a line to standard\n"
      "output. A malformed line or an event the plugin fails on is reported on standard error\n"
      "with its line number, and the other events go on. A summary line ends standard error.\n"
      "  --abi A             fluentbit (Fluent Bit's wasm filter), elastic (Elastic's ingest\n"
      "                      ABI) or weft (weft's events ABI, docs/abi/weft-events.md)\n"
      "  --function F        the export to call (required for fluentbit; default process for\n"
      "                      elastic, weft_process for weft)\n"
      "  --config K=V        configuration for the plugin (weft_init, elastic's register)\n"
      "  --format F          how records reach the plugin: json (default) or msgpack\n"
      "  --batch N           events per batch (default 256)\n"
      "  --timeout MS        per-call timeout; --fuel N an instruction budget per call\n"
      "  --max-pages N       cap of the guest's memory, in 64 KiB pages\n"
      "  --log-level L       the plugin's log lines: trace ... error, or off (default)\n"
      "\n"
      "exit status: 0 every event processed, 65 some events were malformed or failed (the\n"
      "others were written), 1 the plugin cannot be loaded or run, 64 bad command line,\n"
      "66 unreadable file.\n",
      run_process};
  return command;
}

}  // namespace weft::cli
