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

const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, FUNCREF = 0x70, EXTERNREF = 0x6f;

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
    'fuzzing-support': { 'log-i32': log(I32), 'log-i64': log(I64), 'log-f32': log(F32), 'log-f64': log(F64) },
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
