//! A minimal scanner over one JSON object's top-level members, shared by the Fluent Bit
//! example filters (no dependencies: rustc 1.63, wasm32-unknown-unknown). The host hands
//! filters valid JSON (it checks every record), so this only finds where each member's key
//! and value begin and end; it does not validate.

// Each filter uses part of it.
#![allow(dead_code)]

use std::cell::RefCell;

/// One member: the key as written between its quotes, and the value's JSON text.
pub struct Member<'a> {
    pub key: &'a [u8],
    pub value: &'a [u8],
}

fn ws(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// `i` at an opening quote; returns just past the closing one.
fn string_end(s: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < s.len() && s[i] != b'"' {
        if s[i] == b'\\' {
            i += 1;
        }
        i += 1;
    }
    (i + 1).min(s.len())
}

fn value_end(s: &[u8], mut i: usize) -> usize {
    match s.get(i) {
        Some(b'"') => string_end(s, i),
        Some(b'{') | Some(b'[') => {
            let mut depth = 0;
            while i < s.len() {
                match s[i] {
                    b'"' => {
                        i = string_end(s, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => depth -= 1,
                    _ => {}
                }
                i += 1;
                if depth == 0 {
                    break;
                }
            }
            i
        }
        _ => {
            while i < s.len() && !matches!(s[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            i
        }
    }
}

/// The top-level members of the object `s`, in order.
pub fn members(s: &[u8]) -> Vec<Member<'_>> {
    let mut out = Vec::new();
    let mut i = ws(s, 0);
    if s.get(i) != Some(&b'{') {
        return out;
    }
    i += 1;
    loop {
        i = ws(s, i);
        if s.get(i) == Some(&b',') {
            i = ws(s, i + 1);
        }
        if s.get(i) != Some(&b'"') {
            return out;
        }
        let key_end = string_end(s, i);
        let key = &s[i + 1..key_end - 1];
        i = ws(s, key_end);
        if s.get(i) != Some(&b':') {
            return out;
        }
        i = ws(s, i + 1);
        let end = value_end(s, i);
        out.push(Member { key, value: &s[i..end] });
        i = end;
    }
}

/// The record the host passed: `len` bytes at `ptr` (NUL-terminated after them).
///
/// # Safety
/// `ptr` must address `len` readable bytes, as the host guarantees for its arguments.
pub unsafe fn input<'a>(ptr: *const u8, len: i32) -> &'a [u8] {
    std::slice::from_raw_parts(ptr, len.max(0) as usize)
}

thread_local! {
    /// The returned record: kept and reused, since the host cannot free guest memory here.
    static OUT: RefCell<Vec<u8>> = RefCell::new(Vec::new());
}

/// Builds an object from (key as written, value JSON) pairs into the reused output buffer
/// and returns its address, NUL-terminated.
pub fn output<'a>(members: impl Iterator<Item = (&'a [u8], Vec<u8>)>) -> *const u8 {
    OUT.with(|out| {
        let mut out = out.borrow_mut();
        out.clear();
        out.push(b'{');
        for (n, (key, value)) in members.enumerate() {
            if n > 0 {
                out.push(b',');
            }
            out.push(b'"');
            out.extend_from_slice(key);
            out.extend_from_slice(b"\":");
            out.extend_from_slice(&value);
        }
        out.extend_from_slice(b"}\0");
        out.as_ptr()
    })
}
