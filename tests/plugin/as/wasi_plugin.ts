// A `wasi: true` plugin: the PDK plus AssemblyScript's WASI shim (@assemblyscript/wasi-shim),
// whose runtime calls wasi_snapshot_preview1 (random_get here, through crypto).
import { Host, Memory } from "@extism/as-pdk";

// Fills 32 bytes from WASI's random_get and checks they are not all zero, then answers with
// the input's length: the answer is deterministic, the WASI call is real.
export function wasi_random(): i32 {
  const buf = new Uint8Array(32);
  crypto.getRandomValues(buf);
  let nonzero = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i] != 0) nonzero++;
  const input = Host.input();
  Host.outputMemory(
    Memory.allocateString(
      (nonzero > 0 ? "random ok" : "random all zero") + ", input " + input.length.toString() + " bytes",
    ),
  );
  return 0;
}
