// parse (examples/events/README.md): a top-level string field `log` of the form
// "LEVEL COMPONENT: MESSAGE" is replaced by the fields `level` (lower case), `component` and
// `message`; any other record passes unchanged.
export * from "../../../sdk/assemblyscript/assembly/weft-exports";
import { Event, onEvent } from "../../../sdk/assemblyscript/assembly/weft";
import * as json from "../../../sdk/assemblyscript/assembly/json";
import { LogLine, parseLogLine } from "./behaviours";

onEvent((event: Event): void => {
  const record = event.json();
  if (record === null) {
    event.fail("parse: cannot read the record: " + event.jsonError);
    return;
  }
  const log = record.get("log");
  const line: LogLine | null = log !== null && log.isString ? parseLogLine(log.asString()) : null;
  if (line === null) {
    event.emitInput();
    return;
  }
  record.remove("log");
  record.set("level", json.Value.string(line.level));
  record.set("component", json.Value.string(line.component));
  record.set("message", json.Value.string(line.message));
  event.emitJson(record);
});
