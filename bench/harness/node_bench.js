// weft bench: runs a workload under node's V8. Usage: node node_bench.js FILE.wasm REPS
// Compiles once, then for each repetition instantiates afresh and times run().
// Prints "<result> <milliseconds>" per repetition, in CPU time of the process (user + system,
// all of V8's threads, its background compilers included).
'use strict';
const fs = require('node:fs');

async function main() {
  const [file, repsArg] = process.argv.slice(2);
  const reps = Number(repsArg || 1);
  const module = await WebAssembly.compile(fs.readFileSync(file));
  for (let i = 0; i < reps; ++i) {
    const instance = await WebAssembly.instantiate(module, {});
    const t0 = process.cpuUsage();
    const r = instance.exports.run();
    const used = process.cpuUsage(t0);
    console.log(`${r} ${((used.user + used.system) / 1e3).toFixed(3)}`);
  }
}

main().catch((e) => {
  console.error(`node_bench: ${e.message}`);
  process.exit(1);
});
