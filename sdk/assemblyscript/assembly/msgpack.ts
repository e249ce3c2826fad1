// msgpack <-> json.Value, for records in weft's msgpack mode (batch flag bit 0): a processor
// edits the same Value tree whichever encoding the host chose. Only what JSON can express is
// accepted (string map keys; no bin or ext values), as weft's own msgpack <-> JSON conversion.
// Format: https://github.com/msgpack/msgpack/blob/master/spec.md

import { ByteWriter, utf8Length } from "./bytes";
import { Kind, Value } from "./json";

/** Why the last `decode` returned null ("" after a success). */
export let lastError: string = "";

// As the JSON parser: refuse nesting that would overflow the stack.
const MAX_DEPTH = 512;

class Reader {
  pos: usize;
  end: usize;
  error: string | null = null;
  constructor(public start: usize, len: usize) {
    this.pos = start;
    this.end = start + len;
  }

  fail(what: string): Value | null {
    if (this.error === null) this.error = what + " at offset " + (this.pos - this.start).toString();
    return null;
  }

  has(n: usize): bool {
    return this.end - this.pos >= n;
  }

  u8(): u32 {
    return <u32>load<u8>(this.pos++);
  }
  // msgpack is big-endian.
  be16(): u32 {
    const v = (<u32>load<u8>(this.pos) << 8) | <u32>load<u8>(this.pos + 1);
    this.pos += 2;
    return v;
  }
  be32(): u32 {
    const v = bswap<u32>(load<u32>(this.pos));
    this.pos += 4;
    return v;
  }
  be64(): u64 {
    const v = bswap<u64>(load<u64>(this.pos));
    this.pos += 8;
    return v;
  }

  str(n: usize): string | null {
    if (!this.has(n)) {
      this.fail("string runs past the end");
      return null;
    }
    const s = String.UTF8.decodeUnsafe(this.pos, n);
    this.pos += n;
    return s;
  }

  value(depth: i32): Value | null {
    if (depth > MAX_DEPTH) return this.fail("nested too deeply");
    if (!this.has(1)) return this.fail("unexpected end");
    const t = this.u8();
    if (t <= 0x7f) return int(<i64>t);
    if (t >= 0xe0) return int(<i64>(<i8>t));
    if ((t & 0xf0) == 0x80) return this.map(t & 0x0f, depth);
    if ((t & 0xf0) == 0x90) return this.array(t & 0x0f, depth);
    if ((t & 0xe0) == 0xa0) return this.string(t & 0x1f);
    // The fixed-size part after the type byte, checked once for every case below.
    let need: usize = 0;
    if (t == 0xcc || t == 0xd0 || t == 0xd9) need = 1;
    else if (t == 0xcd || t == 0xd1 || t == 0xda || t == 0xdc || t == 0xde) need = 2;
    else if (t == 0xca || t == 0xce || t == 0xd2 || t == 0xdb || t == 0xdd || t == 0xdf) need = 4;
    else if (t == 0xcb || t == 0xcf || t == 0xd3) need = 8;
    if (!this.has(need)) return this.fail("unexpected end");
    switch (t) {
      case 0xc0:
        return Value.null();
      case 0xc2:
        return Value.bool(false);
      case 0xc3:
        return Value.bool(true);
      case 0xca:
        return Value.number(<f64>reinterpret<f32>(this.be32()));
      case 0xcb:
        return Value.number(reinterpret<f64>(this.be64()));
      case 0xcc:
        return int(<i64>this.u8());
      case 0xcd:
        return int(<i64>this.be16());
      case 0xce:
        return int(<i64>this.be32());
      case 0xcf: {
        const u = this.be64();
        return Value.numberWithText(<f64>u, u.toString());
      }
      case 0xd0:
        return int(<i64>(<i8>this.u8()));
      case 0xd1:
        return int(<i64>(<i16>this.be16()));
      case 0xd2:
        return int(<i64>(<i32>this.be32()));
      case 0xd3:
        return int(<i64>this.be64());
      case 0xd9:
        return this.string(this.u8());
      case 0xda:
        return this.string(this.be16());
      case 0xdb:
        return this.string(this.be32());
      case 0xdc:
        return this.array(this.be16(), depth);
      case 0xdd:
        return this.array(this.be32(), depth);
      case 0xde:
        return this.map(this.be16(), depth);
      case 0xdf:
        return this.map(this.be32(), depth);
      default:
        --this.pos;
        return this.fail("type 0x" + t.toString(16) + " (bin, ext or unused) has no JSON form");
    }
  }

  string(n: u32): Value | null {
    const s = this.str(<usize>n);
    return s === null ? null : Value.string(s);
  }

  array(n: u32, depth: i32): Value | null {
    const arr = Value.array();
    for (let i: u32 = 0; i < n; ++i) {
      const v = this.value(depth + 1);
      if (v === null) return null;
      arr.push(v);
    }
    return arr;
  }

  map(n: u32, depth: i32): Value | null {
    const obj = Value.object();
    for (let i: u32 = 0; i < n; ++i) {
      const k = this.value(depth + 1);
      if (k === null) return null;
      if (!k.isString) return this.fail("a map key that is not a string");
      const v = this.value(depth + 1);
      if (v === null) return null;
      obj.set(k.asString(), v);
    }
    return obj;
  }
}

function int(v: i64): Value {
  return Value.numberWithText(<f64>v, v.toString());
}

/** Decodes exactly one msgpack value from `len` bytes at `ptr`; null on error (see lastError). */
export function decode(ptr: usize, len: usize): Value | null {
  const r = new Reader(ptr, len);
  let v = r.value(0);
  if (v !== null && r.pos != r.end) v = r.fail("bytes after the value");
  lastError = v === null ? r.error! : "";
  return v;
}

function be16(w: ByteWriter, v: u32): void {
  w.byte(v >> 8);
  w.byte(v & 0xff);
}
function be32(w: ByteWriter, v: u32): void {
  be16(w, v >> 16);
  be16(w, v & 0xffff);
}
function be64(w: ByteWriter, v: u64): void {
  be32(w, <u32>(v >> 32));
  be32(w, <u32>(v & 0xffffffff));
}

function writeInt(w: ByteWriter, v: i64): void {
  if (v >= 0) {
    if (v <= 0x7f) w.byte(<i32>v);
    else if (v <= 0xff) {
      w.byte(0xcc);
      w.byte(<i32>v);
    } else if (v <= 0xffff) {
      w.byte(0xcd);
      be16(w, <u32>v);
    } else if (v <= 0xffffffff) {
      w.byte(0xce);
      be32(w, <u32>v);
    } else {
      w.byte(0xcf);
      be64(w, <u64>v);
    }
  } else if (v >= -32) {
    w.byte(<i32>(v & 0xff));
  } else if (v >= -128) {
    w.byte(0xd0);
    w.byte(<i32>(v & 0xff));
  } else if (v >= -32768) {
    w.byte(0xd1);
    be16(w, <u32>(v & 0xffff));
  } else if (v >= -2147483648) {
    w.byte(0xd2);
    be32(w, <u32>(v & 0xffffffff));
  } else {
    w.byte(0xd3);
    be64(w, <u64>v);
  }
}

/**
 * Whether a JSON number's spelling is an integer whose magnitude fits 64 bits; if so, writes
 * out[0] = 1 when negative (else 0) and out[1] = the magnitude.
 */
function integerOf(text: string, out: StaticArray<u64>): bool {
  const n = text.length;
  let i = 0;
  let negative = false;
  if (n > 0 && text.charCodeAt(0) == 0x2d) {
    negative = true;
    i = 1;
  }
  if (i == n) return false;
  let m: u64 = 0;
  for (; i < n; ++i) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false; // a fraction or an exponent
    const d = <u64>(c - 0x30);
    if (m > (0xffffffffffffffff - d) / 10) return false; // beyond u64
    m = m * 10 + d;
  }
  out[0] = negative ? 1 : 0;
  out[1] = m;
  return true;
}

const intParts = new StaticArray<u64>(2);

function writeNumber(w: ByteWriter, v: Value): void {
  const raw = v.rawNumber;
  const n = v.asNumber();
  let text: string | null = raw;
  if (text === null && n == Math.trunc(n) && Math.abs(n) < 9007199254740992.0) {
    text = (<i64>n).toString();
  }
  if (text !== null && integerOf(text, intParts)) {
    const negative = intParts[0] != 0;
    const m = intParts[1];
    if (!negative) {
      if (m <= <u64>i64.MAX_VALUE) writeInt(w, <i64>m);
      else {
        w.byte(0xcf);
        be64(w, m);
      }
      return;
    }
    if (m <= 0x8000000000000000) {
      writeInt(w, <i64>(0 - m));
      return;
    }
  }
  w.byte(0xcb);
  be64(w, reinterpret<u64>(n));
}

function writeStr(w: ByteWriter, s: string): void {
  const n = <u32>utf8Length(s);
  if (n <= 31) w.byte(0xa0 | n);
  else if (n <= 0xff) {
    w.byte(0xd9);
    w.byte(n);
  } else if (n <= 0xffff) {
    w.byte(0xda);
    be16(w, n);
  } else {
    w.byte(0xdb);
    be32(w, n);
  }
  w.utf8(s);
}

function writeLength(w: ByteWriter, n: u32, fix: u32, t16: u32): void {
  if (n <= 15) w.byte(fix | n);
  else if (n <= 0xffff) {
    w.byte(t16);
    be16(w, n);
  } else {
    w.byte(t16 + 1);
    be32(w, n);
  }
}

/**
 * Appends `v` as msgpack: integers (by their JSON spelling) in the smallest int form, other
 * numbers as float64, strings as UTF-8 str.
 */
export function encode(w: ByteWriter, v: Value): void {
  switch (v.kind) {
    case Kind.Null:
      w.byte(0xc0);
      break;
    case Kind.Bool:
      w.byte(v.asBool() ? 0xc3 : 0xc2);
      break;
    case Kind.Number:
      writeNumber(w, v);
      break;
    case Kind.String:
      writeStr(w, v.asString());
      break;
    case Kind.Array: {
      const n = v.length;
      writeLength(w, <u32>n, 0x90, 0xdc);
      for (let i = 0; i < n; ++i) encode(w, v.at(i)!);
      break;
    }
    case Kind.Object: {
      const n = v.length;
      writeLength(w, <u32>n, 0x80, 0xde);
      for (let i = 0; i < n; ++i) {
        writeStr(w, v.keyAt(i));
        encode(w, v.at(i)!);
      }
      break;
    }
  }
}
