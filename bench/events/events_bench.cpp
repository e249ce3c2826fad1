// Events per second through each event ABI: the same batches of a typical log event through
// a pass-through plugin (what the ABI itself costs) and through the redact example in C (a
// processor that parses and rewrites the record). items_per_second is events per second.
//
//   build/release/bench/events/weft_events_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>

#include "weft/events.hpp"

namespace {

using namespace weft;
using namespace weft::events;

const char* k_record =
    R"({"log":"INFO web: user logged in from 10.0.0.1","user":"alice","password":"hunter2",)"
    R"("level":"info","request_id":"6f1c2e9a","bytes":1234,"path":"/api/v1/login"})";

std::vector<Event> make_batch(size_t n) {
  std::vector<Event> v(n);
  for (size_t i = 0; i < n; ++i) {
    v[i].tag = "app.web";
    v[i].time = {1700000000 + int64_t(i), 500};
    v[i].record = *Record::from_json(k_record);
  }
  return v;
}

void run(benchmark::State& state, Abi abi, const std::string& wasm, const char* function) {
  if (!std::filesystem::exists(wasm)) {
    state.SkipWithError(("not built: " + wasm).c_str());
    return;
  }
  auto manifest = Manifest::load(wasm);
  ProcessorOptions options;
  if (function) options.function = function;
  Engine engine;
  auto compiled = ProcessorPlugin::create(engine, abi, std::move(*manifest), options);
  if (!compiled) {
    state.SkipWithError(compiled.error().message.c_str());
    return;
  }
  auto processor = (*compiled)->instantiate();
  if (!processor) {
    state.SkipWithError(processor.error().message.c_str());
    return;
  }
  auto batch = make_batch(size_t(state.range(0)));
  size_t outputs = 0;
  for (auto _ : state) {
    auto r = (*processor)->process(batch);
    if (!r) {
      state.SkipWithError(r.error().message.c_str());
      return;
    }
    for (const Outcome& o : *r) {
      if (o.error) {
        state.SkipWithError(o.error->message.c_str());
        return;
      }
      outputs += o.events.size();
    }
    benchmark::DoNotOptimize(r);
  }
  if (outputs != size_t(state.iterations()) * batch.size()) state.SkipWithError("an event did not come out");
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(batch.size()));
}

std::string guest(const char* name) { return std::string(BENCH_GUESTS) + "/" + name; }
std::string example(const char* abi) { return std::string(EXAMPLES_OUT) + "/" + abi + "/c/redact.wasm"; }

void passthrough_weft(benchmark::State& s) { run(s, Abi::weft, guest("passthrough_weft.wasm"), nullptr); }
void passthrough_elastic(benchmark::State& s) { run(s, Abi::elastic, guest("passthrough_elastic.wasm"), nullptr); }
void passthrough_fluentbit(benchmark::State& s) {
  run(s, Abi::fluentbit, guest("passthrough_fluentbit.wasm"), "filter");
}
void redact_weft(benchmark::State& s) { run(s, Abi::weft, example("weft"), nullptr); }
void redact_elastic(benchmark::State& s) { run(s, Abi::elastic, example("elastic"), nullptr); }
void redact_fluentbit(benchmark::State& s) { run(s, Abi::fluentbit, example("fluentbit"), "filter"); }

}  // namespace

BENCHMARK(passthrough_weft)->Arg(1)->Arg(256);
BENCHMARK(passthrough_elastic)->Arg(1)->Arg(256);
BENCHMARK(passthrough_fluentbit)->Arg(1)->Arg(256);
BENCHMARK(redact_weft)->Arg(256);
BENCHMARK(redact_elastic)->Arg(256);
BENCHMARK(redact_fluentbit)->Arg(256);

BENCHMARK_MAIN();
