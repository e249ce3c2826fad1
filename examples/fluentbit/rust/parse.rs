//! parse (examples/events/README.md) as a Fluent Bit filter in Rust (wasm32-unknown-unknown):
//! a top-level string `log` of the form "LEVEL COMPONENT: MESSAGE" becomes the fields level
//! (lower case), component and message, and `log` goes; any other record passes unchanged.
//! The line is matched in its JSON-escaped form, so the component and message are copied as
//! written (escapes included) and stay valid JSON.
#[path = "json.rs"]
mod json;

/// (level, component, message) of a line, or None when it does not have the form.
fn split(line: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let level_len = line.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if level_len == 0 || line.get(level_len) != Some(&b' ') {
        return None;
    }
    let rest = &line[level_len + 1..];
    let comp_len = rest.iter().take_while(|&&c| c != b' ' && c != b':').count();
    if comp_len == 0 || rest.get(comp_len) != Some(&b':') || rest.get(comp_len + 1) != Some(&b' ') {
        return None;
    }
    Some((&line[..level_len], &rest[..comp_len], &rest[comp_len + 2..]))
}

fn quoted(s: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len() + 2);
    v.push(b'"');
    v.extend_from_slice(s);
    v.push(b'"');
    v
}

#[no_mangle]
pub extern "C" fn filter(_tag: *const u8, _tag_len: i32, _sec: u32, _nsec: u32, record: *const u8,
                         record_len: i32) -> *const u8 {
    let rec = unsafe { json::input(record, record_len) };
    let members = json::members(rec);
    let line = match members.iter().find(|m| m.key == b"log" && m.value.first() == Some(&b'"')) {
        Some(m) => &m.value[1..m.value.len() - 1],
        None => return record,
    };
    let (level, component, message) = match split(line) {
        Some(parts) => parts,
        None => return record,
    };
    let replaced: [&[u8]; 4] = [b"log", b"level", b"component", b"message"];
    let kept = members.iter().filter(|m| !replaced.contains(&m.key)).map(|m| (m.key, m.value.to_vec()));
    let added = [
        (&b"level"[..], quoted(&level.to_ascii_lowercase())),
        (&b"component"[..], quoted(component)),
        (&b"message"[..], quoted(message)),
    ];
    json::output(kept.chain(added.into_iter()))
}
