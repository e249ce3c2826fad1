//! The elastic ingest ABI (docs/abi/elastic.md): the host calls `process()` once per event, and
//! the plugin reads and edits the current event's fields as JSON text through module
//! `elastic`, then emits zero, one or many events (none: the event is dropped).
//!
//! Write a type that implements [`Processor`] and name it in
//! [`elastic_processor!`](crate::elastic_processor):
//!
//! ```ignore
//! use weft_sdk::elastic::{self, Config, Field, Processor};
//! struct Tag;
//! impl Processor for Tag {
//!     fn register(_: &Config) -> Result<Self, String> { Ok(Tag) }
//!     fn process(&mut self) -> Result<(), String> {
//!         Field::new("seen").put_str("yes").map_err(|s| s.to_string())?;
//!         elastic::emit_current().map_err(|s| s.to_string())
//!     }
//! }
//! weft_sdk::elastic_processor!(Tag);
//! ```
//!
//! Keys are dotted paths to nested fields ("a.b" is member `b` of object `a`).

use std::fmt;

pub use crate::proto::EventOverlay;
pub use crate::weft::Config;

/// A host call's non-zero status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// 1: the host failed (or returned something the SDK could not read).
    InternalFailure,
    /// 2: a bad argument: a range outside memory, a value that is not JSON, a path through a
    /// non-object.
    InvalidArgument,
    /// 3: no field at that key.
    NotFound,
    /// A status this SDK does not know (a newer host).
    Other(i32),
}

impl Status {
    /// The status as a result: 0 is `Ok`.
    pub fn check(code: i32) -> Result<(), Status> {
        match code {
            0 => Ok(()),
            1 => Err(Status::InternalFailure),
            2 => Err(Status::InvalidArgument),
            3 => Err(Status::NotFound),
            n => Err(Status::Other(n)),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::InternalFailure => f.write_str("internal failure (1)"),
            Status::InvalidArgument => f.write_str("invalid argument (2)"),
            Status::NotFound => f.write_str("not found (3)"),
            Status::Other(n) => write!(f, "status {}", n),
        }
    }
}

impl From<Status> for String {
    fn from(s: Status) -> String {
        s.to_string()
    }
}

/// Levels of `elastic_log`, numbered as in Elastic's ingest wasm SDK.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(i32)]
pub enum Level {
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
    Critical = 4,
}

/// A processor of the elastic ABI: [`elastic_processor!`](crate::elastic_processor) makes the
/// module's exports from it.
pub trait Processor: Sized + 'static {
    /// Makes the processor from its configuration (`register`, a JSON object). An `Err` refuses
    /// it; the message is logged at error level.
    fn register(config: &Config) -> Result<Self, String>;
    /// Handles the current event. An `Err` is that event's error: the message is logged at
    /// error level and `process` returns 1.
    fn process(&mut self) -> Result<(), String>;
}

/// `name` as a key of one segment: the top-level field called `name`, dots and backslashes
/// included (`a.b` becomes `a\.b`, `\` becomes `\\`), as docs/abi/elastic.md escapes them.
pub fn key_escape(name: &str) -> String {
    let mut key = String::with_capacity(name.len() + 2);
    for c in name.chars() {
        if c == '.' || c == '\\' {
            key.push('\\');
        }
        key.push(c);
    }
    key
}

/// A field of the current event, by dotted key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field<'k> {
    key: &'k str,
}

impl<'k> Field<'k> {
    /// The field at dotted key `key`.
    pub fn new(key: &'k str) -> Field<'k> {
        Field { key }
    }
    /// The key.
    pub fn key(&self) -> &'k str {
        self.key
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn key_escape_makes_one_segment() {
        assert_eq!(super::key_escape("password"), "password");
        assert_eq!(super::key_escape("a.b"), "a\\.b");
        assert_eq!(super::key_escape("x\\y."), "x\\\\y\\.");
    }
}

#[cfg(target_arch = "wasm32")]
pub use self::host::*;

#[cfg(target_arch = "wasm32")]
mod host {
    use super::{EventOverlay, Field, Level, Status};
    use crate::json::{self, Value};

    #[link(wasm_import_module = "elastic")]
    extern "C" {
        fn elastic_get_field(key_ptr: *const u8, key_len: usize, ret_ptr_ptr: *mut *mut u8,
                             ret_len_ptr: *mut usize) -> i32;
        fn elastic_put_field(key_ptr: *const u8, key_len: usize, json_ptr: *const u8,
                             json_len: usize) -> i32;
        fn elastic_remove_field(key_ptr: *const u8, key_len: usize) -> i32;
        fn elastic_get_current_time_nanoseconds(ret_ptr: *mut u64) -> i32;
        fn elastic_log(level: i32, ptr: *const u8, len: usize) -> i32;
        fn elastic_emit_event(ptr: *const u8, len: usize) -> i32;
    }

    // SAFETY (every call below): the host reads the ranges it is given during the call and
    // writes only to the out-parameters passed, which are live locals.

    /// The JSON text of the field at `key`, or `None` when there is none.
    pub fn get_field(key: &str) -> Result<Option<String>, Status> {
        let mut ptr: *mut u8 = std::ptr::null_mut();
        let mut len: usize = 0;
        let status = unsafe { elastic_get_field(key.as_ptr(), key.len(), &mut ptr, &mut len) };
        match Status::check(status) {
            Ok(()) => {}
            Err(Status::NotFound) => return Ok(None),
            Err(s) => return Err(s),
        }
        if ptr.is_null() {
            return if len == 0 { Ok(Some(String::new())) } else { Err(Status::InternalFailure) };
        }
        // SAFETY: the host allocated `len` bytes at `ptr` with this module's `malloc` and
        // handed them over; they are copied out, then freed once.
        let text = unsafe {
            let bytes = std::slice::from_raw_parts(ptr, len).to_vec();
            crate::alloc::free(ptr);
            bytes
        };
        String::from_utf8(text).map(Some).map_err(|_| Status::InternalFailure)
    }

    /// Sets the field at `key` to the JSON value `json` (creating missing parent objects).
    pub fn put_field(key: &str, json: &str) -> Result<(), Status> {
        Status::check(unsafe {
            elastic_put_field(key.as_ptr(), key.len(), json.as_ptr(), json.len())
        })
    }

    /// Removes the field at `key`: `Ok(false)` when there was none.
    pub fn remove_field(key: &str) -> Result<bool, Status> {
        match Status::check(unsafe { elastic_remove_field(key.as_ptr(), key.len()) }) {
            Ok(()) => Ok(true),
            Err(Status::NotFound) => Ok(false),
            Err(s) => Err(s),
        }
    }

    impl<'k> Field<'k> {
        /// The field's JSON text, or `None` when there is none.
        pub fn get(&self) -> Result<Option<String>, Status> {
            get_field(self.key)
        }
        /// The field's value, or `None` when there is none.
        pub fn get_value(&self) -> Result<Option<Value>, Status> {
            match self.get()? {
                None => Ok(None),
                Some(text) => {
                    json::parse(text.as_bytes()).map(Some).map_err(|_| Status::InternalFailure)
                }
            }
        }
        /// The field's value if it is a string; `None` when it is missing or not a string.
        pub fn get_str(&self) -> Result<Option<String>, Status> {
            Ok(match self.get_value()? {
                Some(Value::String(s)) => Some(s),
                _ => None,
            })
        }
        /// Sets the field to a JSON text.
        pub fn put_json(&self, json: &str) -> Result<(), Status> {
            put_field(self.key, json)
        }
        /// Sets the field to a value.
        pub fn put(&self, value: &Value) -> Result<(), Status> {
            put_field(self.key, &value.to_json())
        }
        /// Sets the field to a string.
        pub fn put_str(&self, text: &str) -> Result<(), Status> {
            put_field(self.key, &json::quote(text))
        }
        /// Removes the field: `Ok(false)` when there was none.
        pub fn remove(&self) -> Result<bool, Status> {
            remove_field(self.key)
        }
    }

    /// The host's current time, in nanoseconds since the Unix epoch.
    pub fn now_nanos() -> Result<u64, Status> {
        let mut t: u64 = 0;
        Status::check(unsafe { elastic_get_current_time_nanoseconds(&mut t) })?;
        Ok(t)
    }

    /// Writes a log line through the host.
    pub fn log(level: Level, message: &str) -> Result<(), Status> {
        Status::check(unsafe { elastic_log(level as i32, message.as_ptr(), message.len()) })
    }

    /// Outputs the current event as it stands (its fields as changed so far).
    pub fn emit_current() -> Result<(), Status> {
        // An empty message; the pointer only needs to be inside memory.
        static NOTHING: u8 = 0;
        Status::check(unsafe { elastic_emit_event(&NOTHING, 0) })
    }

    /// Outputs an event: the current event with the overlay's parts replaced.
    pub fn emit(overlay: &EventOverlay<'_>) -> Result<(), Status> {
        let bytes = overlay.encode();
        if bytes.is_empty() {
            return emit_current();
        }
        Status::check(unsafe { elastic_emit_event(bytes.as_ptr(), bytes.len()) })
    }
}

/// The code behind [`elastic_processor!`](crate::elastic_processor)'s exports; not an API.
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod __rt {
    use super::{log, Config, Level, Processor};
    use crate::weft::__rt::host_bytes;
    pub use crate::weft::__rt::Slot;

    fn install_panic_log() {
        std::panic::set_hook(Box::new(|info| {
            let _ = log(Level::Error, &format!("plugin {}", info));
        }));
    }

    /// `malloc(size) -> ptr`.
    pub fn malloc(size: u32) -> u32 {
        crate::alloc::malloc(size as usize) as u32
    }

    /// `register(ptr, len) -> i32`. The block is the guest's (the host got it from `malloc`),
    /// so it is freed here once read.
    ///
    /// # Safety
    /// `ptr..ptr+len` is the configuration text the host wrote in a block from `malloc`.
    pub unsafe fn register<P: Processor>(slot: &Slot<P>, ptr: u32, len: u32) -> i32 {
        install_panic_log();
        let parsed = Config::parse_json(host_bytes(ptr, len));
        crate::alloc::free(ptr as *mut u8);
        match parsed.and_then(|c| P::register(&c)) {
            Ok(p) => {
                *slot.get_mut() = Some(p);
                0
            }
            Err(reason) => {
                let _ = log(Level::Error, &reason);
                1
            }
        }
    }

    /// `process() -> i32`.
    pub fn process<P: Processor>(slot: &Slot<P>) -> i32 {
        let processor = slot.get_mut();
        if processor.is_none() {
            // `register` is optional for the host; without it the configuration is empty.
            install_panic_log();
            match P::register(&Config::default()) {
                Ok(p) => *processor = Some(p),
                Err(reason) => {
                    let _ = log(Level::Error, &reason);
                    return 1;
                }
            }
        }
        match processor.as_mut().map(|p| p.process()) {
            Some(Ok(())) => 0,
            Some(Err(reason)) => {
                let _ = log(Level::Error, &reason);
                1
            }
            None => 1,
        }
    }
}

/// Makes the module's elastic ABI exports (the marker `elastic_ingest_wasm_abi_1_0`, `malloc`,
/// `register`, `process`) from a type implementing
/// [`elastic::Processor`](crate::elastic::Processor). Use it once, at the top level of a
/// `cdylib` crate built for wasm32. On wasm32-wasi, libc defines `malloc`: link with
/// `-C link-arg=--export=malloc` instead (the macro leaves it out there).
#[macro_export]
macro_rules! elastic_processor {
    ($processor:ty) => {
        const _: () = {
            static ELASTIC_PROCESSOR: $crate::elastic::__rt::Slot<$processor> =
                $crate::elastic::__rt::Slot::new();

            /// The ABI marker: this module speaks the elastic ingest ABI 1.0. Never called.
            #[no_mangle]
            pub extern "C" fn elastic_ingest_wasm_abi_1_0() {}

            #[cfg(not(target_os = "wasi"))]
            #[no_mangle]
            pub extern "C" fn malloc(size: u32) -> u32 {
                $crate::elastic::__rt::malloc(size)
            }

            #[no_mangle]
            pub extern "C" fn register(ptr: u32, len: u32) -> i32 {
                // SAFETY: the host passes the configuration text it wrote.
                unsafe {
                    $crate::elastic::__rt::register::<$processor>(&ELASTIC_PROCESSOR, ptr, len)
                }
            }

            #[no_mangle]
            pub extern "C" fn process() -> i32 {
                $crate::elastic::__rt::process::<$processor>(&ELASTIC_PROCESSOR)
            }
        };
    };
}
