// @weft/sdk: AssemblyScript guest SDK for weft's event-processing ABIs.
//
// Each ABI has its own module (they name some things alike: log, Level, Status, config), and
// its own exports module for the plugin's entry file to re-export:
//
//   weft events ABI v1 (docs/abi/weft-events.md):  "@weft/sdk/assembly/weft",
//                                                   "@weft/sdk/assembly/weft-exports"
//   elastic ingest ABI (docs/abi/elastic.md):       "@weft/sdk/assembly/elastic",
//                                                   "@weft/sdk/assembly/elastic-exports"
//
// This index holds what both share: the JSON module, the configuration and the byte writer
// (msgpack: "@weft/sdk/assembly/msgpack").

export {
  Kind,
  Value,
  FieldSpan,
  parse,
  parseUtf8,
  stringify,
  quote,
  writeString,
  findField,
} from "./json";
export { Config } from "./config";
export { ByteWriter, utf8Length } from "./bytes";
