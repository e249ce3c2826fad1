// The exports weft's events ABI needs, for a plugin's entry file to re-export in one line:
//
//   export * from "@weft/sdk/assembly/weft-exports";
//
// (AssemblyScript makes only the entry file's exports into module exports, so the SDK cannot
// export them by itself.)

export { weft_events_abi_1, weft_alloc, weft_free, weft_init, weft_process } from "./weft";
