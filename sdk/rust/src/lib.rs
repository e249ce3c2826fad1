//! weft's guest SDK for Rust: write event processors for weft's own events ABI
//! ([`weft`], docs/abi/weft-events.md) and for the elastic ingest ABI ([`elastic`],
//! docs/abi/elastic.md), as WebAssembly modules.
//!
//! No dependencies, and it builds with rustc alone (Debian's 1.63 included) for
//! wasm32-unknown-unknown and wasm32-wasi; see README.md. Every `unsafe` block of a plugin lives
//! here: the host calls, the exported allocator and the views of the buffers the host fills.
//! [`json`] edits records ([`msgpack`] converts them in msgpack mode) and [`proto`] encodes the
//! elastic ABI's emitted events, with no crate.
//!
//! The host calls exist on wasm32 only; on other targets the crate still builds (the batch
//! reader, JSON and protobuf code), which is how its unit tests run on the build machine.

pub mod alloc;
pub mod elastic;
pub mod json;
pub mod msgpack;
pub mod proto;
pub mod weft;
