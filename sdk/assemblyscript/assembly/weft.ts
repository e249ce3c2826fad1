// weft's events ABI, version 1 (docs/abi/weft-events.md), for AssemblyScript plugins.
//
// The host writes a batch of events into a buffer it got from `weft_alloc` and calls
// `weft_process` once per batch; this module walks the batch and calls the plugin's handler once
// per event with an `Event` view. A plugin's entry file re-exports the ABI functions and
// registers its handler:
//
//   export * from "@weft/sdk/assembly/weft-exports";
//   import { Event, onEvent } from "@weft/sdk/assembly/weft";
//   onEvent((event: Event): void => { event.emitInput(); });
//
// and is built with `--use abort=<this file's internal path>/weftAbort` so that an assertion or
// an out-of-bounds access reports its message through the host (see README.md).

import { ByteWriter } from "./bytes";
import { Config } from "./config";
import * as json from "./json";
import * as msgpack from "./msgpack";

export { Config } from "./config";

// ---- The host functions (import module `weft`) ----

@external("weft", "emit")
declare function host_emit(index: i32, recordPtr: usize, recordLen: usize): i32;
@external("weft", "emit_input")
declare function host_emit_input(index: i32): i32;
@external("weft", "drop")
declare function host_drop(index: i32): i32;
@external("weft", "fail")
declare function host_fail(index: i32, msgPtr: usize, msgLen: usize): i32;
@external("weft", "route")
declare function host_route(index: i32, tagPtr: usize, tagLen: usize): i32;
@external("weft", "set_time")
declare function host_set_time(index: i32, sec: i64, nsec: u32): i32;
@external("weft", "meta_set")
declare function host_meta_set(
  index: i32,
  keyPtr: usize,
  keyLen: usize,
  valuePtr: usize,
  valueLen: usize,
): i32;
@external("weft", "meta_remove")
declare function host_meta_remove(index: i32, keyPtr: usize, keyLen: usize): i32;
@external("weft", "log")
declare function host_log(level: i32, msgPtr: usize, msgLen: usize): i32;

/** The status every host function returns. */
export enum Status {
  Ok = 0,
  /** The index is out of range, or the event was already failed. */
  NoSuchEvent = 1,
  /** A range outside memory, a tag or key that is not UTF-8, a bad log level or nsec. */
  InvalidArgument = 2,
  /** An emitted record that is not a JSON object (or msgpack map): the event is now failed. */
  InvalidRecord = 3,
}

/** Log levels of `log`. */
export enum Level {
  Trace = 0,
  Debug = 1,
  Info = 2,
  Warn = 3,
  Error = 4,
}

/** The index that `fail` takes to fail the whole call (weft_init, or the rest of the batch). */
export const ALL: i32 = -1;

/** "WEV1" read as a little-endian u32: the batch header's magic. */
export const BATCH_MAGIC: u32 = 0x31564557;
/** Batch flags bit 0: records are msgpack maps instead of JSON text. */
export const FLAG_MSGPACK: u32 = 1;

// Host calls copy what they are given during the call, so one scratch writer serves every
// emitJson and keeps its block: a steady stream of events costs no allocation for the output.
const scratch = new ByteWriter();

/** Logs a line through the host's log sink (level: a `Level`). */
export function log(level: i32, message: string): i32 {
  const s = String.UTF8.encode(message);
  return host_log(level, changetype<usize>(s), <usize>s.byteLength);
}

/** Fails event `index` (or, with `ALL`, the whole call) with `reason`. */
export function fail(index: i32, reason: string): i32 {
  const s = String.UTF8.encode(reason);
  return host_fail(index, changetype<usize>(s), <usize>s.byteLength);
}

/**
 * One input event of the current batch. The view reads the batch buffer, which the host
 * overwrites with the next batch: do not keep an Event (or a pointer from it) after the handler
 * returns. Strings are decoded on first use.
 */
export class Event {
  /** The event's index in the batch: the one every host call about it names. */
  index: i32 = 0;
  /** Seconds since the Unix epoch. */
  sec: i64 = 0;
  /** Nanoseconds, 0 ..= 999,999,999. */
  nsec: u32 = 0;
  /** The tag's UTF-8 bytes in the batch buffer. */
  tagPtr: usize = 0;
  tagLen: u32 = 0;
  /** The record's bytes in the batch buffer: JSON text, or a msgpack map if `isMsgpack`. */
  recordPtr: usize = 0;
  recordLen: u32 = 0;
  /** Whether records are msgpack maps (batch flag bit 0) rather than JSON text. */
  isMsgpack: bool = false;
  /** The metadata entries' start in the batch buffer, and how many there are. */
  metaPtr: usize = 0;
  metaCount: u32 = 0;

  private tagCache: string | null = null;
  private recordCache: string | null = null;

  /** Points the view at the event whose fields start at `body` (after its size field). */
  reset(index: i32, body: usize, size: u32, msgpackRecords: bool): string | null {
    const end = body + <usize>size;
    this.index = index;
    this.isMsgpack = msgpackRecords;
    this.tagCache = null;
    this.recordCache = null;
    // sec 8, nsec 4, tag_len 4, record_len 4, meta_count 4.
    if (size < 24) return "event " + index.toString() + " is shorter than its fixed fields";
    this.sec = load<i64>(body);
    this.nsec = load<u32>(body, 8);
    this.tagLen = load<u32>(body, 12);
    this.tagPtr = body + 16;
    let p = this.tagPtr + <usize>this.tagLen;
    if (p + 8 > end || p < body) return "event " + index.toString() + ": tag overruns the event";
    this.recordLen = load<u32>(p);
    this.recordPtr = p + 4;
    p = this.recordPtr + <usize>this.recordLen;
    if (p + 4 > end || p < body) return "event " + index.toString() + ": record overruns the event";
    this.metaCount = load<u32>(p);
    this.metaPtr = p + 4;
    // Check the metadata entries once here, so that the accessors need no bounds checks.
    p = this.metaPtr;
    for (let i: u32 = 0; i < this.metaCount; ++i) {
      for (let part = 0; part < 2; ++part) {
        if (p + 4 > end) return "event " + index.toString() + ": metadata overruns the event";
        const n = load<u32>(p);
        p += 4 + <usize>n;
        if (p > end || p < body) {
          return "event " + index.toString() + ": metadata overruns the event";
        }
      }
    }
    return null;
  }

  /** The tag. */
  get tag(): string {
    let t = this.tagCache;
    if (t === null) {
      t = String.UTF8.decodeUnsafe(this.tagPtr, <usize>this.tagLen);
      this.tagCache = t;
    }
    return t;
  }

  /** The record as JSON text ("" in msgpack mode: read `recordPtr`/`recordLen` instead). */
  get record(): string {
    if (this.isMsgpack) return "";
    let r = this.recordCache;
    if (r === null) {
      r = String.UTF8.decodeUnsafe(this.recordPtr, <usize>this.recordLen);
      this.recordCache = r;
    }
    return r;
  }

  /**
   * The record parsed, from JSON text or, in msgpack mode, from its msgpack map; null if it
   * cannot be read (the reason is in `jsonError`).
   */
  json(): json.Value | null {
    const v = this.isMsgpack
      ? msgpack.decode(this.recordPtr, <usize>this.recordLen)
      : json.parse(this.record);
    this.jsonError = v !== null ? "" : this.isMsgpack ? msgpack.lastError : json.lastError;
    return v;
  }

  /** Why the last `json()` returned null ("" after a success). */
  jsonError: string = "";

  /**
   * Finds top-level field `key` of the JSON record in place, without decoding the record or
   * building a tree (json.findFieldUtf8): its value's span in bytes from `recordPtr`, or null
   * (absent, or json.lastError says why). JSON mode only: check `isMsgpack` first.
   */
  findField(key: string): json.FieldSpan | null {
    if (this.isMsgpack) return null;
    return json.findFieldUtf8(this.recordPtr, <usize>this.recordLen, key);
  }

  /** The JSON text of a field's value found with `findField`. */
  fieldText(span: json.FieldSpan): string {
    const from = this.recordPtr + <usize>span.start;
    return String.UTF8.decodeUnsafe(from, <usize>(span.end - span.start));
  }

  /**
   * Outputs the record with the value at `span` (from `findField`) replaced by the JSON text
   * `valueJson`, copied straight from the batch buffer: the cheapest way to change one field.
   */
  emitReplacing(span: json.FieldSpan, valueJson: string): i32 {
    scratch.reset();
    scratch.raw(this.recordPtr, span.start);
    scratch.utf8(valueJson);
    scratch.raw(this.recordPtr + <usize>span.end, <i32>this.recordLen - span.end);
    return host_emit(this.index, scratch.ptr, <usize>scratch.length);
  }

  /** The record's bytes copied out of the batch buffer. */
  recordBytes(): Uint8Array {
    const out = new Uint8Array(<i32>this.recordLen);
    memory.copy(out.dataStart, this.recordPtr, <usize>this.recordLen);
    return out;
  }

  /** Metadata entry `key`, or null. */
  meta(key: string): string | null {
    let p = this.metaPtr;
    for (let i: u32 = 0; i < this.metaCount; ++i) {
      const kLen = load<u32>(p);
      const k = String.UTF8.decodeUnsafe(p + 4, <usize>kLen);
      p += 4 + <usize>kLen;
      const vLen = load<u32>(p);
      if (k == key) return String.UTF8.decodeUnsafe(p + 4, <usize>vLen);
      p += 4 + <usize>vLen;
    }
    return null;
  }

  /** All metadata entries in the batch's order. */
  metadata(): Config {
    const out = new Config();
    let p = this.metaPtr;
    for (let i: u32 = 0; i < this.metaCount; ++i) {
      const kLen = load<u32>(p);
      const k = String.UTF8.decodeUnsafe(p + 4, <usize>kLen);
      p += 4 + <usize>kLen;
      const vLen = load<u32>(p);
      out.set(k, String.UTF8.decodeUnsafe(p + 4, <usize>vLen));
      p += 4 + <usize>vLen;
    }
    return out;
  }

  /** Outputs the input unchanged, without copying its record: the cheap pass-through. */
  emitInput(): i32 {
    return host_emit_input(this.index);
  }

  /** Outputs a new event for this input with `record`, JSON text of an object (JSON mode). */
  emit(record: string): i32 {
    const s = String.UTF8.encode(record);
    return host_emit(this.index, changetype<usize>(s), <usize>s.byteLength);
  }

  /** Outputs a new event for this input with `record`, encoded as the batch's records are. */
  emitJson(record: json.Value): i32 {
    scratch.reset();
    if (this.isMsgpack) msgpack.encode(scratch, record);
    else record.writeTo(scratch);
    return host_emit(this.index, scratch.ptr, <usize>scratch.length);
  }

  /** Outputs a new event with the record in `len` bytes at `ptr` (JSON text or msgpack). */
  emitRaw(ptr: usize, len: usize): i32 {
    return host_emit(this.index, ptr, len);
  }

  /** Says this input produces no output, on purpose. */
  drop(): i32 {
    return host_drop(this.index);
  }

  /** Fails this input with `reason`; its outputs so far are discarded. */
  fail(reason: string): i32 {
    return fail(this.index, reason);
  }

  /** The tag of this input's following outputs. */
  route(tag: string): i32 {
    const s = String.UTF8.encode(tag);
    return host_route(this.index, changetype<usize>(s), <usize>s.byteLength);
  }

  /** The time of this input's following outputs (`nsec` below 10^9). */
  setTime(sec: i64, nsec: u32): i32 {
    return host_set_time(this.index, sec, nsec);
  }

  /** Sets a metadata entry of this input's following outputs. */
  metaSet(key: string, value: string): i32 {
    const k = String.UTF8.encode(key);
    const v = String.UTF8.encode(value);
    return host_meta_set(
      this.index,
      changetype<usize>(k),
      <usize>k.byteLength,
      changetype<usize>(v),
      <usize>v.byteLength,
    );
  }

  /** Removes a metadata entry from this input's following outputs. */
  metaRemove(key: string): i32 {
    const k = String.UTF8.encode(key);
    return host_meta_remove(this.index, changetype<usize>(k), <usize>k.byteLength);
  }
}

/** The whole batch, for plugins that handle it themselves (see `onBatch`). */
export class Batch {
  constructor(
    /** The buffer and its length, as passed to weft_process. */
    public ptr: usize,
    public len: u32,
    /** The number of events. */
    public count: u32,
    /** The header's flags (bit 0: msgpack records). */
    public flags: u32,
  ) {}

  /**
   * Calls `fn` for each event with a reused Event view; stops at the first malformed event and
   * returns why (null when all were visited).
   */
  forEach(fn: (event: Event) => void): string | null {
    const view = new Event();
    const end = this.ptr + <usize>this.len;
    let p = this.ptr + 12;
    const msgpackRecords = (this.flags & FLAG_MSGPACK) != 0;
    for (let i: u32 = 0; i < this.count; ++i) {
      if (p + 4 > end) return "the batch ends before event " + i.toString();
      const size = load<u32>(p);
      const body = p + 4;
      if (body + <usize>size > end || body + <usize>size < body) {
        return "event " + i.toString() + " overruns the batch";
      }
      const bad = view.reset(<i32>i, body, size, msgpackRecords);
      if (bad !== null) return bad;
      fn(view);
      p = body + <usize>size;
    }
    return null;
  }
}

// ---- Registration ----

let eventHandler: ((event: Event) => void) | null = null;
let batchHandler: ((batch: Batch) => i32) | null = null;
let initHandler: ((config: Config) => string | null) | null = null;

/** The configuration weft_init received (empty before it runs). */
export let config: Config = new Config();

/**
 * Registers the per-event handler. It must end each event by emitting it (any number of times),
 * dropping it or failing it: an event left alone is reported by the host as an error.
 */
export function onEvent(handler: (event: Event) => void): void {
  eventHandler = handler;
}

/** Registers a handler for whole batches instead (returns weft_process's status). */
export function onBatch(handler: (batch: Batch) => i32): void {
  batchHandler = handler;
}

/**
 * Registers the configuration check, run by weft_init once per instance: return null to accept
 * the configuration, or the reason to refuse it (the processor is then not made).
 */
export function onInit(handler: (config: Config) => string | null): void {
  initHandler = handler;
}

// ---- The ABI exports (re-exported by weft-exports.ts; see the top of this file) ----

/** The ABI marker the host looks for before instantiation; never called. */
export function weft_events_abi_1(): void {}

/**
 * A block the host fills (the batch buffer, the configuration). It comes from `heap.alloc`, not
 * from the garbage-collected heap: the host keeps the batch buffer across calls, so it must
 * never be collected or moved.
 */
export function weft_alloc(size: u32): usize {
  // heap.alloc traps on a size it cannot serve; the ABI wants 0 instead.
  if (size > 0x3fff0000) return 0;
  return heap.alloc(<usize>size);
}

/** Frees a block from weft_alloc. */
export function weft_free(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}

function refuse(reason: string): i32 {
  fail(ALL, reason);
  return 1;
}

/** Reads the configuration block and runs the plugin's onInit check. */
export function weft_init(ptr: usize, len: u32): i32 {
  const cfg = new Config();
  const end = ptr + <usize>len;
  if (len < 4) return refuse("weft sdk: the configuration block is shorter than its count");
  const count = load<u32>(ptr);
  let p = ptr + 4;
  for (let i: u32 = 0; i < count; ++i) {
    if (p + 4 > end) return refuse("weft sdk: the configuration block is truncated");
    const kLen = load<u32>(p);
    const k = p + 4;
    p = k + <usize>kLen;
    if (p + 4 > end || p < k) return refuse("weft sdk: the configuration block is truncated");
    const vLen = load<u32>(p);
    const v = p + 4;
    p = v + <usize>vLen;
    if (p > end || p < v) return refuse("weft sdk: the configuration block is truncated");
    cfg.set(
      String.UTF8.decodeUnsafe(k, <usize>kLen),
      String.UTF8.decodeUnsafe(v, <usize>vLen),
    );
  }
  config = cfg;
  const check = initHandler;
  if (check !== null) {
    const refusal = check(cfg);
    if (refusal !== null) {
      fail(ALL, refusal);
      return 1;
    }
  }
  return 0;
}

/** Walks the batch and calls the registered handler. */
export function weft_process(ptr: usize, len: u32, count: u32): i32 {
  if (len < 12 || load<u32>(ptr) != BATCH_MAGIC) {
    fail(ALL, "weft sdk: the batch does not start with the WEV1 header (an ABI version mismatch?)");
    return 1;
  }
  const batch = new Batch(ptr, len, load<u32>(ptr, 4), load<u32>(ptr, 8));
  if (batch.count != count) {
    fail(
      ALL,
      "weft sdk: the batch header counts " + batch.count.toString() + " events, the call " +
        count.toString(),
    );
    return 1;
  }
  const whole = batchHandler;
  if (whole !== null) return whole(batch);
  const each = eventHandler;
  if (each === null) {
    fail(ALL, "weft sdk: no handler: call onEvent(...) (or onBatch) in the plugin's entry file");
    return 1;
  }
  const bad = batch.forEach(each);
  if (bad !== null) {
    fail(ALL, "weft sdk: " + bad);
    return 1;
  }
  return 0;
}

/**
 * The `abort` to build with (`--use abort=.../weftAbort`): AssemblyScript calls it on a failed
 * assertion, an out-of-bounds access or an allocation failure. It logs the message at error
 * level, fails the whole call with it (so weft_init's refusal names it) and traps; after a trap
 * in weft_process the host retries the batch's events one at a time and reports the trap
 * against the event that causes it. Without this, the module would import `env.abort`, which
 * weft's events ABI does not provide.
 */
export function weftAbort(
  message: string | null,
  fileName: string | null,
  line: u32,
  column: u32,
): void {
  // No module globals here: top-level code of any file (an allocation while the module starts)
  // may abort before this file's globals are initialised, which asc refuses to compile. The
  // flag lives in a static data segment instead. Building the message allocates: if that
  // aborts too (out of memory), just trap.
  const aborting = memory.data(4);
  if (load<u32>(aborting) != 0) unreachable();
  store<u32>(aborting, 1);
  let text = "abort: " + (message !== null ? message : "(no message)");
  if (fileName !== null) {
    text += " at " + fileName + ":" + line.toString() + ":" + column.toString();
  }
  log(4 /* Level.Error */, text);
  fail(-1 /* ALL */, text);
  unreachable();
}
