//! weft's own events ABI, version 1 (docs/abi/weft-events.md): one `weft_process` call per
//! batch of events laid out in one buffer, answered with host calls per event.
//!
//! Write a type that implements [`Processor`] and name it in
//! [`weft_processor!`](crate::weft_processor):
//!
//! ```ignore
//! struct Pass;
//! impl weft_sdk::weft::Processor for Pass {
//!     fn init(_: &weft_sdk::weft::Config) -> Result<Self, String> { Ok(Pass) }
//!     fn process(&mut self, event: &weft_sdk::weft::Event) -> Result<(), String> {
//!         Ok(event.emit_input()?)
//!     }
//! }
//! weft_sdk::weft_processor!(Pass);
//! ```
//!
//! The batch reader ([`Batch`], [`Event`], [`Config`]) is plain safe code over byte slices and
//! builds for any target; the host calls (emit, drop, ...) exist on wasm32 only.

use std::fmt;

/// The batch header's magic, "WEV1" little-endian.
pub const MAGIC: u32 = 0x3156_4557;
/// Header flags bit 0: records are msgpack maps (else JSON objects as UTF-8 text).
pub const FLAG_MSGPACK: u32 = 1;

/// Why the guest could not read a batch or configuration the host gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    /// What was wrong, with the byte offset.
    pub message: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Reads the little-endian fields of a buffer, failing on truncation with the offset.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn err<T>(&self, message: &str) -> Result<T, FormatError> {
        Err(FormatError { message: format!("{} at byte {}: {}", self.what, self.pos, message) })
    }
    fn bytes(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        if self.data.len() - self.pos < n {
            return self.err(&format!("{} bytes needed, {} left", n, self.data.len() - self.pos));
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, FormatError> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn i64(&mut self) -> Result<i64, FormatError> {
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(i64::from_le_bytes(a))
    }
    fn sized(&mut self) -> Result<&'a [u8], FormatError> {
        let n = self.u32()? as usize;
        self.bytes(n)
    }
    fn text(&mut self) -> Result<&'a str, FormatError> {
        let start = self.pos;
        let b = self.sized()?;
        std::str::from_utf8(b).or_else(|_| {
            self.pos = start;
            self.err("text is not UTF-8")
        })
    }
}

/// The configuration given to `weft_init`: the `--config K=V` pairs, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    entries: Vec<(String, String)>,
}

impl Config {
    /// A configuration from pairs (for tests and for processors built by hand).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Config {
        Config { entries: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
    }
    /// Reads the configuration block: `u32 count`, then count times `u32 key_len, key,
    /// u32 value_len, value`.
    pub fn parse(block: &[u8]) -> Result<Config, FormatError> {
        let mut r = Reader { data: block, pos: 0, what: "configuration block" };
        if block.is_empty() {
            return Ok(Config::default());
        }
        let count = r.u32()?;
        let mut entries = Vec::new();
        for _ in 0..count {
            let key = r.text()?;
            let value = r.text()?;
            entries.push((key.to_string(), value.to_string()));
        }
        if r.pos != block.len() {
            return r.err("unexpected bytes after the last entry");
        }
        Ok(Config { entries })
    }
    /// Reads a configuration given as a JSON object's text (the elastic ABI's `register`):
    /// string values as they are, other values as their JSON text. Empty text is an empty
    /// configuration.
    pub fn parse_json(text: &[u8]) -> Result<Config, String> {
        if text.iter().all(|b| b.is_ascii_whitespace()) {
            return Ok(Config::default());
        }
        let object = crate::json::parse_object(text).map_err(|e| format!("configuration: {}", e))?;
        let entries = object
            .iter()
            .map(|(k, v)| {
                let value = match v.as_str() {
                    Some(s) => s.to_string(),
                    None => v.to_json(),
                };
                (k.to_string(), value)
            })
            .collect();
        Ok(Config { entries })
    }
    /// The value of `key` (the last one given, if it was given more than once).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
    /// The value of `key`, or `default` when it was not given.
    pub fn get_or<'a>(&'a self, key: &str, default: &'a str) -> &'a str {
        self.get(key).unwrap_or(default)
    }
    /// Every entry, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// An event's time: seconds since the Unix epoch and nanoseconds (0 ..= 999,999,999).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Time {
    pub sec: i64,
    pub nsec: u32,
}

/// One input event of a batch: views into the batch buffer, valid during `weft_process` only.
#[derive(Clone, Copy, Debug)]
pub struct Event<'a> {
    index: u32,
    time: Time,
    tag: &'a str,
    record: &'a [u8],
    msgpack: bool,
    meta_count: u32,
    meta: &'a [u8],
}

impl<'a> Event<'a> {
    /// The event's number in its batch, from 0: the index the host calls name.
    pub fn index(&self) -> u32 {
        self.index
    }
    /// The input's tag.
    pub fn tag(&self) -> &'a str {
        self.tag
    }
    /// The input's time.
    pub fn time(&self) -> Time {
        self.time
    }
    /// The record's bytes: a JSON object as UTF-8 text, or a msgpack map when
    /// [`is_msgpack`](Event::is_msgpack).
    pub fn record(&self) -> &'a [u8] {
        self.record
    }
    /// Whether the record is msgpack (the batch's flags bit 0) rather than JSON.
    pub fn is_msgpack(&self) -> bool {
        self.msgpack
    }
    /// The record decoded into an object, from JSON text or msgpack as the batch says, or an
    /// error a processor can return as the event's failure reason.
    pub fn record_object(&self) -> Result<crate::json::Object, String> {
        if self.msgpack {
            crate::msgpack::decode_object(self.record).map_err(|e| format!("record: {}", e))
        } else {
            crate::json::parse_object(self.record).map_err(|e| format!("record: {}", e))
        }
    }
    /// The input's metadata entries, in order.
    pub fn metadata(&self) -> Metadata<'a> {
        Metadata { r: Reader { data: self.meta, pos: 0, what: "metadata" }, left: self.meta_count }
    }
    /// The value of metadata entry `key`.
    pub fn meta(&self, key: &str) -> Option<&'a str> {
        self.metadata().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

/// The metadata entries of an [`Event`] (validated when the batch was read).
pub struct Metadata<'a> {
    r: Reader<'a>,
    left: u32,
}

impl<'a> Iterator for Metadata<'a> {
    type Item = (&'a str, &'a str);
    fn next(&mut self) -> Option<(&'a str, &'a str)> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let key = self.r.text().ok()?;
        let value = self.r.text().ok()?;
        Some((key, value))
    }
}

/// A batch as `weft_process` receives it.
#[derive(Clone, Copy, Debug)]
pub struct Batch<'a> {
    data: &'a [u8],
    count: u32,
    flags: u32,
}

impl<'a> Batch<'a> {
    /// Reads the header of a batch buffer; events are read (and checked) as they are iterated.
    pub fn parse(data: &'a [u8]) -> Result<Batch<'a>, FormatError> {
        let mut r = Reader { data, pos: 0, what: "batch" };
        let magic = r.u32()?;
        if magic != MAGIC {
            return r.err(&format!("magic is {:#010x}, not \"WEV1\" ({:#010x})", magic, MAGIC));
        }
        let count = r.u32()?;
        let flags = r.u32()?;
        Ok(Batch { data, count, flags })
    }
    /// The number of events.
    pub fn len(&self) -> u32 {
        self.count
    }
    /// Whether the batch has no event.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
    /// Whether records are msgpack maps.
    pub fn is_msgpack(&self) -> bool {
        self.flags & FLAG_MSGPACK != 0
    }
    /// The events in order; an event the guest cannot read ends the iteration with an error.
    pub fn events(&self) -> Events<'a> {
        Events {
            r: Reader { data: self.data, pos: 12, what: "batch" },
            index: 0,
            count: self.count,
            msgpack: self.is_msgpack(),
        }
    }
}

impl<'a> IntoIterator for Batch<'a> {
    type Item = Result<Event<'a>, FormatError>;
    type IntoIter = Events<'a>;
    fn into_iter(self) -> Events<'a> {
        self.events()
    }
}

/// Iterates over the events of a [`Batch`].
pub struct Events<'a> {
    r: Reader<'a>,
    index: u32,
    count: u32,
    msgpack: bool,
}

impl<'a> Events<'a> {
    fn read(&mut self) -> Result<Event<'a>, FormatError> {
        let body = self.r.sized()?;
        let base = self.r.pos - body.len();
        let mut r = Reader { data: body, pos: 0, what: "event" };
        let sec = r.i64()?;
        let nsec = r.u32()?;
        let tag = r.text()?;
        let record = r.sized()?;
        let meta_count = r.u32()?;
        let meta_start = r.pos;
        for _ in 0..meta_count {
            r.text()?;
            r.text()?;
        }
        if r.pos != body.len() {
            return Err(FormatError {
                message: format!("event {} at byte {}: its size leaves {} bytes unread", self.index,
                                 base, body.len() - r.pos),
            });
        }
        Ok(Event {
            index: self.index,
            time: Time { sec, nsec },
            tag,
            record,
            msgpack: self.msgpack,
            meta_count,
            meta: &body[meta_start..],
        })
    }
}

impl<'a> Iterator for Events<'a> {
    type Item = Result<Event<'a>, FormatError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.index >= self.count {
            return None;
        }
        let e = self.read();
        match e {
            Ok(_) => self.index += 1,
            Err(_) => self.index = self.count, // the rest cannot be found
        }
        Some(e)
    }
}

/// A host call's non-zero status (docs/abi/weft-events.md, "The host functions").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// 1: the index is out of range, or the event was already failed.
    NoSuchEvent,
    /// 2: a range outside memory, text that is not UTF-8, a bad level or nanoseconds.
    InvalidArgument,
    /// 3: an emitted record that is not a JSON object (or msgpack map): the event is failed.
    InvalidRecord,
    /// A status this SDK does not know (a newer host).
    Other(i32),
}

impl Status {
    /// The status as a result: 0 is `Ok`.
    pub fn check(code: i32) -> Result<(), Status> {
        match code {
            0 => Ok(()),
            1 => Err(Status::NoSuchEvent),
            2 => Err(Status::InvalidArgument),
            3 => Err(Status::InvalidRecord),
            n => Err(Status::Other(n)),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::NoSuchEvent => f.write_str("no such event (1)"),
            Status::InvalidArgument => f.write_str("invalid argument (2)"),
            Status::InvalidRecord => f.write_str("invalid record (3)"),
            Status::Other(n) => write!(f, "status {}", n),
        }
    }
}

impl From<Status> for String {
    fn from(s: Status) -> String {
        s.to_string()
    }
}

/// Log levels of the host's `log` call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(i32)]
pub enum Level {
    Trace = 0,
    Debug = 1,
    Info = 2,
    Warn = 3,
    Error = 4,
}

/// A processor of weft events: [`weft_processor!`](crate::weft_processor) makes the module's
/// exports from it.
pub trait Processor: Sized + 'static {
    /// Makes the processor from the configuration (`weft_init`). An `Err` refuses it, and the
    /// message becomes the error the host reports.
    fn init(config: &Config) -> Result<Self, String>;
    /// Handles one input: call `Event::emit` and friends (wasm32 only). An `Err` fails the
    /// event with that reason (outputs emitted for it so far are discarded).
    fn process(&mut self, event: &Event<'_>) -> Result<(), String>;
}

#[cfg(target_arch = "wasm32")]
pub use self::host::*;

#[cfg(target_arch = "wasm32")]
mod host {
    use super::{Event, Level, Status, Time};

    #[link(wasm_import_module = "weft")]
    extern "C" {
        #[link_name = "emit"]
        fn host_emit(index: i32, record_ptr: *const u8, record_len: usize) -> i32;
        #[link_name = "emit_input"]
        fn host_emit_input(index: i32) -> i32;
        #[link_name = "drop"]
        fn host_drop(index: i32) -> i32;
        #[link_name = "fail"]
        fn host_fail(index: i32, msg_ptr: *const u8, msg_len: usize) -> i32;
        #[link_name = "route"]
        fn host_route(index: i32, tag_ptr: *const u8, tag_len: usize) -> i32;
        #[link_name = "set_time"]
        fn host_set_time(index: i32, sec: i64, nsec: u32) -> i32;
        #[link_name = "meta_set"]
        fn host_meta_set(index: i32, key_ptr: *const u8, key_len: usize, value_ptr: *const u8,
                    value_len: usize) -> i32;
        #[link_name = "meta_remove"]
        fn host_meta_remove(index: i32, key_ptr: *const u8, key_len: usize) -> i32;
        #[link_name = "log"]
        fn host_log(level: i32, msg_ptr: *const u8, msg_len: usize) -> i32;
    }

    // SAFETY (every call below): the host copies the ranges it is given during the call, and the
    // slices passed stay borrowed for the call's duration.

    impl<'a> Event<'a> {
        fn idx(&self) -> i32 {
            self.index as i32
        }
        /// Outputs a new event for this input with `record` (a JSON object's text, or a msgpack
        /// map in msgpack mode), under the tag, time and metadata as changed so far.
        pub fn emit(&self, record: &[u8]) -> Result<(), Status> {
            Status::check(unsafe { host_emit(self.idx(), record.as_ptr(), record.len()) })
        }
        /// Outputs a new event with this object as its record, encoded as the batch's records
        /// are (JSON text, or msgpack).
        pub fn emit_object(&self, record: &crate::json::Object) -> Result<(), Status> {
            if self.msgpack {
                let mut bytes = Vec::new();
                crate::msgpack::encode_object_into(record, &mut bytes);
                self.emit(&bytes)
            } else {
                self.emit(record.to_json().as_bytes())
            }
        }
        /// Outputs a new event with this value as its record (it must be an object, else the
        /// host fails the event: [`Status::InvalidRecord`]), encoded as the batch's records are.
        pub fn emit_value(&self, record: &crate::json::Value) -> Result<(), Status> {
            if self.msgpack {
                self.emit(&crate::msgpack::encode(record))
            } else {
                self.emit(record.to_json().as_bytes())
            }
        }
        /// Outputs this input with its own record, without copying it through guest memory.
        pub fn emit_input(&self) -> Result<(), Status> {
            Status::check(unsafe { host_emit_input(self.idx()) })
        }
        /// Says that this input produces no output, on purpose.
        pub fn drop(&self) -> Result<(), Status> {
            Status::check(unsafe { host_drop(self.idx()) })
        }
        /// Fails this input with `reason`; its outputs so far are discarded.
        pub fn fail(&self, reason: &str) -> Result<(), Status> {
            Status::check(unsafe { host_fail(self.idx(), reason.as_ptr(), reason.len()) })
        }
        /// Sets the tag of this input's following outputs.
        pub fn route(&self, tag: &str) -> Result<(), Status> {
            Status::check(unsafe { host_route(self.idx(), tag.as_ptr(), tag.len()) })
        }
        /// Sets the time of this input's following outputs (`nsec` below 10^9).
        pub fn set_time(&self, time: Time) -> Result<(), Status> {
            Status::check(unsafe { host_set_time(self.idx(), time.sec, time.nsec) })
        }
        /// Sets a metadata entry of this input's following outputs.
        pub fn meta_set(&self, key: &str, value: &str) -> Result<(), Status> {
            Status::check(unsafe {
                host_meta_set(self.idx(), key.as_ptr(), key.len(), value.as_ptr(), value.len())
            })
        }
        /// Removes a metadata entry from this input's following outputs.
        pub fn meta_remove(&self, key: &str) -> Result<(), Status> {
            Status::check(unsafe { host_meta_remove(self.idx(), key.as_ptr(), key.len()) })
        }
    }

    /// Fails the whole call (`weft_init`, or every unfinished event of the batch) with `reason`.
    pub fn fail_all(reason: &str) -> Result<(), Status> {
        Status::check(unsafe { host_fail(-1, reason.as_ptr(), reason.len()) })
    }

    /// Writes a log line through the host's log sink.
    pub fn log_at(level: Level, message: &str) -> Result<(), Status> {
        Status::check(unsafe { host_log(level as i32, message.as_ptr(), message.len()) })
    }

    /// Log lines at each level; a failed log call is ignored (there is nowhere to report it).
    pub mod log {
        use super::{log_at, Level};
        pub fn trace(message: &str) {
            let _ = log_at(Level::Trace, message);
        }
        pub fn debug(message: &str) {
            let _ = log_at(Level::Debug, message);
        }
        pub fn info(message: &str) {
            let _ = log_at(Level::Info, message);
        }
        pub fn warn(message: &str) {
            let _ = log_at(Level::Warn, message);
        }
        pub fn error(message: &str) {
            let _ = log_at(Level::Error, message);
        }
    }
}

/// The code behind [`weft_processor!`](crate::weft_processor)'s exports; not an API.
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod __rt {
    use super::{fail_all, log_at, Batch, Config, Level, Processor};
    use std::cell::UnsafeCell;

    /// The module's one processor. A wasm32 guest instance runs one call at a time, and the
    /// only export a host calls back during a call (the elastic host's `malloc`, from inside
    /// `elastic_get_field`) does not touch the processor, so the cell is never borrowed twice.
    pub struct Slot<P>(UnsafeCell<Option<P>>);

    // SAFETY: see above: no two calls of one instance run at once.
    unsafe impl<P> Sync for Slot<P> {}

    impl<P> Slot<P> {
        pub const fn new() -> Slot<P> {
            Slot(UnsafeCell::new(None))
        }
        #[allow(clippy::mut_from_ref)]
        pub(crate) fn get_mut(&self) -> &mut Option<P> {
            // SAFETY: see the type's comment; each export takes this once.
            unsafe { &mut *self.0.get() }
        }
    }

    /// A panic traps the instance (wasm32 aborts); log its message first, so the operator sees
    /// why and where rather than only "unreachable".
    fn install_panic_log() {
        std::panic::set_hook(Box::new(|info| {
            let _ = log_at(Level::Error, &format!("plugin {}", info));
        }));
    }

    /// The bytes `ptr..ptr+len` the host wrote into this module's memory (none when `len` is 0,
    /// whatever `ptr` is).
    ///
    /// # Safety
    /// The range is inside this module's memory and nothing writes to it while the slice lives.
    pub unsafe fn host_bytes<'a>(ptr: u32, len: u32) -> &'a [u8] {
        if len == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(ptr as *const u8, len as usize)
        }
    }

    /// `weft_alloc(size) -> ptr`.
    pub fn alloc(size: u32) -> u32 {
        crate::alloc::malloc(size as usize) as u32
    }

    /// `weft_free(ptr)`.
    ///
    /// # Safety
    /// `ptr` is 0 or a block from `weft_alloc` the host has not freed yet.
    pub unsafe fn free(ptr: u32) {
        crate::alloc::free(ptr as *mut u8)
    }

    /// `weft_init(config_ptr, config_len) -> status`.
    ///
    /// # Safety
    /// `ptr..ptr+len` is the block the host filled (in this module's memory).
    pub unsafe fn init<P: Processor>(slot: &Slot<P>, ptr: u32, len: u32) -> i32 {
        install_panic_log();
        let block = host_bytes(ptr, len);
        let made = Config::parse(block).map_err(|e| e.to_string()).and_then(|c| P::init(&c));
        match made {
            Ok(p) => {
                *slot.get_mut() = Some(p);
                0
            }
            Err(reason) => {
                let _ = fail_all(&reason);
                1
            }
        }
    }

    /// `weft_process(batch_ptr, batch_len, count) -> status`.
    ///
    /// # Safety
    /// `ptr..ptr+len` is the batch buffer the host filled (in this module's memory).
    pub unsafe fn process<P: Processor>(slot: &Slot<P>, ptr: u32, len: u32, count: u32) -> i32 {
        let data = host_bytes(ptr, len);
        let processor = slot.get_mut();
        if processor.is_none() {
            // weft_init is exported, so the host has called it; this is only reached by a host
            // that skipped it. An empty configuration is what such a host means.
            match P::init(&Config::default()) {
                Ok(p) => *processor = Some(p),
                Err(reason) => {
                    let _ = fail_all(&reason);
                    return 1;
                }
            }
        }
        let processor = match processor.as_mut() {
            Some(p) => p,
            None => return 1,
        };
        let batch = match Batch::parse(data) {
            Ok(b) => b,
            Err(e) => {
                let _ = fail_all(&e.to_string());
                return 1;
            }
        };
        if batch.len() != count {
            let _ = fail_all(&format!("the batch header counts {} events, weft_process was told {}",
                                      batch.len(), count));
            return 1;
        }
        for event in batch {
            match event {
                Ok(event) => {
                    if let Err(reason) = processor.process(&event) {
                        let _ = event.fail(&reason);
                    }
                }
                Err(e) => {
                    // The events not reached yet are failed with the reason.
                    let _ = fail_all(&e.to_string());
                    return 1;
                }
            }
        }
        0
    }
}

/// Makes the module's weft events ABI exports (`weft_events_abi_1`, `weft_alloc`, `weft_free`,
/// `weft_init`, `weft_process`) from a type implementing
/// [`weft::Processor`](crate::weft::Processor).
/// Use it once, at the top level of a `cdylib` crate built for wasm32.
#[macro_export]
macro_rules! weft_processor {
    ($processor:ty) => {
        const _: () = {
            static WEFT_PROCESSOR: $crate::weft::__rt::Slot<$processor> =
                $crate::weft::__rt::Slot::new();

            /// The ABI marker: this module speaks weft events ABI version 1. Never called.
            #[no_mangle]
            pub extern "C" fn weft_events_abi_1() {}

            #[no_mangle]
            pub extern "C" fn weft_alloc(size: u32) -> u32 {
                $crate::weft::__rt::alloc(size)
            }

            #[no_mangle]
            pub extern "C" fn weft_free(ptr: u32) {
                // SAFETY: the host frees only blocks it got from weft_alloc, once.
                unsafe { $crate::weft::__rt::free(ptr) }
            }

            #[no_mangle]
            pub extern "C" fn weft_init(ptr: u32, len: u32) -> i32 {
                // SAFETY: the host passes the configuration block it wrote.
                unsafe { $crate::weft::__rt::init::<$processor>(&WEFT_PROCESSOR, ptr, len) }
            }

            #[no_mangle]
            pub extern "C" fn weft_process(ptr: u32, len: u32, count: u32) -> i32 {
                // SAFETY: the host passes the batch buffer it wrote.
                unsafe {
                    $crate::weft::__rt::process::<$processor>(&WEFT_PROCESSOR, ptr, len, count)
                }
            }
        };
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put_text(out: &mut Vec<u8>, s: &str) {
        out.extend_from_slice(&(s.len() as u32).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    }

    fn event_bytes(sec: i64, nsec: u32, tag: &str, record: &str, meta: &[(&str, &str)]) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend_from_slice(&sec.to_le_bytes());
        body.extend_from_slice(&nsec.to_le_bytes());
        put_text(&mut body, tag);
        put_text(&mut body, record);
        body.extend_from_slice(&(meta.len() as u32).to_le_bytes());
        for (k, v) in meta {
            put_text(&mut body, k);
            put_text(&mut body, v);
        }
        let mut out = (body.len() as u32).to_le_bytes().to_vec();
        out.extend_from_slice(&body);
        out
    }

    fn batch_bytes(flags: u32, events: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&MAGIC.to_le_bytes());
        out.extend_from_slice(&(events.len() as u32).to_le_bytes());
        out.extend_from_slice(&flags.to_le_bytes());
        for e in events {
            out.extend_from_slice(e);
        }
        out
    }

    #[test]
    fn reads_the_documented_layout() {
        let data = batch_bytes(0, &[
            event_bytes(-5, 999_999_999, "app.web", "{\"a\":1}", &[]),
            event_bytes(1_700_000_000, 1, "t", "{}", &[("source", "db-1"), ("k", "")]),
        ]);
        assert_eq!(u32::from_le_bytes([data[0], data[1], data[2], data[3]]), 0x31564557);
        assert_eq!(&data[..4], b"WEV1");
        let batch = Batch::parse(&data).unwrap();
        assert_eq!(batch.len(), 2);
        assert!(!batch.is_msgpack());
        let events: Vec<Event> = batch.events().map(|e| e.unwrap()).collect();
        assert_eq!(events[0].index(), 0);
        assert_eq!(events[0].time(), Time { sec: -5, nsec: 999_999_999 });
        assert_eq!(events[0].tag(), "app.web");
        assert_eq!(events[0].record(), b"{\"a\":1}");
        assert_eq!(events[0].metadata().count(), 0);
        assert_eq!(events[1].index(), 1);
        assert_eq!(events[1].metadata().collect::<Vec<_>>(), vec![("source", "db-1"), ("k", "")]);
        assert_eq!(events[1].meta("source"), Some("db-1"));
        assert_eq!(events[1].meta("x"), None);
        assert_eq!(events[0].record_object().unwrap().get("a").unwrap().to_json(), "1");
    }

    #[test]
    fn msgpack_flag_is_seen() {
        let data = batch_bytes(FLAG_MSGPACK, &[event_bytes(0, 0, "t", "\u{80}", &[])]);
        let batch = Batch::parse(&data).unwrap();
        assert!(batch.is_msgpack());
        let e = batch.events().next().unwrap().unwrap();
        assert!(e.is_msgpack());
        assert!(e.record_object().unwrap_err().contains("invalid msgpack"));
    }

    #[test]
    fn refuses_a_wrong_magic_and_truncation() {
        let mut data = batch_bytes(0, &[event_bytes(0, 0, "t", "{}", &[])]);
        assert!(Batch::parse(&data[..8]).is_err());
        let good = Batch::parse(&data).unwrap();
        let truncated = Batch::parse(&data[..data.len() - 1]).unwrap();
        assert!(good.events().next().unwrap().is_ok());
        let mut it = truncated.events();
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
        data[0] = b'X';
        assert!(Batch::parse(&data).unwrap_err().message.contains("magic"));
    }

    #[test]
    fn refuses_an_event_whose_size_does_not_match() {
        let mut e = event_bytes(0, 0, "t", "{}", &[]);
        let size = u32::from_le_bytes([e[0], e[1], e[2], e[3]]) + 1;
        e[..4].copy_from_slice(&size.to_le_bytes());
        e.push(0);
        let data = batch_bytes(0, &[e]);
        let err = Batch::parse(&data).unwrap().events().next().unwrap().unwrap_err();
        assert!(err.message.contains("leaves 1 bytes unread"), "{}", err.message);
    }

    #[test]
    fn reads_the_configuration_block() {
        let mut block = 2u32.to_le_bytes().to_vec();
        put_text(&mut block, "field");
        put_text(&mut block, "secret");
        put_text(&mut block, "min_level");
        put_text(&mut block, "warn");
        let c = Config::parse(&block).unwrap();
        assert_eq!(c.get("field"), Some("secret"));
        assert_eq!(c.get_or("min_level", "info"), "warn");
        assert_eq!(c.get_or("other", "d"), "d");
        assert_eq!(c.iter().count(), 2);
        assert!(Config::parse(&block[..block.len() - 1]).is_err());
        assert_eq!(Config::parse(&0u32.to_le_bytes()).unwrap(), Config::default());
        assert_eq!(Config::parse(&[]).unwrap(), Config::default());
        let j = Config::parse_json(br#"{"field":"secret","n":3}"#).unwrap();
        assert_eq!(j.get("field"), Some("secret"));
        assert_eq!(j.get("n"), Some("3"));
        assert!(Config::parse_json(b"[1]").is_err());
        assert_eq!(Config::parse_json(b" ").unwrap(), Config::default());
    }
}
