// ctest plugin.as_extism_compat: every case runs through weft (weft_ref) and through Extism's
// node runtime (@extism/extism 1.0.3, extism_ref.mjs); their records (per call: log lines,
// return code, status, error message, output bytes) must be equal byte for byte. The HTTP
// cases talk to a server on 127.0.0.1 started here.
//
//   node compare.mjs WEFT_REF PLUGIN_DIR
//
// Where @extism/extism differs from Extism's Rust runtime (the reference for the ABI, which
// weft follows), the case lists both records exactly under `differs`, with the reason: the
// test still fails if either side changes.
import { execFile } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const [weftRef, pluginDir] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const plugin = path.join(pluginDir, "as_plugin.wasm");
const wasiPlugin = path.join(pluginDir, "as_wasi.wasm");
const hex = (s) => Buffer.from(s, "utf8").toString("hex");

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    if (req.url === "/hello" && req.method === "GET") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("hello from the test server");
    } else if (req.url === "/echo" && req.method === "POST") {
      res.writeHead(201, { "content-type": "text/plain" });
      res.end(`POST x-test=${req.headers["x-test"]} body=${body}`);
    } else {
      res.writeHead(404);
      res.end("not found");
    }
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

// A record as both drivers print it, for the `differs` expectations.
const record = (calls) =>
  calls
    .map(({ n = 1, logs = [], rc, status, error, output = "" }) =>
      [`call ${n}`, ...logs, `rc: ${rc}`, `status: ${status}`, ...(error ? [`error: ${error}`] : []),
       `output: ${hex(output)}`].join("\n") + "\n")
    .join("");

const cases = [
  { name: "string in, string out", func: "greet", input: "world" },
  { name: "empty input", func: "greet", input: "" },
  { name: "UTF-8 input", func: "greet", input: "wörld ✓ 世界" },
  { name: "bytes in, bytes out (u64 and u8 loads)", func: "reverse_bytes",
    inputHex: "00ff0180fe7f5a5b0102030405060708090a0b" },
  { name: "count_vowels", func: "count_vowels", input: "Hello, World! AEIOU and more" },
  { name: "config present", func: "config", input: "greeting", args: ["--config", "greeting=hi there"] },
  { name: "config absent", func: "config", input: "missing", args: ["--config", "greeting=hi"] },
  { name: "var counter across calls", func: "count", args: ["--calls", "4"] },
  { name: "var removed", func: "count_reset", args: ["--calls", "2"] },
  { name: "error_set and return 1", func: "fail_with_message", input: "bad input" },
  { name: "error_set and return 0", func: "error_and_zero" },
  { name: "log at each level", func: "log_each_level", input: "x", args: ["--calls", "2"] },
  { name: "a trap", func: "trap_now", args: ["--calls", "2"] },
  { name: "host function (handle in, handle out)", func: "call_host", input: "weft" },
  { name: "HTTP GET", func: "http_get", input: `${base}/hello`, args: ["--http", "--allow-host", "127.0.0.1"] },
  { name: "HTTP POST with a header and a body", func: "http_post", input: `${base}/echo`,
    args: ["--http", "--allow-host", "127.0.0.1"] },
  { name: "HTTP to a host not allowed", func: "http_get", input: `${base}/hello`,
    args: ["--http", "--allow-host", "example.com"] },
  { name: "wasi: true plugin (random_get)", plugin: wasiPlugin, func: "wasi_random", input: "hi",
    args: ["--wasi"] },
  {
    name: "non-zero return code without error_set",
    func: "fail_code",
    differs: {
      why: "@extism/extism 1.0.3 ignores the export's return code (ForegroundPlugin.callBlock); " +
        "Extism's Rust runtime fails the call, as weft does",
      extism: record([{ rc: 3, status: "ok" }]),
      weft: record([{ rc: 3, status: "guest_error", error: "plugin function 'fail_code' returned 3" }]),
    },
  },
  {
    name: "var_set, then the guest frees its key and value blocks",
    func: "var_free_after_set",
    input: "k",
    differs: {
      why: "@extism/extism 1.0.3 keeps the guest's value block as the var (no copy), so freeing it " +
        "loses the var; Extism's Rust runtime (pdk.rs var_set) copies the bytes, as weft does",
      extism: record([{ rc: 0, status: "ok", output: "<lost>" }]),
      weft: record([{ rc: 0, status: "ok", output: "value of k" }]),
    },
  },
];

// Each case is two processes; four cases at a time keep the test within seconds.
async function check(c) {
  const args = [c.plugin ?? plugin, c.func, "--input-hex", c.inputHex ?? hex(c.input ?? ""), ...(c.args ?? [])];
  let weft, extism;
  try {
    [weft, extism] = await Promise.all([
      run(weftRef, args, { timeout: 60000 }),
      run(process.execPath, ["--no-warnings", path.join(here, "extism_ref.mjs"), ...args], { timeout: 60000 }),
    ]);
  } catch (e) {
    return { ok: false, report: `FAIL ${c.name}: a driver failed: ${e.message}\n${e.stderr ?? ""}` };
  }
  const w = weft.stdout;
  const x = extism.stdout;
  const ok = c.differs ? w === c.differs.weft && x === c.differs.extism : w === x;
  if (ok) return { ok, report: `ok   ${c.name}${c.differs ? ` (a known difference: ${c.differs.why})` : ""}` };
  let report = `FAIL ${c.name}\n--- weft:\n${w}${weft.stderr}--- @extism/extism:\n${x}${extism.stderr}`;
  if (c.differs) report += `--- expected weft:\n${c.differs.weft}--- expected @extism/extism:\n${c.differs.extism}`;
  return { ok, report };
}

const results = new Array(cases.length);
let next = 0;
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (next < cases.length) {
      const i = next++;
      results[i] = await check(cases[i]);
    }
  }),
);
let failed = 0;
for (const r of results) {
  console.log(r.report);
  if (!r.ok) failed++;
}
server.close();
console.log(`${cases.length - failed} of ${cases.length} cases agree`);
process.exit(failed ? 1 : 0);
