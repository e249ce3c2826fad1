// Runs a WASI preview 1 command module under node's WASI, with the command line of
// `weft run` (the subset the tests use), as the reference for tests/wasi/compare.sh:
//   node --no-warnings node_wasi_run.js MODULE.wasm [--dir HOST::GUEST] [--env K=V] [--] ARGS...
// Exits with the guest's exit status.
'use strict';
const fs = require('node:fs');
const { WASI } = require('node:wasi');

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
let modulePath = null;
const guestArgs = [];
let i = 0;
for (; i < argv.length; ++i) {
  const a = argv[i];
  if (a === '--') { ++i; break; }
  if (a === '--dir' || a === '--dir-ro') {
    const spec = argv[++i];
    const sep = spec.indexOf('::');
    if (sep < 0) preopens[spec] = spec; else preopens[spec.slice(sep + 2)] = spec.slice(0, sep);
  } else if (a === '--env') {
    const kv = argv[++i];
    const eq = kv.indexOf('=');
    env[kv.slice(0, eq)] = kv.slice(eq + 1);
  } else if (modulePath === null) {
    modulePath = a;
  } else {
    break;
  }
}
for (; i < argv.length; ++i) guestArgs.push(argv[i]);

const wasi = new WASI({ version: 'preview1', args: [modulePath, ...guestArgs], env, preopens,
                        returnOnExit: true });
const wasm = new WebAssembly.Module(fs.readFileSync(modulePath));
const instance = new WebAssembly.Instance(wasm, wasi.getImportObject());
process.exitCode = wasi.start(instance);
