// An elastic ABI plugin for host_test.sh: the same checks as weft_checks.ts.
export * from "../../assembly/elastic-exports";
import { Config, emitCurrent, getField, onProcess, onRegister } from "../../assembly/elastic";

onRegister((config: Config): string | null => {
  return config.has("refuse") ? "refused: " + config.get("refuse") : null;
});

onProcess((): i32 => {
  assert(getField("boom") === null, "the record says boom");
  return emitCurrent();
});
