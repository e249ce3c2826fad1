// A weft events ABI plugin for host_test.sh: passes events through, except that a record
// holding "boom" fails an assertion (the SDK's weftAbort must report it and trap), and the
// configuration key "refuse" makes weft_init refuse with that key's value.
export * from "../../assembly/weft-exports";
import { Config, Event, onEvent, onInit } from "../../assembly/weft";

onInit((config: Config): string | null => {
  return config.has("refuse") ? "refused: " + config.get("refuse") : null;
});

onEvent((event: Event): void => {
  assert(!event.record.includes("boom"), "the record says boom");
  event.emitInput();
});
