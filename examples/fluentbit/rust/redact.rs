//! redact (examples/events/README.md) as a Fluent Bit filter in Rust (wasm32-unknown-unknown):
//! the top-level field `password` (Fluent Bit filters have no configuration: the default)
//! becomes "***", whatever its value was.
#[path = "json.rs"]
mod json;

const FIELD: &[u8] = b"password";

#[no_mangle]
pub extern "C" fn filter(_tag: *const u8, _tag_len: i32, _sec: u32, _nsec: u32, record: *const u8,
                         record_len: i32) -> *const u8 {
    let rec = unsafe { json::input(record, record_len) };
    let members = json::members(rec);
    if !members.iter().any(|m| m.key == FIELD) {
        return record; // unchanged: the host's own buffer back
    }
    json::output(members.iter().map(|m| {
        let value = if m.key == FIELD { b"\"***\"".to_vec() } else { m.value.to_vec() };
        (m.key, value)
    }))
}
