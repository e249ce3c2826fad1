// redact (examples/events/README.md) for the elastic ABI: the top-level field named by the
// configuration key `field` (default "password"), whatever its value, becomes "***".
export * from "../../../sdk/assemblyscript/assembly/elastic-exports";
import {
  Config,
  Level,
  Status,
  emitCurrent,
  fieldKey,
  getField,
  lastStatus,
  log,
  onProcess,
  onRegister,
  putString,
} from "../../../sdk/assemblyscript/assembly/elastic";

// A dotted key addresses nested fields: escape the name so that a field called "a.b" is the
// top-level one.
let key = "password";

onRegister((config: Config): string | null => {
  const field = config.get("field", "password");
  if (field.length == 0) return "redact: the configuration key `field` is empty";
  key = fieldKey([field]);
  return null;
});

onProcess((): i32 => {
  if (getField(key) !== null) {
    if (putString(key, "***") != Status.Ok) {
      log(Level.Error, "redact: could not set the field");
      return 1;
    }
  } else if (lastStatus != Status.NotFound) {
    log(Level.Error, "redact: reading the field failed with status " + lastStatus.toString());
    return 1;
  }
  return emitCurrent();
});
