// drop (examples/events/README.md) for the elastic ABI: an event whose top-level `level` names
// a level (trace < debug < info < warn < error, any case) below the configuration key
// `min_level` (default "info") is dropped, by emitting nothing; every other event passes.
export * from "../../../sdk/assemblyscript/assembly/elastic-exports";
import {
  Config,
  emitCurrent,
  getString,
  onProcess,
  onRegister,
} from "../../../sdk/assemblyscript/assembly/elastic";
import { levelRank } from "../../weft/assemblyscript/behaviours";

let minRank = levelRank("info");

onRegister((config: Config): string | null => {
  const name = config.get("min_level", "info");
  minRank = levelRank(name);
  if (minRank < 0) {
    return "drop: min_level \"" + name + "\" is not one of trace, debug, info, warn, error";
  }
  return null;
});

onProcess((): i32 => {
  const level = getString("level");
  if (level !== null) {
    const rank = levelRank(level);
    if (rank >= 0 && rank < minRank) return 0; // no output: dropped
  }
  return emitCurrent();
});
