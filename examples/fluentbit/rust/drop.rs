//! drop (examples/events/README.md) as a Fluent Bit filter in Rust (wasm32-unknown-unknown):
//! an event whose top-level `level` is a string naming trace, debug, info, warn or error (any
//! case) and ranking below `info` (the default min_level: Fluent Bit filters have no
//! configuration) is dropped (NULL); every other event passes unchanged.
#[path = "json.rs"]
mod json;

const LEVELS: [&str; 5] = ["trace", "debug", "info", "warn", "error"];
const MIN_LEVEL: usize = 2; // info

/// The rank of a JSON string value (quotes included) naming a level.
fn rank(value: &[u8]) -> Option<usize> {
    if value.len() < 2 || value[0] != b'"' {
        return None;
    }
    let name = &value[1..value.len() - 1];
    LEVELS.iter().position(|l| l.as_bytes().eq_ignore_ascii_case(name))
}

#[no_mangle]
pub extern "C" fn filter(_tag: *const u8, _tag_len: i32, _sec: u32, _nsec: u32, record: *const u8,
                         record_len: i32) -> *const u8 {
    let rec = unsafe { json::input(record, record_len) };
    for m in json::members(rec) {
        if m.key == b"level" && matches!(rank(m.value), Some(r) if r < MIN_LEVEL) {
            return std::ptr::null();
        }
    }
    record
}
