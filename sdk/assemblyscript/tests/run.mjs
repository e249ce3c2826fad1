// Builds sdk.test.ts with the AssemblyScript compiler next to this package and runs it:
// `node tests/run.mjs` (or `npm test`). Exit status 0 when every check passes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, "..");
// asc from the package's own node_modules or any parent's (the repository root's in weft).
const asc = createRequire(join(pkg, "package.json")).resolve("assemblyscript/bin/asc.js");
const out = mkdtempSync(join(tmpdir(), "weft-as-sdk-"));
const wasm = join(out, "sdk.test.wasm");
const args = [asc, "tests/sdk.test.ts", "-o", wasm, "-O1", "--debug"];
const build = spawnSync(process.execPath, args, { cwd: pkg, stdio: "inherit" });
if (build.status !== 0) {
  console.error("sdk.test.ts did not compile");
  process.exit(1);
}
let memory;
const text = (ptr, len) => new TextDecoder().decode(new Uint8Array(memory.buffer, ptr, len));
const imports = {
  test: { failure: (ptr, len) => console.error("FAILED: " + text(ptr, len)) },
  env: {
    abort: (msg, file, line, col) => {
      throw new Error(`abort at line ${line}:${col}`);
    },
  },
};
const { instance } = await WebAssembly.instantiate(readFileSync(wasm), imports);
memory = instance.exports.memory;
const failures = instance.exports.run();
rmSync(out, { recursive: true, force: true });
if (failures !== 0) {
  console.error(`${failures} check(s) failed`);
  process.exit(1);
}
console.log("all checks passed");
