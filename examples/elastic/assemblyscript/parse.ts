// parse (examples/events/README.md) for the elastic ABI: a top-level string field `log` of the
// form "LEVEL COMPONENT: MESSAGE" is replaced by `level` (lower case), `component` and
// `message`; any other record passes unchanged.
export * from "../../../sdk/assemblyscript/assembly/elastic-exports";
import {
  Level,
  Status,
  emitCurrent,
  getString,
  log,
  onProcess,
  putString,
  removeField,
} from "../../../sdk/assemblyscript/assembly/elastic";
import { LogLine, parseLogLine } from "../../weft/assemblyscript/behaviours";

onProcess((): i32 => {
  const text = getString("log");
  const line: LogLine | null = text !== null ? parseLogLine(text) : null;
  if (line !== null) {
    if (
      removeField("log") != Status.Ok ||
      putString("level", line.level) != Status.Ok ||
      putString("component", line.component) != Status.Ok ||
      putString("message", line.message) != Status.Ok
    ) {
      log(Level.Error, "parse: could not change the record");
      return 1;
    }
  }
  return emitCurrent();
});
