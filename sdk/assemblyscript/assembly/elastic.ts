// weft's elastic ingest ABI (docs/abi/elastic.md), for AssemblyScript plugins.
//
// The host calls `process()` once per event; the plugin reads and changes the current event's
// record through host functions of module `elastic` (fields by dotted key, values as JSON
// text) and outputs events with `emitCurrent()` / `emit(...)` (none: the event is dropped).
// A plugin's entry file re-exports the ABI functions and registers its handler:
//
//   export * from "@weft/sdk/assembly/elastic-exports";
//   import { emitCurrent, onProcess } from "@weft/sdk/assembly/elastic";
//   onProcess((): i32 => emitCurrent());
//
// and is built with `--use abort=<this file's internal path>/elasticAbort` (see README.md).

import { ByteWriter, utf8Length } from "./bytes";
import { Config } from "./config";
import * as json from "./json";

export { Config } from "./config";

// ---- The host functions (import module `elastic`) ----

@external("elastic", "elastic_get_field")
declare function host_get_field(
  keyPtr: usize,
  keyLen: usize,
  retPtrPtr: usize,
  retLenPtr: usize,
): i32;
@external("elastic", "elastic_put_field")
declare function host_put_field(keyPtr: usize, keyLen: usize, jsonPtr: usize, jsonLen: usize): i32;
@external("elastic", "elastic_remove_field")
declare function host_remove_field(keyPtr: usize, keyLen: usize): i32;
@external("elastic", "elastic_get_current_time_nanoseconds")
declare function host_current_time(retPtr: usize): i32;
@external("elastic", "elastic_log")
declare function host_log(level: i32, ptr: usize, len: usize): i32;
@external("elastic", "elastic_emit_event")
declare function host_emit_event(ptr: usize, len: usize): i32;

/** The status every host function returns. */
export enum Status {
  Ok = 0,
  InternalFailure = 1,
  /** A bad key (see `fieldKey`), a range outside memory, invalid JSON, a non-object on the path. */
  InvalidArgument = 2,
  NotFound = 3,
}

/** Log levels of `log` (Elastic's numbering). */
export enum Level {
  Debug = 0,
  Info = 1,
  Warn = 2,
  /** The last error-level message is appended to the error of a non-zero process/register. */
  Error = 3,
  Critical = 4,
}

// The host writes get_field's results here: two u32 in static memory, so a lookup allocates
// nothing but the value's buffer (which the host takes from our malloc).
const retSlots: usize = memory.data(8, 4);
const timeSlot: usize = memory.data(8, 8);

/** The status of the last `getField`/`getValue`/`getString` (Ok, NotFound, ...). */
export let lastStatus: i32 = Status.Ok;

function encodeKey(key: string): ArrayBuffer {
  return String.UTF8.encode(key);
}

/**
 * A dotted key addressing a nested field, from its path segments: each segment's literal dots
 * and backslashes are escaped (`\.`, `\\`), so `fieldKey(["a.b", "c"])` addresses
 * {"a.b": {"c": ...}}.
 */
export function fieldKey(path: Array<string>): string {
  const parts = new Array<string>(path.length);
  for (let i = 0; i < path.length; ++i) {
    parts[i] = path[i].replaceAll("\\", "\\\\").replaceAll(".", "\\.");
  }
  return parts.join(".");
}

/**
 * The JSON text of field `key` of the current event, or null (then `lastStatus` says why:
 * NotFound, or InvalidArgument for a bad key).
 */
export function getField(key: string): string | null {
  const k = encodeKey(key);
  const status = host_get_field(changetype<usize>(k), <usize>k.byteLength, retSlots, retSlots + 4);
  lastStatus = status;
  if (status != Status.Ok) return null;
  const ptr = <usize>load<u32>(retSlots);
  const len = <usize>load<u32>(retSlots, 4);
  // The host allocated the value with our malloc: it is ours to free once decoded.
  const text = String.UTF8.decodeUnsafe(ptr, len);
  if (ptr != 0) heap.free(ptr);
  return text;
}

/** Field `key` parsed, or null (absent, see `lastStatus`). */
export function getValue(key: string): json.Value | null {
  const text = getField(key);
  return text === null ? null : json.parse(text);
}

/** Field `key` if it is a JSON string, else null. */
export function getString(key: string): string | null {
  const v = getValue(key);
  return v !== null && v.isString ? v.asString() : null;
}

/** Sets field `key` to the JSON text `jsonText` (intermediate objects are created). */
export function putField(key: string, jsonText: string): i32 {
  const k = encodeKey(key);
  const v = String.UTF8.encode(jsonText);
  return host_put_field(
    changetype<usize>(k),
    <usize>k.byteLength,
    changetype<usize>(v),
    <usize>v.byteLength,
  );
}

// Host calls copy their arguments, so one writer serves every putValue and emit.
const scratch = new ByteWriter();

/** Sets field `key` to `value`. */
export function putValue(key: string, value: json.Value): i32 {
  const k = encodeKey(key);
  scratch.reset();
  value.writeTo(scratch);
  return host_put_field(
    changetype<usize>(k),
    <usize>k.byteLength,
    scratch.ptr,
    <usize>scratch.length,
  );
}

/** Sets field `key` to the string `value`. */
export function putString(key: string, value: string): i32 {
  const k = encodeKey(key);
  scratch.reset();
  json.writeString(scratch, value);
  return host_put_field(
    changetype<usize>(k),
    <usize>k.byteLength,
    scratch.ptr,
    <usize>scratch.length,
  );
}

/** Sets field `key` to the number `value`. */
export function putNumber(key: string, value: f64): i32 {
  return putValue(key, json.Value.number(value));
}

/** Removes field `key` (NotFound when it is not there). */
export function removeField(key: string): i32 {
  const k = encodeKey(key);
  return host_remove_field(changetype<usize>(k), <usize>k.byteLength);
}

/** The host's wall clock, in nanoseconds since the Unix epoch (0 if the call failed). */
export function currentTimeNanos(): u64 {
  if (host_current_time(timeSlot) != Status.Ok) return 0;
  return load<u64>(timeSlot);
}

/** Logs a line through the host (level: a `Level`). */
export function log(level: i32, message: string): i32 {
  const s = String.UTF8.encode(message);
  return host_log(level, changetype<usize>(s), <usize>s.byteLength);
}

/** Outputs the current event as the plugin's put/remove calls have left it. */
export function emitCurrent(): i32 {
  return host_emit_event(0, 0);
}

/**
 * An event to emit (proto/weft_elastic.proto's weft.elastic.v1.Event). It overlays the current
 * event: what is left unset here is taken from it, so `new EmitEvent().withRecord(r)` emits a
 * new record under the input's tag, time and metadata.
 */
export class EmitEvent {
  tag: string | null = null;
  hasTime: bool = false;
  seconds: i64 = 0;
  nanos: u32 = 0;
  /** The whole record, JSON text of an object. */
  fieldsJson: string | null = null;
  /** Metadata entries set over the current event's. */
  metadata: Config = new Config();
  /** Metadata keys removed (applied before `metadata`). */
  removeMetadata: Array<string> = new Array<string>();

  withTag(tag: string): EmitEvent {
    this.tag = tag;
    return this;
  }
  withTime(seconds: i64, nanos: u32): EmitEvent {
    this.hasTime = true;
    this.seconds = seconds;
    this.nanos = nanos;
    return this;
  }
  withRecord(fieldsJson: string): EmitEvent {
    this.fieldsJson = fieldsJson;
    return this;
  }
  withRecordValue(record: json.Value): EmitEvent {
    this.fieldsJson = record.toString();
    return this;
  }
  withMeta(key: string, value: string): EmitEvent {
    this.metadata.set(key, value);
    return this;
  }
  withoutMeta(key: string): EmitEvent {
    this.removeMetadata.push(key);
    return this;
  }

  /** Appends the protobuf encoding to `w`. */
  encode(w: ByteWriter): void {
    const tag = this.tag;
    if (tag !== null) writeStringField(w, 1, tag);
    if (this.hasTime) {
      // Timestamp { int64 seconds = 1; uint32 nanos = 2; }: its size first (length-delimited).
      const inner = varintSize(<u64>this.seconds) + 1 + varintSize(<u64>this.nanos) + 1;
      w.varint((2 << 3) | 2);
      w.varint(<u64>inner);
      w.varint((1 << 3) | 0);
      w.varint(<u64>this.seconds); // a negative int64 takes 10 bytes, as protobuf specifies
      w.varint((2 << 3) | 0);
      w.varint(<u64>this.nanos);
    }
    const fields = this.fieldsJson;
    if (fields !== null) writeStringField(w, 3, fields);
    // map<string, string> is a repeated message { string key = 1; string value = 2; }.
    for (let i = 0; i < this.metadata.size; ++i) {
      const k = this.metadata.keys[i];
      const v = this.metadata.values[i];
      const kLen = utf8Length(k);
      const vLen = utf8Length(v);
      w.varint((4 << 3) | 2);
      w.varint(<u64>(1 + varintSize(<u64>kLen) + kLen + 1 + varintSize(<u64>vLen) + vLen));
      writeStringField(w, 1, k);
      writeStringField(w, 2, v);
    }
    for (let i = 0; i < this.removeMetadata.length; ++i) {
      writeStringField(w, 5, this.removeMetadata[i]);
    }
  }
}

function varintSize(v: u64): i32 {
  let n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

function writeStringField(w: ByteWriter, field: i32, s: string): void {
  w.varint(<u64>((field << 3) | 2));
  w.varint(<u64>utf8Length(s));
  w.utf8(s);
}

/** Outputs `event` (overlaid on the current event). Call it any number of times per input. */
export function emit(event: EmitEvent): i32 {
  scratch.reset();
  event.encode(scratch);
  return host_emit_event(scratch.ptr, <usize>scratch.length);
}

/** Outputs the current event's tag, time and metadata with `record` as its whole record. */
export function emitRecord(record: json.Value): i32 {
  return emit(new EmitEvent().withRecordValue(record));
}

// ---- Registration ----

let processHandler: (() => i32) | null = null;
let registerHandler: ((config: Config) => string | null) | null = null;

/** The configuration register received (empty before it runs, or without register). */
export let config: Config = new Config();

/**
 * Registers the per-event handler, run by `process()`: it returns 0, or non-zero to fail the
 * event (log a Level.Error line first: the host adds the last one to the error).
 */
export function onProcess(handler: () => i32): void {
  processHandler = handler;
}

/**
 * Registers the configuration check, run by `register` once per instance: return null to
 * accept the configuration, or the reason to refuse it.
 */
export function onRegister(handler: (config: Config) => string | null): void {
  registerHandler = handler;
}

// ---- The ABI exports (re-exported by elastic-exports.ts) ----

/** The ABI marker (version 1.0) the host looks for before instantiation; never called. */
export function elastic_ingest_wasm_abi_1_0(): void {}

/**
 * The allocator the host uses for returned field values and the configuration: `heap.alloc`,
 * outside the garbage collector, since the host writes into the block after it returns.
 */
export function malloc(size: u32): usize {
  if (size > 0x3fff0000) return 0;
  return heap.alloc(<usize>(size == 0 ? 1 : size));
}

/** Reads the configuration (a JSON object of strings) and runs the onRegister check. */
export function register(ptr: usize, len: u32): i32 {
  const text = String.UTF8.decodeUnsafe(ptr, <usize>len);
  // The block came from our malloc: ours to free.
  heap.free(ptr);
  const parsed = json.parse(text);
  if (parsed === null || !parsed.isObject) {
    log(Level.Error, "weft sdk: the configuration is not a JSON object: " + json.lastError);
    return 1;
  }
  const cfg = new Config();
  for (let i = 0; i < parsed.length; ++i) {
    const v = parsed.at(i)!;
    cfg.set(parsed.keyAt(i), v.isString ? v.asString() : v.toString());
  }
  config = cfg;
  const check = registerHandler;
  if (check !== null) {
    const refusal = check(cfg);
    if (refusal !== null) {
      log(Level.Error, refusal);
      return 1;
    }
  }
  return 0;
}

/** Runs the registered handler on the current event. */
export function process(): i32 {
  const handler = processHandler;
  if (handler === null) {
    log(Level.Error, "weft sdk: no handler: call onProcess(...) in the plugin's entry file");
    return 1;
  }
  return handler();
}

/**
 * The `abort` to build with (`--use abort=.../elasticAbort`): logs the message at error level
 * and traps, so the host reports the trap as this event's error (and replaces the instance).
 */
export function elasticAbort(
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
  log(3 /* Level.Error */, text);
  unreachable();
}
