// drop (examples/events/README.md): an event whose top-level `level` names a level (trace <
// debug < info < warn < error, any case) below the configuration key `min_level` (default
// "info") is dropped; every other event passes unchanged.
export * from "../../../sdk/assemblyscript/assembly/weft-exports";
import { Config, Event, onEvent, onInit } from "../../../sdk/assemblyscript/assembly/weft";
import * as json from "../../../sdk/assemblyscript/assembly/json";
import { levelRank } from "./behaviours";

let minRank = levelRank("info");

onInit((config: Config): string | null => {
  const name = config.get("min_level", "info");
  minRank = levelRank(name);
  if (minRank < 0) {
    return "drop: min_level \"" + name + "\" is not one of trace, debug, info, warn, error";
  }
  return null;
});

onEvent((event: Event): void => {
  // The record's top-level `level`, if it is a string.
  let level: string | null = null;
  if (event.isMsgpack) {
    const record = event.json();
    if (record === null) {
      event.fail("drop: cannot read the record: " + event.jsonError);
      return;
    }
    const value = record.get("level");
    if (value !== null && value.isString) level = value.asString();
  } else {
    // JSON: look the field up in place, without decoding the record or building its tree.
    const span = event.findField("level");
    if (span === null && json.lastError.length > 0) {
      event.fail("drop: cannot read the record: " + json.lastError);
      return;
    }
    if (span !== null && load<u8>(event.recordPtr + <usize>span.start) == 0x22 /* a string */) {
      const value = json.parse(event.fieldText(span));
      if (value !== null) level = value.asString();
    }
  }
  if (level !== null) {
    const rank = levelRank(level);
    if (rank >= 0 && rank < minRank) {
      event.drop();
      return;
    }
  }
  event.emitInput();
});
