// A minimal JSON module (RFC 8259) for processors that edit records: parse text into a small
// tree of Values whose objects keep their keys in order, change it, and serialize it back with
// correct escaping. Numbers keep the spelling they were parsed with, so an integer beyond 2^53
// passes through a parse/serialize round trip unchanged.

import { ByteWriter } from "./bytes";

/** The kind of a JSON value. */
export enum Kind {
  Null,
  Bool,
  Number,
  String,
  Array,
  Object,
}

/** One JSON value. Use the static constructors and the `is*`/`as*` accessors. */
export class Value {
  kind: Kind;
  private b: bool = false;
  private n: f64 = 0;
  /** A number's text as parsed (null for numbers made with Value.number). */
  private numberText: string | null = null;
  private s: string = "";
  private items: Array<Value> | null = null;
  private keys: Array<string> | null = null;

  private constructor(kind: Kind) {
    this.kind = kind;
  }

  static null(): Value {
    return new Value(Kind.Null);
  }
  static bool(b: bool): Value {
    const v = new Value(Kind.Bool);
    v.b = b;
    return v;
  }
  /** A number. NaN and infinities are not JSON: they serialize as `null`. */
  static number(n: f64): Value {
    const v = new Value(Kind.Number);
    v.n = n;
    return v;
  }
  /** A number kept as its JSON spelling (`text` must be a valid JSON number). */
  static numberWithText(n: f64, text: string): Value {
    const v = new Value(Kind.Number);
    v.n = n;
    v.numberText = text;
    return v;
  }
  static string(s: string): Value {
    const v = new Value(Kind.String);
    v.s = s;
    return v;
  }
  static array(): Value {
    const v = new Value(Kind.Array);
    v.items = new Array<Value>();
    return v;
  }
  static object(): Value {
    const v = new Value(Kind.Object);
    v.items = new Array<Value>();
    v.keys = new Array<string>();
    return v;
  }

  get isNull(): bool {
    return this.kind == Kind.Null;
  }
  get isBool(): bool {
    return this.kind == Kind.Bool;
  }
  get isNumber(): bool {
    return this.kind == Kind.Number;
  }
  get isString(): bool {
    return this.kind == Kind.String;
  }
  get isArray(): bool {
    return this.kind == Kind.Array;
  }
  get isObject(): bool {
    return this.kind == Kind.Object;
  }

  /** The boolean (false for other kinds). */
  asBool(): bool {
    return this.b;
  }
  /** The number (0 for other kinds). */
  asNumber(): f64 {
    return this.n;
  }
  /** The string ("" for other kinds). */
  asString(): string {
    return this.s;
  }

  /** Elements of an array, or members' values of an object, in order (0 for other kinds). */
  get length(): i32 {
    const items = this.items;
    return items ? items.length : 0;
  }

  /** Element `i` of an array (or the `i`-th member's value of an object); null if out of range. */
  at(i: i32): Value | null {
    const items = this.items;
    if (!items || i < 0 || i >= items.length) return null;
    return unchecked(items[i]);
  }

  /** Appends to an array (does nothing for other kinds). */
  push(v: Value): void {
    if (this.kind != Kind.Array) return;
    this.items!.push(v);
  }

  /** The `i`-th member's key of an object ("" if out of range or not an object). */
  keyAt(i: i32): string {
    const keys = this.keys;
    if (!keys || i < 0 || i >= keys.length) return "";
    return unchecked(keys[i]);
  }

  /** The index of member `key` of an object, or -1. */
  indexOf(key: string): i32 {
    const keys = this.keys;
    if (!keys) return -1;
    for (let i = 0, n = keys.length; i < n; ++i) {
      if (unchecked(keys[i]) == key) return i;
    }
    return -1;
  }

  /** Member `key` of an object; null if absent or not an object. */
  get(key: string): Value | null {
    const i = this.indexOf(key);
    return i < 0 ? null : unchecked(this.items![i]);
  }

  /** Whether an object has member `key`. */
  has(key: string): bool {
    return this.indexOf(key) >= 0;
  }

  /**
   * Sets member `key` of an object: replaces the value in place (the key keeps its position) or
   * appends a new member. Does nothing for other kinds.
   */
  set(key: string, v: Value): void {
    if (this.kind != Kind.Object) return;
    const i = this.indexOf(key);
    if (i >= 0) unchecked((this.items![i] = v));
    else {
      this.keys!.push(key);
      this.items!.push(v);
    }
  }

  /** Removes member `key` of an object; returns whether it was there. */
  remove(key: string): bool {
    const i = this.indexOf(key);
    if (i < 0) return false;
    this.keys!.splice(i, 1);
    this.items!.splice(i, 1);
    return true;
  }

  /** Serializes as compact JSON text (UTF-8 characters kept as they are). */
  toString(): string {
    const w = new ByteWriter();
    writeValue(w, this, false);
    const s = w.toString();
    w.release();
    return s;
  }

  /** Appends the compact JSON text of this value to `w` as UTF-8. */
  writeTo(w: ByteWriter, asciiOnly: bool = false): void {
    writeValue(w, this, asciiOnly);
  }

  /** Internal: the parsed spelling of a number, if any. */
  get rawNumber(): string | null {
    return this.numberText;
  }
}

/** Why the last `parse` returned null ("" after a successful parse). */
export let lastError: string = "";

/** Parses one JSON value (surrounding whitespace allowed); null on error, see `lastError`. */
export function parse(text: string): Value | null {
  const p = new Parser(text);
  const v = p.value(0);
  if (v !== null) {
    p.skipSpace();
    if (p.pos < text.length) return p.error("unexpected text after the value");
  }
  if (v !== null) lastError = "";
  return v;
}

/** Parses UTF-8 text in memory (e.g. a record in the batch buffer); null on error. */
export function parseUtf8(ptr: usize, len: usize): Value | null {
  return parse(String.UTF8.decodeUnsafe(ptr, len));
}

/** Serializes `v`; with `asciiOnly`, characters beyond ASCII are written as \u escapes. */
export function stringify(v: Value, asciiOnly: bool = false): string {
  const w = new ByteWriter();
  writeValue(w, v, asciiOnly);
  const s = w.toString();
  w.release();
  return s;
}

/** The JSON string literal for `s`, quotes included. */
export function quote(s: string, asciiOnly: bool = false): string {
  const w = new ByteWriter();
  writeString(w, s, asciiOnly);
  const out = w.toString();
  w.release();
  return out;
}

/** Where a top-level member's value lies in JSON text (UTF-16 offsets), from `findField`. */
export class FieldSpan {
  constructor(
    /** The value's first character. */
    public start: i32,
    /** One past its last character. */
    public end: i32,
    /** How many members have the key (more than 1: a duplicate key; the span is the last). */
    public count: i32,
  ) {}
}

/**
 * Finds top-level member `key` of the JSON object `text` without building a tree (no
 * allocation but the result): the span of its value, to read with `text.substring(start, end)`
 * or to splice a new value in. Null when the member is absent (lastError "") or the text is not
 * a valid JSON object (lastError says why). The whole text is checked.
 */
export function findField(text: string, key: string): FieldSpan | null {
  const p = new Parser(text);
  p.skipSpace();
  if (p.pos >= text.length || text.charCodeAt(p.pos) != 0x7b) {
    p.error("expected an object");
    return null;
  }
  ++p.pos;
  let found: FieldSpan | null = null;
  p.skipSpace();
  if (p.pos < text.length && text.charCodeAt(p.pos) == 0x7d) {
    ++p.pos;
  } else {
    while (true) {
      p.skipSpace();
      if (p.pos >= text.length || text.charCodeAt(p.pos) != 0x22) {
        p.error("expected a string key");
        return null;
      }
      const match = p.matchKey(key);
      if (match < 0) return null;
      p.skipSpace();
      if (p.pos >= text.length || text.charCodeAt(p.pos) != 0x3a) {
        p.error("expected ':'");
        return null;
      }
      ++p.pos;
      p.skipSpace();
      const start = p.pos;
      if (!p.skipValue(1)) return null;
      if (match > 0) found = new FieldSpan(start, p.pos, found !== null ? found.count + 1 : 1);
      p.skipSpace();
      if (p.pos >= text.length) {
        p.error("unterminated object");
        return null;
      }
      const c = text.charCodeAt(p.pos++);
      if (c == 0x7d) break;
      if (c != 0x2c) {
        --p.pos;
        p.error("expected ',' or '}'");
        return null;
      }
    }
  }
  p.skipSpace();
  if (p.pos < text.length) {
    p.error("unexpected text after the value");
    return null;
  }
  lastError = "";
  return found;
}

/**
 * `findField` over UTF-8 text in memory (such as a record in the weft batch buffer), without
 * decoding it into a string: the span is in byte offsets from `ptr`. The cheapest way to read
 * or replace one field of a record.
 */
export function findFieldUtf8(ptr: usize, len: usize, key: string): FieldSpan | null {
  const keyBytes = String.UTF8.encode(key);
  const s = new ByteScanner(ptr, len, changetype<usize>(keyBytes), <usize>keyBytes.byteLength);
  s.skipSpace();
  if (s.pos >= s.end || load<u8>(s.pos) != 0x7b) return s.error("expected an object");
  ++s.pos;
  let found: FieldSpan | null = null;
  s.skipSpace();
  if (s.pos < s.end && load<u8>(s.pos) == 0x7d) {
    ++s.pos;
  } else {
    while (true) {
      s.skipSpace();
      if (s.pos >= s.end || load<u8>(s.pos) != 0x22) return s.error("expected a string key");
      const match = s.matchKey(key);
      if (match < 0) return null;
      s.skipSpace();
      if (s.pos >= s.end || load<u8>(s.pos) != 0x3a) return s.error("expected ':'");
      ++s.pos;
      s.skipSpace();
      const start = <i32>(s.pos - ptr);
      if (!s.skipValue(1)) return null;
      if (match > 0) {
        found = new FieldSpan(start, <i32>(s.pos - ptr), found !== null ? found.count + 1 : 1);
      }
      s.skipSpace();
      if (s.pos >= s.end) return s.error("unterminated object");
      const c = load<u8>(s.pos++);
      if (c == 0x7d) break;
      if (c != 0x2c) {
        --s.pos;
        return s.error("expected ',' or '}'");
      }
    }
  }
  s.skipSpace();
  if (s.pos < s.end) return s.error("unexpected text after the value");
  lastError = "";
  return found;
}

/** The checks of Parser's skip functions, over UTF-8 bytes in memory (JSON's syntax is ASCII). */
class ByteScanner {
  pos: usize;
  end: usize;
  constructor(public start: usize, len: usize, public keyPtr: usize, public keyLen: usize) {
    this.pos = start;
    this.end = start + len;
  }

  error(what: string): FieldSpan | null {
    lastError = what + " at offset " + (this.pos - this.start).toString();
    return null;
  }

  skipSpace(): void {
    while (this.pos < this.end) {
      const c = load<u8>(this.pos);
      if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
      ++this.pos;
    }
  }

  /** Moves over the key literal at `pos`: 1 if it equals the key, 0 if not, -1 if invalid. */
  matchKey(key: string): i32 {
    const begin = this.pos;
    let i = begin + 1;
    let same = true;
    while (i < this.end) {
      const c = load<u8>(i);
      if (c == 0x22) {
        this.pos = i + 1;
        return same && i - begin - 1 == this.keyLen ? 1 : 0;
      }
      if (c == 0x5c || c < 0x20) break;
      const k = i - begin - 1;
      if (same && (k >= this.keyLen || load<u8>(this.keyPtr + k) != c)) same = false;
      ++i;
    }
    // Escapes: check the literal, then decode it to compare.
    if (!this.skipString()) return -1;
    const literal = String.UTF8.decodeUnsafe(begin, this.pos - begin);
    const decoded = new Parser(literal).string();
    return decoded !== null && decoded == key ? 1 : 0;
  }

  digits(): usize {
    const from = this.pos;
    while (this.pos < this.end) {
      const c = load<u8>(this.pos);
      if (c < 0x30 || c > 0x39) break;
      ++this.pos;
    }
    return this.pos - from;
  }

  scanNumber(): bool {
    if (load<u8>(this.pos) == 0x2d) ++this.pos;
    if (this.pos < this.end && load<u8>(this.pos) == 0x30) ++this.pos;
    else if (this.digits() == 0) return this.fail("expected a digit");
    if (this.pos < this.end && load<u8>(this.pos) == 0x2e) {
      ++this.pos;
      if (this.digits() == 0) return this.fail("expected a digit after '.'");
    }
    if (this.pos < this.end && (load<u8>(this.pos) | 0x20) == 0x65) {
      ++this.pos;
      if (this.pos < this.end) {
        const c = load<u8>(this.pos);
        if (c == 0x2b || c == 0x2d) ++this.pos;
      }
      if (this.digits() == 0) return this.fail("expected a digit in the exponent");
    }
    return true;
  }

  fail(what: string): bool {
    this.error(what);
    return false;
  }

  isHex(c: u32): bool {
    return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
  }

  skipString(): bool {
    ++this.pos;
    while (this.pos < this.end) {
      const c = load<u8>(this.pos);
      if (c == 0x22) {
        ++this.pos;
        return true;
      }
      if (c < 0x20) return this.fail("control character in string");
      if (c == 0x5c) {
        ++this.pos;
        if (this.pos >= this.end) break;
        const e = load<u8>(this.pos++);
        if (e == 0x75) {
          if (this.end - this.pos < 4) return this.fail("bad \\u escape");
          for (let i = 0; i < 4; ++i) {
            if (!this.isHex(load<u8>(this.pos + i))) return this.fail("bad \\u escape");
          }
          this.pos += 4;
        } else if (
          e != 0x22 && e != 0x5c && e != 0x2f && e != 0x62 && e != 0x66 && e != 0x6e && e != 0x72 &&
          e != 0x74
        ) {
          --this.pos;
          return this.fail("bad escape");
        }
        continue;
      }
      ++this.pos;
    }
    return this.fail("unterminated string");
  }

  literal(word: string): bool {
    const n = <usize>word.length;
    if (this.end - this.pos < n) return false;
    for (let i: usize = 0; i < n; ++i) {
      if (<i32>load<u8>(this.pos + i) != word.charCodeAt(<i32>i)) return false;
    }
    this.pos += n;
    return true;
  }

  skipValue(depth: i32): bool {
    if (depth > MAX_DEPTH) return this.fail("nested too deeply");
    this.skipSpace();
    if (this.pos >= this.end) return this.fail("unexpected end of text");
    const c = load<u8>(this.pos);
    if (c == 0x22) return this.skipString();
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.scanNumber();
    if (c == 0x7b || c == 0x5b) {
      const close: u8 = c == 0x7b ? 0x7d : 0x5d;
      ++this.pos;
      this.skipSpace();
      if (this.pos < this.end && load<u8>(this.pos) == close) {
        ++this.pos;
        return true;
      }
      while (true) {
        if (c == 0x7b) {
          this.skipSpace();
          if (this.pos >= this.end || load<u8>(this.pos) != 0x22) {
            return this.fail("expected a string key");
          }
          if (!this.skipString()) return false;
          this.skipSpace();
          if (this.pos >= this.end || load<u8>(this.pos) != 0x3a) return this.fail("expected ':'");
          ++this.pos;
        }
        if (!this.skipValue(depth + 1)) return false;
        this.skipSpace();
        if (this.pos >= this.end) {
          return this.fail(c == 0x7b ? "unterminated object" : "unterminated array");
        }
        const d = load<u8>(this.pos++);
        if (d == close) return true;
        if (d != 0x2c) {
          --this.pos;
          return this.fail(c == 0x7b ? "expected ',' or '}'" : "expected ',' or ']'");
        }
      }
    }
    if (this.literal("true") || this.literal("false") || this.literal("null")) return true;
    return this.fail("unexpected character");
  }
}

// Deep documents would overflow the wasm stack in this recursive parser; refuse them instead.
const MAX_DEPTH = 512;

class Parser {
  pos: i32 = 0;
  constructor(public text: string) {}

  error(what: string): Value | null {
    lastError = what + " at offset " + this.pos.toString();
    return null;
  }

  skipSpace(): void {
    const t = this.text;
    const n = t.length;
    while (this.pos < n) {
      const c = t.charCodeAt(this.pos);
      if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
      ++this.pos;
    }
  }

  value(depth: i32): Value | null {
    if (depth > MAX_DEPTH) return this.error("nested too deeply");
    this.skipSpace();
    const t = this.text;
    if (this.pos >= t.length) return this.error("unexpected end of text");
    const c = t.charCodeAt(this.pos);
    if (c == 0x7b /* { */) return this.object(depth);
    if (c == 0x5b /* [ */) return this.array(depth);
    if (c == 0x22 /* " */) {
      const s = this.string();
      return s === null ? null : Value.string(s);
    }
    if (c == 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.literal("true")) return Value.bool(true);
    if (this.literal("false")) return Value.bool(false);
    if (this.literal("null")) return Value.null();
    return this.error("unexpected character");
  }

  literal(word: string): bool {
    const n = word.length;
    if (this.pos + n > this.text.length) return false;
    for (let i = 0; i < n; ++i) {
      if (this.text.charCodeAt(this.pos + i) != word.charCodeAt(i)) return false;
    }
    this.pos += n;
    return true;
  }

  object(depth: i32): Value | null {
    const t = this.text;
    const obj = Value.object();
    ++this.pos; // {
    this.skipSpace();
    if (this.pos < t.length && t.charCodeAt(this.pos) == 0x7d) {
      ++this.pos;
      return obj;
    }
    while (true) {
      this.skipSpace();
      if (this.pos >= t.length || t.charCodeAt(this.pos) != 0x22) {
        return this.error("expected a string key");
      }
      const key = this.string();
      if (key === null) return null;
      this.skipSpace();
      if (this.pos >= t.length || t.charCodeAt(this.pos) != 0x3a) return this.error("expected ':'");
      ++this.pos;
      const v = this.value(depth + 1);
      if (v === null) return null;
      // A duplicate key keeps its first position and the last value, as most parsers do.
      obj.set(key, v);
      this.skipSpace();
      if (this.pos >= t.length) return this.error("unterminated object");
      const c = t.charCodeAt(this.pos++);
      if (c == 0x7d) return obj;
      if (c != 0x2c) {
        --this.pos;
        return this.error("expected ',' or '}'");
      }
    }
    return null; // unreachable, for the type checker
  }

  array(depth: i32): Value | null {
    const t = this.text;
    const arr = Value.array();
    ++this.pos; // [
    this.skipSpace();
    if (this.pos < t.length && t.charCodeAt(this.pos) == 0x5d) {
      ++this.pos;
      return arr;
    }
    while (true) {
      const v = this.value(depth + 1);
      if (v === null) return null;
      arr.push(v);
      this.skipSpace();
      if (this.pos >= t.length) return this.error("unterminated array");
      const c = t.charCodeAt(this.pos++);
      if (c == 0x5d) return arr;
      if (c != 0x2c) {
        --this.pos;
        return this.error("expected ',' or ']'");
      }
    }
    return null;
  }

  digits(): i32 {
    const t = this.text;
    const start = this.pos;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c < 0x30 || c > 0x39) break;
      ++this.pos;
    }
    return this.pos - start;
  }

  /** Moves over a number's text; false (with the error set) if it is not a valid number. */
  scanNumber(): bool {
    const t = this.text;
    if (t.charCodeAt(this.pos) == 0x2d) ++this.pos;
    if (this.pos < t.length && t.charCodeAt(this.pos) == 0x30) {
      ++this.pos; // a leading zero stands alone
    } else if (this.digits() == 0) {
      this.error("expected a digit");
      return false;
    }
    if (this.pos < t.length && t.charCodeAt(this.pos) == 0x2e) {
      ++this.pos;
      if (this.digits() == 0) {
        this.error("expected a digit after '.'");
        return false;
      }
    }
    if (this.pos < t.length && (t.charCodeAt(this.pos) | 0x20) == 0x65) {
      ++this.pos;
      if (this.pos < t.length) {
        const c = t.charCodeAt(this.pos);
        if (c == 0x2b || c == 0x2d) ++this.pos;
      }
      if (this.digits() == 0) {
        this.error("expected a digit in the exponent");
        return false;
      }
    }
    return true;
  }

  number(): Value | null {
    const start = this.pos;
    if (!this.scanNumber()) return null;
    const text = this.text.substring(start, this.pos);
    return Value.numberWithText(parseFloat(text), text);
  }

  /**
   * Moves over the string literal at `pos` (on its opening quote) and says whether it equals
   * `key`: 1 yes, 0 no, -1 invalid (error set). Compares in place unless the literal has
   * escapes.
   */
  matchKey(key: string): i32 {
    const t = this.text;
    const n = t.length;
    const start = this.pos + 1;
    let i = start;
    let same = true;
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c == 0x22) {
        this.pos = i + 1;
        return same && i - start == key.length ? 1 : 0;
      }
      if (c == 0x5c || c < 0x20) break;
      const k = i - start;
      if (same && (k >= key.length || key.charCodeAt(k) != c)) same = false;
      ++i;
    }
    const decoded = this.string();
    if (decoded === null) return -1;
    return decoded == key ? 1 : 0;
  }

  /** Moves over the string literal at `pos` without decoding it; false if it is invalid. */
  skipString(): bool {
    const t = this.text;
    const n = t.length;
    ++this.pos;
    while (this.pos < n) {
      const c = t.charCodeAt(this.pos);
      if (c == 0x22) {
        ++this.pos;
        return true;
      }
      if (c < 0x20) {
        this.error("control character in string");
        return false;
      }
      if (c == 0x5c) {
        ++this.pos;
        if (this.pos >= n) break;
        const e = t.charCodeAt(this.pos++);
        if (e == 0x75) {
          if (this.hex4() < 0) {
            this.error("bad \\u escape");
            return false;
          }
        } else if (
          e != 0x22 && e != 0x5c && e != 0x2f && e != 0x62 && e != 0x66 && e != 0x6e && e != 0x72 &&
          e != 0x74
        ) {
          --this.pos;
          this.error("bad escape");
          return false;
        }
        continue;
      }
      ++this.pos;
    }
    this.error("unterminated string");
    return false;
  }

  /** Moves over one value (checking it) without building it. */
  skipValue(depth: i32): bool {
    if (depth > MAX_DEPTH) {
      this.error("nested too deeply");
      return false;
    }
    this.skipSpace();
    const t = this.text;
    if (this.pos >= t.length) {
      this.error("unexpected end of text");
      return false;
    }
    const c = t.charCodeAt(this.pos);
    if (c == 0x22) return this.skipString();
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.scanNumber();
    if (c == 0x7b || c == 0x5b) {
      const close = c == 0x7b ? 0x7d : 0x5d;
      ++this.pos;
      this.skipSpace();
      if (this.pos < t.length && t.charCodeAt(this.pos) == close) {
        ++this.pos;
        return true;
      }
      while (true) {
        if (c == 0x7b) {
          this.skipSpace();
          if (this.pos >= t.length || t.charCodeAt(this.pos) != 0x22) {
            this.error("expected a string key");
            return false;
          }
          if (!this.skipString()) return false;
          this.skipSpace();
          if (this.pos >= t.length || t.charCodeAt(this.pos) != 0x3a) {
            this.error("expected ':'");
            return false;
          }
          ++this.pos;
        }
        if (!this.skipValue(depth + 1)) return false;
        this.skipSpace();
        if (this.pos >= t.length) {
          this.error("unterminated " + (c == 0x7b ? "object" : "array"));
          return false;
        }
        const d = t.charCodeAt(this.pos++);
        if (d == close) return true;
        if (d != 0x2c) {
          --this.pos;
          this.error(c == 0x7b ? "expected ',' or '}'" : "expected ',' or ']'");
          return false;
        }
      }
    }
    if (this.literal("true") || this.literal("false") || this.literal("null")) return true;
    this.error("unexpected character");
    return false;
  }

  hex4(): i32 {
    const t = this.text;
    if (this.pos + 4 > t.length) return -1;
    let v = 0;
    for (let i = 0; i < 4; ++i) {
      const c = t.charCodeAt(this.pos + i);
      let d: i32;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x61 + 10;
      else return -1;
      v = (v << 4) | d;
    }
    this.pos += 4;
    return v;
  }

  /** A string literal at `pos` (on its opening quote); null on error. */
  string(): string | null {
    const t = this.text;
    const n = t.length;
    ++this.pos; // opening quote
    // Fast path: no escapes, one substring.
    let start = this.pos;
    let i = start;
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c == 0x22) {
        this.pos = i + 1;
        return t.substring(start, i);
      }
      if (c == 0x5c || c < 0x20) break;
      ++i;
    }
    // Slow path: collect UTF-16 code units (escapes may produce surrogate pairs directly).
    const parts = new Array<string>();
    this.pos = i;
    parts.push(t.substring(start, i));
    while (true) {
      if (this.pos >= n) {
        this.error("unterminated string");
        return null;
      }
      const c = t.charCodeAt(this.pos);
      if (c == 0x22) {
        ++this.pos;
        return parts.join("");
      }
      if (c < 0x20) {
        this.error("control character in string");
        return null;
      }
      if (c != 0x5c) {
        start = this.pos;
        while (this.pos < n) {
          const d = t.charCodeAt(this.pos);
          if (d == 0x22 || d == 0x5c || d < 0x20) break;
          ++this.pos;
        }
        parts.push(t.substring(start, this.pos));
        continue;
      }
      ++this.pos; // backslash
      if (this.pos >= n) {
        this.error("unterminated escape");
        return null;
      }
      const e = t.charCodeAt(this.pos++);
      if (e == 0x22) parts.push("\"");
      else if (e == 0x5c) parts.push("\\");
      else if (e == 0x2f) parts.push("/");
      else if (e == 0x62) parts.push("\b");
      else if (e == 0x66) parts.push("\f");
      else if (e == 0x6e) parts.push("\n");
      else if (e == 0x72) parts.push("\r");
      else if (e == 0x74) parts.push("\t");
      else if (e == 0x75) {
        // \uXXXX is one UTF-16 code unit: a pair of escapes makes a surrogate pair as it is.
        // A lone surrogate is kept (JSON allows it); serialization turns it into an escape.
        const u = this.hex4();
        if (u < 0) {
          this.error("bad \\u escape");
          return null;
        }
        parts.push(String.fromCharCode(u));
      } else {
        --this.pos;
        this.error("bad escape");
        return null;
      }
    }
    return null;
  }
}

const HEX = "0123456789abcdef";

function writeEscapeU(w: ByteWriter, c: u32): void {
  w.byte(0x5c);
  w.byte(0x75);
  w.byte(HEX.charCodeAt((c >> 12) & 15));
  w.byte(HEX.charCodeAt((c >> 8) & 15));
  w.byte(HEX.charCodeAt((c >> 4) & 15));
  w.byte(HEX.charCodeAt(c & 15));
}

/**
 * Appends `s` as a JSON string literal. Quotes, backslashes and control characters are escaped;
 * a valid surrogate pair is written as one UTF-8 character (or as two \u escapes with
 * `asciiOnly`); a lone surrogate, which UTF-8 cannot carry, is always written as a \u escape.
 */
export function writeString(w: ByteWriter, s: string, asciiOnly: bool = false): void {
  w.byte(0x22);
  const n = s.length;
  for (let i = 0; i < n; ++i) {
    const c = <u32>s.charCodeAt(i);
    if (c >= 0x20 && c < 0x80 && c != 0x22 && c != 0x5c) {
      w.byte(c);
    } else if (c == 0x22 || c == 0x5c) {
      w.byte(0x5c);
      w.byte(c);
    } else if (c < 0x20) {
      if (c == 0x0a) w.ascii("\\n");
      else if (c == 0x0d) w.ascii("\\r");
      else if (c == 0x09) w.ascii("\\t");
      else if (c == 0x08) w.ascii("\\b");
      else if (c == 0x0c) w.ascii("\\f");
      else writeEscapeU(w, c);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? <u32>s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        if (asciiOnly) {
          writeEscapeU(w, c);
          writeEscapeU(w, next);
        } else {
          w.codePoint(0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00));
        }
        ++i;
      } else {
        writeEscapeU(w, c);
      }
    } else if (asciiOnly) {
      writeEscapeU(w, c);
    } else {
      w.codePoint(c);
    }
  }
  w.byte(0x22);
}

function writeValue(w: ByteWriter, v: Value, asciiOnly: bool): void {
  switch (v.kind) {
    case Kind.Null:
      w.ascii("null");
      break;
    case Kind.Bool:
      w.ascii(v.asBool() ? "true" : "false");
      break;
    case Kind.Number: {
      const raw = v.rawNumber;
      if (raw !== null) {
        w.ascii(raw);
      } else {
        const n = v.asNumber();
        if (!isFinite(n)) w.ascii("null");
        else if (n == Math.trunc(n) && Math.abs(n) < 9007199254740992.0) {
          w.ascii((<i64>n).toString());
        }
        else w.ascii(n.toString());
      }
      break;
    }
    case Kind.String:
      writeString(w, v.asString(), asciiOnly);
      break;
    case Kind.Array: {
      w.byte(0x5b);
      for (let i = 0, n = v.length; i < n; ++i) {
        if (i > 0) w.byte(0x2c);
        writeValue(w, v.at(i)!, asciiOnly);
      }
      w.byte(0x5d);
      break;
    }
    case Kind.Object: {
      w.byte(0x7b);
      for (let i = 0, n = v.length; i < n; ++i) {
        if (i > 0) w.byte(0x2c);
        writeString(w, v.keyAt(i), asciiOnly);
        w.byte(0x3a);
        writeValue(w, v.at(i)!, asciiOnly);
      }
      w.byte(0x7d);
      break;
    }
  }
}
