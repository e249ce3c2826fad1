// Unit tests of the SDK's host-independent parts: the JSON module, the weft batch reader and
// the elastic Event encoder. Built and run by run.mjs; `run()` returns the number of failed
// checks, each also reported through the `test.failure` import.

import * as json from "../assembly/json";
import { ByteWriter } from "../assembly/bytes";
import { Batch, Event, BATCH_MAGIC } from "../assembly/weft";
import { EmitEvent, fieldKey } from "../assembly/elastic";
import * as msgpack from "../assembly/msgpack";

@external("test", "failure")
declare function failure(ptr: usize, len: i32): void;

let failures = 0;

function check(ok: bool, what: string): void {
  if (ok) return;
  ++failures;
  const s = String.UTF8.encode(what);
  failure(changetype<usize>(s), s.byteLength);
}

function expectRoundTrip(input: string, expected: string, asciiOnly: bool = false): void {
  const v = json.parse(input);
  if (v === null) {
    check(false, "parse(" + input + ") failed: " + json.lastError);
    return;
  }
  const out = json.stringify(v, asciiOnly);
  check(out == expected, "stringify(parse(" + input + ")) = " + out + ", want " + expected);
}

function expectInvalid(input: string): void {
  const v = json.parse(input);
  check(v === null, "parse(" + input + ") accepted invalid JSON");
  check(v !== null || json.lastError.length > 0, "parse(" + input + ") gave no reason");
}

function testJson(): void {
  // Objects keep their key order; numbers keep their spelling (beyond 2^53 too).
  expectRoundTrip('{"b":1,"a":[true,false,null],"c":{"d":"e"}}', '{"b":1,"a":[true,false,null],"c":{"d":"e"}}');
  expectRoundTrip(" { \"n\" : [ 12345678901234567890 , -0.5e-3 , 2.5E+2 , 0 , -0 ] } ", '{"n":[12345678901234567890,-0.5e-3,2.5E+2,0,-0]}');
  expectRoundTrip('"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t"', '"a\\"b\\\\c/d\\b\\f\\n\\r\\t"');
  expectRoundTrip('"\\u0001\\u001f"', '"\\u0001\\u001f"');
  // \u escapes: a BMP character, a surrogate pair, and a lone surrogate (kept, escaped).
  expectRoundTrip('"\\u00e9"', '"\u00e9"');
  expectRoundTrip('"\\ud83d\\ude00"', '"\u{1F600}"');
  expectRoundTrip('"\\ud83d\\ude00 \\u00e9"', '"\\ud83d\\ude00 \\u00e9"', true);
  expectRoundTrip('"x\\ud800y"', '"x\\ud800y"');
  expectRoundTrip('"\\udc00"', '"\\udc00"');
  expectRoundTrip('"\u{1F600}"', '"\u{1F600}"');
  expectRoundTrip('{"a":1,"a":2}', '{"a":2}');
  expectRoundTrip("[]", "[]");
  expectRoundTrip("{}", "{}");

  const s = json.parse('"\\ud83d\\ude00"')!;
  check(s.asString().length == 2 && s.asString().charCodeAt(0) == 0xd83d, "a \\u pair is one surrogate pair");

  expectInvalid("");
  expectInvalid('{"a":}');
  expectInvalid("[1,]");
  expectInvalid("{,}");
  expectInvalid("01");
  expectInvalid("1.");
  expectInvalid("-");
  expectInvalid("1e");
  expectInvalid('"abc');
  expectInvalid('{"a":1} x');
  expectInvalid("tru");
  expectInvalid('"\\x"');
  expectInvalid('"\\u12g4"');
  expectInvalid('"a\nb"');
  expectInvalid("{a:1}");
  expectInvalid("[".repeat(600) + "]".repeat(600));
  check(json.parse("[".repeat(512) + "]".repeat(512)) !== null, "512 levels of nesting are fine");
  check(json.parse('{"a":'.repeat(512) + "1" + "}".repeat(512)) !== null, "512 nested objects are fine");

  // Editing an object.
  const o = json.parse('{"log":"x","password":"p","n":1}')!;
  o.set("password", json.Value.string("***"));
  check(o.toString() == '{"log":"x","password":"***","n":1}', "set replaces in place: " + o.toString());
  check(o.remove("log") && !o.remove("log") && !o.has("log"), "remove");
  o.set("level", json.Value.string("in\"fo"));
  o.set("count", json.Value.number(3));
  o.set("ratio", json.Value.number(2.5));
  o.set("nan", json.Value.number(NaN));
  o.set("ok", json.Value.bool(true));
  const arr = json.Value.array();
  arr.push(json.Value.null());
  o.set("list", arr);
  check(
    o.toString() == '{"password":"***","n":1,"level":"in\\"fo","count":3,"ratio":2.5,"nan":null,"ok":true,"list":[null]}',
    "built object: " + o.toString(),
  );
  check(o.get("n")!.asNumber() == 1 && o.get("missing") === null, "get");
  check(json.quote("a\u2028\u{1F600}") == '"a\u2028\u{1F600}"', "quote");
}

function expectField(text: string, key: string, value: string | null, count: i32 = 1): void {
  const span = json.findField(text, key);
  if (value === null) {
    check(span === null && json.lastError == "", "findField(" + text + ", " + key + ") should find nothing");
    const bytes = String.UTF8.encode(text);
    const b = json.findFieldUtf8(changetype<usize>(bytes), <usize>bytes.byteLength, key);
    check(b === null && json.lastError == "", "findFieldUtf8(" + text + ", " + key + ") should find nothing");
    return;
  }
  if (span === null) {
    check(false, "findField(" + text + ", " + key + ") found nothing: " + json.lastError);
    return;
  }
  const got = text.substring(span.start, span.end);
  check(got == value && span.count == count, "findField(" + text + ", " + key + ") = " + got);
  // The same over UTF-8 bytes: byte offsets.
  const bytes = String.UTF8.encode(text);
  const ptr = changetype<usize>(bytes);
  const b = json.findFieldUtf8(ptr, <usize>bytes.byteLength, key);
  if (b === null) {
    check(false, "findFieldUtf8(" + text + ", " + key + ") found nothing: " + json.lastError);
    return;
  }
  const gotBytes = String.UTF8.decodeUnsafe(ptr + <usize>b.start, <usize>(b.end - b.start));
  check(gotBytes == value && b.count == count, "findFieldUtf8(" + text + ", " + key + ") = " + gotBytes);
}

function testFindField(): void {
  expectField('{"a":1,"password":"x\\"y","b":{"password":2}}', "password", '"x\\"y"');
  expectField(' { "b" : { "password" : 2 } , "n" : -1.5e3 } ', "n", "-1.5e3");
  expectField('{"b":{"password":2}}', "b", '{"password":2}');
  expectField('{"pass\\u0077ord":[true,{"x":null}]}', "password", '[true,{"x":null}]');
  expectField('{"passwordX":1,"pass":2}', "password", null);
  expectField('{"passwordX":1,"pass":2}', "pass", "2");
  expectField('{"a":1,"a":[2]}', "a", "[2]", 2);
  expectField("{}", "a", null);
  expectField('{"\u00fc":"\u00e9\u{1F600}","k\u00fc":1}', "k\u00fc", "1");
  expectField('{"a":"\\u00fc","\\u00fc":2}', "\u00fc", "2");
  const invalid = ['{"a":1,}', "[1]", '{"a":1} x', '{"a":"\\q"}', '{"b":[1,}', '{"a" 1}', ""];
  for (let i = 0; i < invalid.length; ++i) {
    check(json.findField(invalid[i], "a") === null && json.lastError.length > 0, "findField refuses " + invalid[i]);
    const bytes = String.UTF8.encode(invalid[i]);
    check(
      json.findFieldUtf8(changetype<usize>(bytes), <usize>bytes.byteLength, "a") === null &&
        json.lastError.length > 0,
      "findFieldUtf8 refuses " + invalid[i],
    );
  }
}

function putU32(w: ByteWriter, v: u32): void {
  w.byte(v & 0xff);
  w.byte((v >> 8) & 0xff);
  w.byte((v >> 16) & 0xff);
  w.byte(v >> 24);
}

function str(w: ByteWriter, s: string): void {
  const b = String.UTF8.encode(s);
  putU32(w, <u32>b.byteLength);
  w.raw(changetype<usize>(b), b.byteLength);
}

function event(w: ByteWriter, sec: i64, nsec: u32, tag: string, record: string, meta: Array<string>): void {
  const body = new ByteWriter();
  putU32(body, <u32>(sec & 0xffffffff));
  putU32(body, <u32>(sec >> 32));
  putU32(body, nsec);
  str(body, tag);
  str(body, record);
  putU32(body, <u32>(meta.length / 2));
  for (let i = 0; i < meta.length; ++i) str(body, meta[i]);
  putU32(w, <u32>body.length);
  w.append(body);
  body.release();
}

let seen = new Array<string>();

function testBatch(): void {
  const w = new ByteWriter();
  putU32(w, BATCH_MAGIC);
  putU32(w, 2);
  putU32(w, 0);
  event(w, 1700000000, 1, "app.web", '{"a":"\u00fc"}', []);
  event(w, -5, 999999999, "t\u00e9", "{}", ["source", "db-1", "k", "v"]);
  const batch = new Batch(w.ptr, <u32>w.length, 2, 0);
  seen = new Array<string>();
  const bad = batch.forEach((e: Event): void => {
    seen.push(
      e.index.toString() + "|" + e.sec.toString() + "|" + e.nsec.toString() + "|" + e.tag + "|" + e.record +
        "|" + e.metaCount.toString() + "|" + (e.meta("k") !== null ? e.meta("k")! : "-") + "|" +
        e.metadata().get("source", "-"),
    );
  });
  check(bad === null, "a valid batch is read whole");
  check(seen.length == 2, "two events seen");
  if (seen.length == 2) {
    check(seen[0] == '0|1700000000|1|app.web|{"a":"\u00fc"}|0|-|-', "event 0: " + seen[0]);
    check(seen[1] == "1|-5|999999999|t\u00e9|{}|2|v|db-1", "event 1: " + seen[1]);
  }
  // The same batch claiming one byte less: the last event overruns it.
  const cut = new Batch(w.ptr, <u32>w.length - 1, 2, 0);
  seen = new Array<string>();
  const why = cut.forEach((e: Event): void => {
    seen.push(e.tag);
  });
  check(why !== null && seen.length == 1, "an event that overruns the batch is refused, the ones before are read");
  // An event whose tag length runs past its own size.
  const w2 = new ByteWriter();
  putU32(w2, BATCH_MAGIC);
  putU32(w2, 1);
  putU32(w2, 0);
  putU32(w2, 24); // sec, nsec, tag_len 1000, record_len, meta_count: 24 bytes
  for (let i = 0; i < 3; ++i) putU32(w2, 0);
  putU32(w2, 1000);
  putU32(w2, 0);
  putU32(w2, 0);
  const bad2 = new Batch(w2.ptr, <u32>w2.length, 1, 0).forEach((e: Event): void => {
    check(false, "a malformed event must not reach the handler");
  });
  check(bad2 !== null && bad2.includes("tag overruns"), "a tag overrunning its event is refused");
  w.release();
  w2.release();
}

function hex(w: ByteWriter): string {
  let s = "";
  for (let i = 0; i < w.length; ++i) {
    const b = load<u8>(w.ptr + <usize>i);
    s += (b < 16 ? "0" : "") + b.toString(16);
  }
  return s;
}

function testProto(): void {
  const w = new ByteWriter();
  new EmitEvent().encode(w);
  check(w.length == 0, "an empty EmitEvent encodes to nothing (the current event)");
  w.reset();
  new EmitEvent().withTag("t").withTime(5, 7).withRecord("{}").withMeta("k", "v").withoutMeta("x").encode(w);
  check(hex(w) == "0a01741204080510071a027b7d22060a016b1201762a0178", "EmitEvent encoding: " + hex(w));
  w.reset();
  new EmitEvent().withTime(-1, 0).withTag("\u00e9").encode(w);
  check(hex(w) == "0a02c3a9120d08ffffffffffffffffff011000", "negative seconds, UTF-8 tag: " + hex(w));
  w.release();
  check(fieldKey(["a.b", "c\\d", "e"]) == "a\\.b.c\\\\d.e", "fieldKey escapes dots and backslashes");
}

function bytesOf(hexText: string): ByteWriter {
  const w = new ByteWriter();
  for (let i = 0; i + 1 < hexText.length; i += 2) w.byte(<i32>parseInt(hexText.substr(i, 2), 16));
  return w;
}

function testMsgpack(): void {
  const w = new ByteWriter();
  const cases = [
    // JSON, its msgpack (the smallest int forms, float64 for non-integers)
    '{"a":1,"b":-1,"c":"x","d":[true,null],"e":2.5}', "85a16101a162ffa163a178a16492c3c0a165cb4004000000000000",
    '{"n":[300,-200,12345678901234567890,-9223372036854775808,4294967296]}',
    "81a16e95cd012cd1ff38cfab54a98ceb1f0ad2d38000000000000000cf0000000100000000",
    '{"s":"' + "\u00e9".repeat(20) + '"}', "81a173d928" + "c3a9".repeat(20),
  ];
  for (let i = 0; i < cases.length; i += 2) {
    const v = json.parse(cases[i])!;
    w.reset();
    msgpack.encode(w, v);
    check(hex(w) == cases[i + 1], "msgpack of " + cases[i] + ": " + hex(w));
    const back = msgpack.decode(w.ptr, <usize>w.length);
    check(back !== null && back.toString() == v.toString(), "msgpack round trip of " + cases[i]);
  }
  w.release();
  // Other encodings of the same values decode too (fixint in int8, float32, str16, map16).
  const other = bytesOf("de0002a161d001a162ca40200000");
  const v = msgpack.decode(other.ptr, <usize>other.length);
  check(v !== null && v.toString() == '{"a":1,"b":2.5}', "map16, int8, float32");
  other.release();
  const bad = ["c40100", "81a161", "810101", "8100", "a2", "c0c0", "92c3", "c1"];
  for (let i = 0; i < bad.length; ++i) {
    const b = bytesOf(bad[i]);
    check(msgpack.decode(b.ptr, <usize>b.length) === null && msgpack.lastError.length > 0, "invalid msgpack " + bad[i]);
    b.release();
  }
}

export function run(): i32 {
  failures = 0;
  testMsgpack();
  testFindField();
  testJson();
  testBatch();
  testProto();
  return failures;
}
