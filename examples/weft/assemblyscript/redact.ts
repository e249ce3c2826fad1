// redact (examples/events/README.md): the top-level field named by the configuration key
// `field` (default "password"), whatever its value, becomes the string "***".
export * from "../../../sdk/assemblyscript/assembly/weft-exports";
import { Config, Event, onEvent, onInit } from "../../../sdk/assemblyscript/assembly/weft";
import * as json from "../../../sdk/assemblyscript/assembly/json";

let field = "password";

onInit((config: Config): string | null => {
  field = config.get("field", "password");
  return field.length > 0 ? null : "redact: the configuration key `field` is empty";
});

onEvent((event: Event): void => {
  if (event.isMsgpack) {
    redactTree(event);
    return;
  }
  // The fast way: find the field's value in the record as it lies in the batch buffer and
  // splice "***" in; no string decoded, no tree built.
  const span = event.findField(field);
  if (span === null) {
    if (json.lastError.length > 0) event.fail("redact: cannot read the record: " + json.lastError);
    else event.emitInput(); // no such field: unchanged, and not copied back
    return;
  }
  // A duplicated key would keep its other values in the text: rebuild the record instead.
  if (span.count > 1) {
    redactTree(event);
    return;
  }
  event.emitReplacing(span, '"***"');
});

/** Redacts through the record's tree (msgpack records, duplicate keys). */
function redactTree(event: Event): void {
  const record = event.json();
  if (record === null) {
    event.fail("redact: cannot read the record: " + event.jsonError);
    return;
  }
  if (!record.has(field)) {
    event.emitInput();
    return;
  }
  record.set(field, json.Value.string("***"));
  event.emitJson(record);
}
