// Runs a plugin function through Extism's reference runtime for node (@extism/extism) and
// prints what happened in the format weft_ref.cpp prints, so that compare.mjs can demand the
// two be equal byte for byte.
//
//   node extism_ref.mjs PLUGIN.wasm FUNC [--input-hex HEX] [--config K=V]... [--calls N]
//        [--allow-host H]... [--wasi] [--http]
//
// Per call:   call N / rc: R / status: ok|guest_error|trap / error: MSG / output: HEX,
// preceded by the call's log lines ("log LEVEL: TEXT"). With --http the plugin runs in a
// worker (the only mode in which @extism/extism 1.0.3 implements http_request); the return
// code is not observable there and prints as "rc: -".
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const [wasmPath, func] = args;
const opts = { inputHex: "", config: {}, calls: 1, allowedHosts: [], wasi: false, http: false };
for (let i = 2; i < args.length; i++) {
  const a = args[i];
  if (a === "--input-hex") opts.inputHex = args[++i];
  else if (a === "--config") {
    const kv = args[++i];
    const eq = kv.indexOf("=");
    opts.config[kv.slice(0, eq)] = kv.slice(eq + 1);
  } else if (a === "--calls") opts.calls = Number(args[++i]);
  else if (a === "--allow-host") opts.allowedHosts.push(args[++i]);
  else if (a === "--wasi") opts.wasi = true;
  else if (a === "--http") opts.http = true;
  else throw new Error(`extism_ref.mjs: unknown argument ${a}`);
}

// @extism/extism discards the export's return value (ForegroundPlugin.callBlock). To report
// it, the instances it creates get exports that record it; the calls themselves are
// unchanged. (Only in this process: a worker instantiates on its own.)
let lastRc = null;
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (module, imports) => {
  const result = await instantiate(module, imports);
  const instance = result instanceof WebAssembly.Instance ? result : result.instance;
  const exports = {};
  for (const [name, value] of Object.entries(instance.exports)) {
    exports[name] =
      typeof value === "function"
        ? (...a) => {
            const rc = value(...a);
            lastRc = rc;
            return rc;
          }
        : value;
  }
  const wrapped = Object.create(WebAssembly.Instance.prototype, { exports: { value: exports } });
  return result instanceof WebAssembly.Instance ? wrapped : { module: result.module, instance: wrapped };
};

const extism = await import(require.resolve("@extism/extism"));
const createPlugin = extism.createPlugin ?? extism.default;

let logs = [];
const logger = {
  trace: (m) => logs.push(`log trace: ${m}`),
  debug: (m) => logs.push(`log debug: ${m}`),
  info: (m) => logs.push(`log info: ${m}`),
  warn: (m) => logs.push(`log warn: ${m}`),
  error: (m) => logs.push(`log error: ${m}`),
  log: (m) => logs.push(`log info: ${m}`),
};

// The host function weft_ref.cpp defines too: "Hello, <argument>, from the host".
const functions = {
  "extism:host/user": {
    hello_world: (plugin, offset) => {
      const arg = plugin.read(offset);
      return plugin.store(`Hello, ${arg === null ? "<null>" : arg.text()}, from the host`);
    },
  },
};

const plugin = await createPlugin(
  { wasm: [{ data: readFileSync(wasmPath) }] },
  {
    useWasi: opts.wasi,
    config: opts.config,
    functions,
    allowedHosts: opts.allowedHosts,
    logger,
    runInWorker: opts.http,
  },
);

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const input = Buffer.from(opts.inputHex, "hex");
let out = "";
for (let n = 1; n <= opts.calls; n++) {
  logs = [];
  lastRc = null;
  let status = "ok";
  let error = "";
  let output = new Uint8Array();
  try {
    const r = await plugin.call(func, new Uint8Array(input));
    if (r !== null) output = new Uint8Array(r.buffer, r.byteOffset, r.byteLength);
  } catch (e) {
    const prefix = "Plugin-originated error: ";
    const msg = String(e?.message ?? e);
    if (msg.startsWith(prefix)) {
      status = "guest_error";
      error = msg.slice(prefix.length);
    } else {
      // A trap's message is the runtime's own (V8's or the SDK's): only the kind compares.
      status = "trap";
    }
  }
  out += `call ${n}\n`;
  for (const l of logs) out += `${l}\n`;
  out += `rc: ${opts.http ? "-" : lastRc === null ? "none" : lastRc}\n`;
  out += `status: ${status}\n`;
  if (error) out += `error: ${error}\n`;
  out += `output: ${hex(output)}\n`;
}
process.stdout.write(out);
await plugin.close();
