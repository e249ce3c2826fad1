// The exports weft's elastic ingest ABI needs, for a plugin's entry file to re-export in one
// line:
//
//   export * from "@weft/sdk/assembly/elastic-exports";
//
// (AssemblyScript makes only the entry file's exports into module exports, so the SDK cannot
// export them by itself.)

export { elastic_ingest_wasm_abi_1_0, malloc, register, process } from "./elastic";
