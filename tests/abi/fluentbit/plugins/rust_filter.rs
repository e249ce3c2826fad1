// A Fluent Bit filter in Rust for wasm32-unknown-unknown: it neither imports malloc nor
// exports an allocator, so the host places its inputs in pages it adds to the memory. It
// echoes what it was given, {"tag":T,"sec":S,"nsec":N,"record":R}, from a buffer it keeps
// and reuses (the host cannot free guest-owned memory, so nothing leaks per event).
use std::cell::RefCell;
use std::slice;

thread_local! {
    static OUT: RefCell<Vec<u8>> = RefCell::new(Vec::new());
}

#[no_mangle]
pub extern "C" fn filter(tag: *const u8, tag_len: i32, sec: u32, nsec: u32, record: *const u8,
                         record_len: i32) -> *const u8 {
    // The inputs are NUL-terminated after their lengths.
    let tag = unsafe { slice::from_raw_parts(tag, tag_len as usize + 1) };
    let record = unsafe { slice::from_raw_parts(record, record_len as usize + 1) };
    if tag[tag.len() - 1] != 0 || record[record.len() - 1] != 0 {
        std::process::abort();
    }
    let tag = std::str::from_utf8(&tag[..tag.len() - 1]).unwrap_or("?");
    let record = std::str::from_utf8(&record[..record.len() - 1]).unwrap_or("null");
    OUT.with(|out| {
        let mut out = out.borrow_mut();
        out.clear();
        out.extend_from_slice(
            format!("{{\"tag\":\"{}\",\"sec\":{},\"nsec\":{},\"record\":{}}}", tag, sec, nsec, record).as_bytes());
        out.push(0);
        out.as_ptr()
    })
}

/// The record as given: the host's own buffer (the host heap must take it back each time).
#[no_mangle]
pub extern "C" fn echo(_tag: *const u8, _tag_len: i32, _sec: u32, _nsec: u32, record: *const u8,
                       _record_len: i32) -> *const u8 {
    record
}
