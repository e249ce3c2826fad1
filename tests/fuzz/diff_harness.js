// The V8 side of the differential test (tests/fuzz/differential, issue #8).
//
//   node tests/fuzz/diff_harness.js FILE.wasm...
//
// Runs each module as binaryen's fuzz-exec (and diff_driver) does: instantiate with the
// `fuzzing-support` logging imports, call every exported function in export order with zero
// arguments, calling `hangLimitInitializer` (when exported) before each call, on one instance.
// Prints the normalized event lines described in diff_driver.cpp. Many modules per process:
// node's start-up costs more than running a generated module.
'use strict';
const fs = require('fs');

// ---- just enough of the binary format to know each exported function's type -------------
function parseSignatures(bytes) {
  let p = 0;
  const u32 = () => {
    let result = 0, shift = 0, b;
    do { b = bytes[p++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return result;
  };
  const name = () => { const n = u32(); const s = Buffer.from(bytes.subarray(p, p + n)).toString('utf8'); p += n; return s; };
  const limits = () => { const flag = bytes[p++]; u32(); if (flag & 1) u32(); };
  const types = [], funcTypes = [], exports = [];
  p = 8;
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = u32();
    const end = p + size;
    if (id === 1) {
      for (let n = u32(); n > 0; n--) {
        p++;  // 0x60
        const params = []; for (let k = u32(); k > 0; k--) params.push(bytes[p++]);
        const results = []; for (let k = u32(); k > 0; k--) results.push(bytes[p++]);
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        name(); name();
        const kind = bytes[p++];
        if (kind === 0) funcTypes.push(types[u32()]);
        else if (kind === 1) { p++; limits(); }
        else if (kind === 2) limits();
        else if (kind === 3) p += 2;
      }
    } else if (id === 3) {
      for (let n = u32(); n > 0; n--) funcTypes.push(types[u32()]);
    } else if (id === 7) {
      for (let n = u32(); n > 0; n--) {
        const nm = name(); const kind = bytes[p++]; const index = u32();
        if (kind === 0) exports.push({ name: nm, type: funcTypes[index] });
      }
    }
    p = end;
  }
  return exports;
}

const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b, FUNCREF = 0x70, EXTERNREF = 0x6f;

// ---- v128 across the JS boundary ----------------------------------------------------------
// V8 throws a TypeError when JS calls a function whose signature has a v128, or when wasm calls
// a JS function that takes one. So every v128 crosses through a small generated wasm module
// instead: wasm-to-wasm calls of a v128 signature are ordinary calls, and the module hands the
// value to JS as its four i32 lanes.

function leb(n) {  // unsigned LEB128
  const out = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return out;
}
const section = (id, body) => [id, ...leb(body.length), ...body];
const vec = (items) => [...leb(items.length), ...items.flat()];
const str = (s) => vec([...Buffer.from(s, 'utf8')].map((b) => [b]));
const funcType = (params, results) => [0x60, ...vec(params.map((t) => [t])), ...vec(results.map((t) => [t]))];

// The bytes of a module that imports a function "m" "f" of type TYPE0 and exports "f", a
// function of type TYPE1 with one local of each type in LOCALS and the instructions CODE.
function helperModule(type0, type1, locals, code) {
  const localDecls = vec(locals.map((t) => [1, t]));
  const body = [...localDecls, ...code, 0x0b];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([type0, type1])),
    ...section(2, vec([[...str('m'), ...str('f'), 0x00, 0x00]])),
    ...section(3, vec([[0x01]])),
    ...section(7, vec([[...str('f'), 0x00, 0x01]])),
    ...section(10, vec([[...leb(body.length), ...body]])),
  ]);
}

const extractLane = (k) => [0xfd, 0x1b, k];  // i32x4.extract_lane k

// log-v128 for the generated module: a wasm function (param v128) that passes the lanes to JS.
function logV128(jsLog) {
  const code = [];
  for (let k = 0; k < 4; k++) code.push(0x20, 0x00, ...extractLane(k));
  code.push(0x10, 0x00);
  const m = helperModule(funcType([I32, I32, I32, I32], []), funcType([V128], []), [], code);
  return new WebAssembly.Instance(new WebAssembly.Module(m), { m: { f: jsLog } }).exports.f;
}

function v128Text(lanes) {
  const b = Buffer.alloc(16);
  lanes.forEach((x, k) => b.writeInt32LE(x | 0, 4 * k));
  return 'v128:' + b.toString('hex');
}

const ZERO_CONST = {
  [I32]: [0x41, 0x00], [I64]: [0x42, 0x00], [F32]: [0x43, 0, 0, 0, 0],
  [F64]: [0x44, 0, 0, 0, 0, 0, 0, 0, 0], [V128]: [0xfd, 0x0c, ...new Array(16).fill(0)],
  [FUNCREF]: [0xd0, 0x70], [EXTERNREF]: [0xd0, 0x6f],
};

// A function of no parameters that calls FN (of TYPE, whose signature has a v128) with zero
// arguments and returns its results with each v128 as four i32 lanes.
function trampoline(fn, type) {
  const mapped = type.results.flatMap((t) => (t === V128 ? [I32, I32, I32, I32] : [t]));
  const code = type.params.flatMap((t) => ZERO_CONST[t]);
  code.push(0x10, 0x00);
  for (let i = type.results.length - 1; i >= 0; i--) code.push(0x21, ...leb(i));
  type.results.forEach((t, i) => {
    if (t !== V128) code.push(0x20, ...leb(i));
    else for (let k = 0; k < 4; k++) code.push(0x20, ...leb(i), ...extractLane(k));
  });
  const m = helperModule(funcType(type.params, type.results), funcType([], mapped), type.results, code);
  const f = new WebAssembly.Instance(new WebAssembly.Module(m), { m: { f: fn } }).exports.f;
  return () => {
    let r = f();
    if (mapped.length === 1) r = [r];
    const out = [];
    let j = 0;
    for (const t of type.results) {
      if (t === V128) { out.push(v128Text(r.slice(j, j + 4))); j += 4; }
      else out.push(fmt(r[j++], t));
    }
    return out;
  };
}

function fmt(v, t) {
  switch (t) {
    case I32: return String(v | 0);
    case I64: return BigInt.asIntN(64, BigInt(v)).toString();
    case F32: case F64:
      if (Number.isNaN(v)) return 'f:nan';
      if (v === Infinity) return 'f:inf';
      if (v === -Infinity) return 'f:-inf';
      if (v === 0 && Object.is(v, -0)) return 'f:-0';
      return 'f:' + String(v);
    case FUNCREF: return v === null ? 'funcref:null' : 'funcref:func';
    case EXTERNREF: return v === null ? 'externref:null' : 'externref:obj';
    default: return 'v128:?';
  }
}

function zero(t) {
  if (t === I64) return 0n;
  if (t === FUNCREF || t === EXTERNREF) return null;
  return 0;
}

// V8's trap messages, as weft's trap names (diff_compare maps both to coarser classes).
function trapKind(e) {
  const m = String(e && e.message);
  if (e instanceof RangeError && /call stack/i.test(m)) return 'call_stack_exhausted';
  if (!(e instanceof WebAssembly.RuntimeError)) return 'host:' + m.replace(/\s+/g, '_');
  if (/unreachable/.test(m)) return 'unreachable';
  if (/memory access out of bounds|data segment/.test(m)) return 'memory_out_of_bounds';
  if (/(divide|remainder) by zero/.test(m)) return 'integer_divide_by_zero';
  if (/divide result unrepresentable/.test(m)) return 'integer_overflow';
  if (/float unrepresentable/.test(m)) return 'float_to_int';
  if (/table index is out of bounds|element segment|table/.test(m)) return 'table_out_of_bounds';
  if (/null function or function signature mismatch/.test(m)) return 'indirect_call';
  if (/null/.test(m)) return 'null_reference';
  return 'other:' + m.replace(/\s+/g, '_');
}

function fnv1a(u8) {
  let h = 2166136261;
  for (let i = 0; i < u8.length; i++) h = Math.imul(h ^ u8[i], 16777619) >>> 0;
  return h >>> 0;
}

function runModule(path) {
  const out = ['module ' + path];
  const bytes = new Uint8Array(fs.readFileSync(path));
  let module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (e) {
    out.push('invalid ' + (e instanceof WebAssembly.CompileError ? 'invalid' : 'other'));
    process.stderr.write(path + ': ' + e.message + '\n');
    out.push('end');
    return out;
  }
  const sigs = parseSignatures(bytes);
  const log = (t) => (x) => { out.push('log ' + fmt(x, t)); };
  const imports = {
    'fuzzing-support': {
      'log-i32': log(I32), 'log-i64': log(I64), 'log-f32': log(F32), 'log-f64': log(F64),
      'log-v128': logV128((a, b, c, d) => { out.push('log ' + v128Text([a, b, c, d])); }),
    },
  };
  let instance;
  try {
    instance = new WebAssembly.Instance(module, imports);
  } catch (e) {
    if (e instanceof WebAssembly.LinkError) out.push('unlinkable');
    else out.push('uninstantiable ' + trapKind(e));
    process.stderr.write(path + ': ' + e.message + '\n');
    out.push('end');
    return out;
  }
  const ex = instance.exports;
  for (const { name, type } of sigs) {
    if (typeof ex.hangLimitInitializer === 'function') {
      try { ex.hangLimitInitializer(); } catch (e) { /* as binaryen: ignored */ }
    }
    out.push('call ' + name);
    try {
      if (type.params.includes(V128) || type.results.includes(V128)) {
        const r = trampoline(ex[name], type)();
        if (r.length) out.push('result ' + r.join(' '));
        continue;
      }
      const r = ex[name](...type.params.map(zero));
      if (type.results.length === 1) out.push('result ' + fmt(r, type.results[0]));
      else if (type.results.length > 1)
        out.push('result ' + type.results.map((t, k) => fmt(r[k], t)).join(' '));
    } catch (e) {
      out.push('trap ' + trapKind(e));
    }
  }
  if (ex.memory instanceof WebAssembly.Memory) {
    const u8 = new Uint8Array(ex.memory.buffer);
    out.push('memhash ' + (u8.length / 65536) + ' ' + fnv1a(u8).toString(16).padStart(8, '0'));
  }
  out.push('end');
  return out;
}

for (const path of process.argv.slice(2)) {
  let lines;
  try {
    lines = runModule(path);
  } catch (e) {
    lines = ['module ' + path, 'harness-error ' + String(e && e.message).replace(/\s+/g, '_'), 'end'];
  }
  process.stdout.write(lines.join('\n') + '\n');
}
