// An Extism plugin written with the real @extism/as-pdk (1.0.0), run by weft and by
// @extism/extism (tests/plugin/as/compare.mjs) and compared byte for byte.
//
// as-pdk 1.0.0 has no helper for errors, the log level or HTTP: those functions call the
// extism:host/env imports the PDK declares in lib/env.ts, as a plugin author would.
import { Config, Host, LogLevel, Memory, Var } from "@extism/as-pdk";
import { error_set, http_request, var_set } from "@extism/as-pdk/lib/env";

// The PDK's output helpers take the string's length in UTF-16 units (Host.outputString):
// output UTF-8 through a Memory of the encoded length instead.
function outputUtf8(s: string): void {
  Host.outputMemory(Memory.allocateString(s));
}

function fail(message: string): i32 {
  error_set(Memory.allocateString(message).offset);
  return 1;
}

// input -> output, as a string (UTF-8 in, UTF-8 out).
export function greet(): i32 {
  outputUtf8("Hello, " + Host.inputString() + "!");
  return 0;
}

// input -> output, as bytes: each byte reversed in order and xor'ed with 0x5a.
export function reverse_bytes(): i32 {
  const input = Host.input();
  const out = new Uint8Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[input.length - 1 - i] ^ 0x5a;
  Host.output(out);
  return 0;
}

// count_vowels, as in the PDK's example: JSON with the count.
export function count_vowels(): i32 {
  const s = Host.inputString();
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (c == 0x61 || c == 0x65 || c == 0x69 || c == 0x6f || c == 0x75) count++;
  }
  outputUtf8('{"count":' + count.toString() + ',"length":' + s.length.toString() + "}");
  return 0;
}

// The config value named by the input, or "<unset>".
export function config(): i32 {
  const v = Config.get(Host.inputString());
  outputUtf8(v === null ? "<unset>" : v);
  return 0;
}

// A counter kept in the var "count" (decimal text), incremented per call.
export function count(): i32 {
  const v = Var.getString("count");
  const n = v === null ? 1 : I32.parseInt(v) + 1;
  Var.set("count", Uint8Array.wrap(String.UTF8.encode(n.toString())));
  outputUtf8(n.toString());
  return 0;
}

// Removes the var "count"; outputs whether it was there.
export function count_reset(): i32 {
  const had = Var.get("count") !== null;
  Var.remove("count");
  outputUtf8(had ? "removed" : "absent");
  return 0;
}

// Sets the var named by the input to itself, then frees the key block: the var must keep
// the value (the host copies, it does not keep the guest's block).
export function var_free_after_set(): i32 {
  const key = Host.inputString();
  const k = Memory.allocateString(key);
  const v = Memory.allocateString("value of " + key);
  var_set(k.offset, v.offset);
  k.free();
  v.free();
  const back = Var.getString(key);
  outputUtf8(back === null ? "<lost>" : back);
  return 0;
}

// error_set with the input as the message, returning 1.
export function fail_with_message(): i32 {
  return fail("failed: " + Host.inputString());
}

// A non-zero return code and no error message.
export function fail_code(): i32 {
  return 3;
}

// error_set then return 0: Extism still reports the error.
export function error_and_zero(): i32 {
  outputUtf8("partial output");
  error_set(Memory.allocateString("error with return 0").offset);
  return 0;
}

// Logs one line at each level the PDK offers, then outputs "logged".
export function log_each_level(): i32 {
  const what = Host.inputString();
  Host.log(LogLevel.Debug, "debug: " + what);
  Host.log(LogLevel.Info, "info: " + what);
  Host.log(LogLevel.Warn, "warn: " + what);
  Host.log(LogLevel.Error, "error: " + what);
  outputUtf8("logged");
  return 0;
}

// A host function of extism:host/user: takes a handle, returns a handle.
@external("extism:host/user", "hello_world")
declare function hello_world(offset: u64): u64;

export function call_host(): i32 {
  const arg = Memory.allocateString(Host.inputString());
  const r = hello_world(arg.offset);
  if (r == 0) return fail("hello_world returned 0");
  outputUtf8("host said: " + new Memory(r, lengthOf(r)).toString());
  return 0;
}

@external("extism:host/env", "length")
declare function lengthOf(offset: u64): u64;

// HTTP: the input is a URL; GET it and output the body.
export function http_get(): i32 {
  const req = Memory.allocateString('{"url":"' + Host.inputString() + '","method":"GET"}');
  const res = http_request(req.offset, 0);
  if (res == 0) return fail("http_request returned 0");
  Host.outputMemory(new Memory(res, lengthOf(res)));
  return 0;
}

// HTTP: the input is a URL; POST a fixed body with a header and output the response body.
export function http_post(): i32 {
  const req = Memory.allocateString(
    '{"url":"' + Host.inputString() + '","method":"POST","headers":{"X-Test":"as-pdk"}}',
  );
  const body = Memory.allocateString("posted body from as-pdk");
  const res = http_request(req.offset, body.offset);
  if (res == 0) return fail("http_request returned 0");
  Host.outputMemory(new Memory(res, lengthOf(res)));
  return 0;
}

// A trap (wasm `unreachable`): both runtimes fail the call, and the next one likewise.
export function trap_now(): i32 {
  unreachable();
  return 0;
}
