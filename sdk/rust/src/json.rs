//! A small JSON module, so that processors can read and edit records without external crates.
//!
//! [`Value`] keeps an object's members in their input order (a `Vec` of pairs, not a map):
//! records come back out in the layout they went in, with edits in place. Numbers keep their
//! exact input spelling ([`Number`]), so a record passed through `parse` and `to_string` does
//! not lose precision on 64-bit integers or gain digits on decimals.
//!
//! Parsing follows RFC 8259: `\uXXXX` escapes are decoded, UTF-16 surrogate pairs joined into
//! one character, and a lone surrogate (which no Rust `String` can hold) is an error rather
//! than a silent replacement. Serializing escapes `"`, `\` and the control characters, and
//! leaves other characters as UTF-8.

use std::fmt;

/// A JSON number, kept as its (validated) text so it round-trips exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number(String);

impl Number {
    /// The number's JSON text, as it was read or made.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The value as an `f64` (the nearest one; always succeeds for valid JSON numbers).
    pub fn as_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }
    /// The value as an `i64`, if it is written as an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }
    /// The value as a `u64`, if it is written as a non-negative integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }
    /// A number from an `f64`; `None` for NaN and infinities, which JSON cannot represent.
    pub fn from_f64(value: f64) -> Option<Number> {
        if value.is_finite() {
            // Rust prints the shortest text that reads back to the same f64, never with an
            // exponent, which is valid JSON.
            Some(Number(format!("{}", value)))
        } else {
            None
        }
    }
}

impl From<i64> for Number {
    fn from(value: i64) -> Number {
        Number(value.to_string())
    }
}

impl From<u64> for Number {
    fn from(value: u64) -> Number {
        Number(value.to_string())
    }
}

/// A JSON value. Objects keep member order; see the module documentation.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Object),
}

/// A JSON object with its members in order. Lookups are linear, which for records of a few
/// dozen fields is faster than hashing and keeps the order for free.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object {
    members: Vec<(String, Value)>,
}

impl Object {
    /// An empty object.
    pub fn new() -> Object {
        Object { members: Vec::new() }
    }
    /// The number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }
    /// Whether the object has no member.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
    /// The value of member `key` (the first one, if the input repeated the key).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.members.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    /// The value of member `key`, to change in place.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.members.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    /// Whether member `key` exists.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
    /// Sets member `key`: replaces its value where it stands, or appends it. Returns the old
    /// value.
    pub fn insert(&mut self, key: &str, value: Value) -> Option<Value> {
        match self.get_mut(key) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.members.push((key.to_string(), value));
                None
            }
        }
    }
    /// Appends a member without looking for an existing one (decoders keep duplicates).
    pub(crate) fn push(&mut self, key: String, value: Value) {
        self.members.push((key, value));
    }
    /// Removes member `key` (every occurrence), keeping the order of the others. Returns the
    /// first removed value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let mut removed = None;
        let mut i = 0;
        while i < self.members.len() {
            if self.members[i].0 == key {
                let (_, v) = self.members.remove(i);
                if removed.is_none() {
                    removed = Some(v);
                }
            } else {
                i += 1;
            }
        }
        removed
    }
    /// The compact JSON text of this object.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }
    /// Appends the compact JSON text of this object to `out`.
    pub fn write_to(&self, out: &mut String) {
        out.push('{');
        for (i, (k, v)) in self.members.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_string(k, out);
            out.push(':');
            v.write_to(out);
        }
        out.push('}');
    }
    /// The members in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.members.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl Value {
    /// A string value.
    pub fn string(text: &str) -> Value {
        Value::String(text.to_string())
    }
    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    /// The number, if this is a number.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }
    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }
    /// The object, to change in place, if this is one.
    pub fn as_object_mut(&mut self) -> Option<&mut Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }
    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    /// The compact JSON text of this value.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }
    /// Appends the compact JSON text of this value to `out`.
    pub fn write_to(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Number(n) => out.push_str(&n.0),
            Value::String(s) => write_string(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_to(out);
                }
                out.push(']');
            }
            Value::Object(object) => object.write_to(out),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Value {
        Value::string(text)
    }
}

impl From<String> for Value {
    fn from(text: String) -> Value {
        Value::String(text)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(Number::from(n))
    }
}

impl From<Object> for Value {
    fn from(o: Object) -> Value {
        Value::Object(o)
    }
}

/// Appends `text` as a JSON string literal (with quotes) to `out`.
pub fn write_string(text: &str, out: &mut String) {
    out.reserve(text.len() + 2);
    out.push('"');
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let escape: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x08 => Some("\\b"),
            0x0c => Some("\\f"),
            _ => None,
        };
        if escape.is_none() && b >= 0x20 {
            continue;
        }
        // Only ASCII bytes are escaped, so `start..i` always ends on a char boundary.
        out.push_str(&text[start..i]);
        match escape {
            Some(e) => out.push_str(e),
            None => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
        }
        start = i + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// `text` as a JSON string literal, with quotes.
pub fn quote(text: &str) -> String {
    let mut out = String::new();
    write_string(text, &mut out);
    out
}

/// Why a text is not JSON: what was wrong and the byte offset where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong, e.g. "expected ':' after an object key".
    pub message: &'static str,
    /// The byte offset in the input.
    pub offset: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid JSON at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Nesting deeper than this is refused: the parser recurses, and a guest's stack is small.
pub const MAX_DEPTH: usize = 256;

/// Parses one JSON value (surrounding whitespace allowed, nothing else after it).
pub fn parse(text: &[u8]) -> Result<Value, ParseError> {
    let mut p = Parser { s: text, i: 0 };
    p.skip_ws();
    let v = p.value(0)?;
    p.skip_ws();
    if p.i != p.s.len() {
        return p.err("unexpected text after the value");
    }
    Ok(v)
}

/// Parses a JSON text that must be an object (a record).
pub fn parse_object(text: &[u8]) -> Result<Object, ParseError> {
    match parse(text)? {
        Value::Object(o) => Ok(o),
        _ => Err(ParseError { message: "the value is not an object", offset: 0 }),
    }
}

/// Finds member `key` of the object `text` without building any value: the byte range of its
/// value (the first occurrence, as [`Object::get`] would give), or `None` when it has none. For
/// the hot path of processors that read or replace one field (splice the range, or `parse` just
/// that slice): no allocation unless a key has escapes. The text is checked only up to that
/// member, which is enough for records from the host (always valid).
pub fn find_member(text: &[u8], key: &str) -> Result<Option<std::ops::Range<usize>>, ParseError> {
    let mut p = Parser { s: text, i: 0 };
    p.skip_ws();
    if p.peek() != Some(b'{') {
        return p.err("expected an object");
    }
    p.i += 1;
    p.skip_ws();
    if p.peek() == Some(b'}') {
        return Ok(None);
    }
    loop {
        p.skip_ws();
        if p.peek() != Some(b'"') {
            return p.err("expected a string key in an object");
        }
        let start = p.i;
        p.skip_string()?;
        let raw = &text[start + 1..p.i - 1];
        let matches = if raw.contains(&b'\\') {
            let mut q = Parser { s: text, i: start };
            q.string()? == key
        } else {
            raw == key.as_bytes()
        };
        p.skip_ws();
        if p.peek() != Some(b':') {
            return p.err("expected ':' after an object key");
        }
        p.i += 1;
        p.skip_ws();
        let value_start = p.i;
        p.skip_value(0)?;
        if matches {
            return Ok(Some(value_start..p.i));
        }
        p.skip_ws();
        match p.peek() {
            Some(b',') => p.i += 1,
            Some(b'}') => return Ok(None),
            _ => return p.err("expected ',' or '}' in an object"),
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn err<T>(&self, message: &'static str) -> Result<T, ParseError> {
        Err(ParseError { message, offset: self.i })
    }

    fn skip_ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn literal(&mut self, word: &'static [u8], v: Value) -> Result<Value, ParseError> {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(v)
        } else {
            self.err("invalid literal")
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return self.err("nesting too deep");
        }
        match self.peek() {
            None => self.err("unexpected end of input"),
            Some(b'n') => self.literal(b"null", Value::Null),
            Some(b't') => self.literal(b"true", Value::Bool(true)),
            Some(b'f') => self.literal(b"false", Value::Bool(false)),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(Value::Array(items));
                }
                loop {
                    self.skip_ws();
                    items.push(self.value(depth + 1)?);
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Value::Array(items));
                        }
                        _ => return self.err("expected ',' or ']' in an array"),
                    }
                }
            }
            Some(b'{') => {
                self.i += 1;
                let mut object = Object::new();
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(Value::Object(object));
                }
                loop {
                    self.skip_ws();
                    if self.peek() != Some(b'"') {
                        return self.err("expected a string key in an object");
                    }
                    let key = self.string()?;
                    self.skip_ws();
                    if self.peek() != Some(b':') {
                        return self.err("expected ':' after an object key");
                    }
                    self.i += 1;
                    self.skip_ws();
                    let v = self.value(depth + 1)?;
                    // Duplicate keys are kept as they came (the first wins on lookup), so the
                    // text round-trips; insert() would merge them.
                    object.members.push((key, v));
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Value::Object(object));
                        }
                        _ => return self.err("expected ',' or '}' in an object"),
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => self.err("unexpected character"),
        }
    }

    /// Moves past a string (at its opening quote) without decoding it.
    fn skip_string(&mut self) -> Result<(), ParseError> {
        self.i += 1;
        loop {
            match self.peek() {
                None => return self.err("unterminated string"),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\\') => self.i += 2,
                Some(0x00..=0x1f) => return self.err("control character in a string"),
                Some(_) => self.i += 1,
            }
        }
    }

    /// Moves past one value without building it.
    fn skip_value(&mut self, depth: usize) -> Result<(), ParseError> {
        if depth > MAX_DEPTH {
            return self.err("nesting too deep");
        }
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(open @ (b'[' | b'{')) => {
                let close = if open == b'[' { b']' } else { b'}' };
                self.i += 1;
                self.skip_ws();
                if self.peek() == Some(close) {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.skip_ws();
                    if open == b'{' {
                        if self.peek() != Some(b'"') {
                            return self.err("expected a string key in an object");
                        }
                        self.skip_string()?;
                        self.skip_ws();
                        if self.peek() != Some(b':') {
                            return self.err("expected ':' after an object key");
                        }
                        self.i += 1;
                        self.skip_ws();
                    }
                    self.skip_value(depth + 1)?;
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(c) if c == close => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return self.err("expected ',' or a closing bracket"),
                    }
                }
            }
            // Scalars are small: parse them (numbers allocate their text, which is rare in
            // skipped values' hot path).
            _ => self.value(depth).map(|_| ()),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return self.err("expected a digit"),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return self.err("expected a digit after '.'");
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return self.err("expected a digit in the exponent");
            }
        }
        // Only ASCII was accepted above.
        let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("0");
        Ok(Value::Number(Number(text.to_string())))
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        if self.i + 4 > self.s.len() {
            return self.err("truncated \\u escape");
        }
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.s[self.i] {
                c @ b'0'..=b'9' => c - b'0',
                c @ b'a'..=b'f' => c - b'a' + 10,
                c @ b'A'..=b'F' => c - b'A' + 10,
                _ => return self.err("invalid hex digit in a \\u escape"),
            };
            v = v * 16 + d as u32;
            self.i += 1;
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.i += 1; // the opening quote
        let mut out: Vec<u8> = Vec::new();
        let mut run = self.i;
        loop {
            let c = match self.peek() {
                None => return self.err("unterminated string"),
                Some(c) => c,
            };
            match c {
                b'"' => {
                    out.extend_from_slice(&self.s[run..self.i]);
                    self.i += 1;
                    break;
                }
                b'\\' => {
                    out.extend_from_slice(&self.s[run..self.i]);
                    self.i += 1;
                    let e = match self.peek() {
                        None => return self.err("unterminated escape"),
                        Some(e) => e,
                    };
                    self.i += 1;
                    let simple = match e {
                        b'"' => Some(b'"'),
                        b'\\' => Some(b'\\'),
                        b'/' => Some(b'/'),
                        b'b' => Some(0x08),
                        b'f' => Some(0x0c),
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        b'u' => None,
                        _ => {
                            self.i -= 1;
                            return self.err("invalid escape");
                        }
                    };
                    match simple {
                        Some(b) => out.push(b),
                        None => {
                            let ch = self.unicode_escape()?;
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                    }
                    run = self.i;
                }
                0x00..=0x1f => return self.err("control character in a string"),
                _ => self.i += 1,
            }
        }
        String::from_utf8(out).map_err(|_| ParseError {
            message: "a string is not valid UTF-8",
            offset: self.i,
        })
    }

    /// After `\u`: one escape, or a surrogate pair written as two escapes.
    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.s[self.i..].starts_with(b"\\u") {
                    return self.err("a high surrogate \\u escape without its low surrogate");
                }
                self.i += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return self.err("a high surrogate \\u escape without its low surrogate");
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return self.err("a lone low surrogate \\u escape"),
            c => c,
        };
        match char::from_u32(code) {
            Some(ch) => Ok(ch),
            None => self.err("invalid \\u escape"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_records_in_order() {
        let text =
            r#"{"b":1,"a":[true,false,null,-0.5e+3],"c":{"d":"x"},"n":12345678901234567890}"#;
        let v = parse(text.as_bytes()).unwrap();
        assert_eq!(v.to_json(), text);
    }

    #[test]
    fn decodes_escapes_and_surrogate_pairs() {
        let v = parse(br#""a\"b\\c\/d\n\u00fc\ud83d\ude00""#).unwrap();
        assert_eq!(v.as_str(), Some("a\"b\\c/d\n\u{fc}\u{1F600}"));
    }

    #[test]
    fn refuses_lone_surrogates() {
        assert!(parse(br#""\ud83d""#).is_err());
        assert!(parse(br#""\ud83dx""#).is_err());
        assert!(parse(br#""\ude00""#).is_err());
        assert!(parse(br#""\ud83d\u0041""#).is_err());
    }

    #[test]
    fn escapes_what_json_requires() {
        assert_eq!(
            quote("q\"b\\\n\r\t\u{8}\u{c}\u{1}\u{1f}é😀"),
            r#""q\"b\\\n\r\t\b\f\u0001\u001fé😀""#
        );
    }

    #[test]
    fn refuses_malformed_text_with_offset() {
        for bad in [&b"{"[..], b"{\"a\" 1}", b"[1,]", b"01", b"1.", b"-", b"\"\x01\"", b"nul",
                    b"{} x", b"\"\\x\"", b"\"\xff\"", b"{1:2}"] {
            assert!(parse(bad).is_err(), "{:?}", std::str::from_utf8(bad));
        }
        let e = parse(b"[1, x]").unwrap_err();
        assert_eq!(e.offset, 4);
    }

    #[test]
    fn limits_nesting() {
        let deep = "[".repeat(MAX_DEPTH + 2);
        assert_eq!(parse(deep.as_bytes()).unwrap_err().message, "nesting too deep");
    }

    #[test]
    fn edits_objects_in_place() {
        let mut o = parse_object(br#"{"a":1,"b":2,"c":3}"#).unwrap();
        assert_eq!(o.insert("b", Value::string("x")), Some(Value::from(2i64)));
        o.insert("d", Value::Null);
        assert_eq!(o.remove("a"), Some(Value::from(1i64)));
        assert_eq!(Value::Object(o).to_json(), r#"{"b":"x","c":3,"d":null}"#);
    }

    #[test]
    fn finds_a_member_without_parsing() {
        let text = br#" {"a":{"x":[1,"}",{"y":null}]},"pass\u0077ord":"s\"e","b":-1.5e3,"a":2} "#;
        let find = |k: &str| find_member(text, k).unwrap().map(|r| &text[r]);
        assert_eq!(find("a"), Some(&br#"{"x":[1,"}",{"y":null}]}"#[..]));
        assert_eq!(find("password"), Some(&br#""s\"e""#[..]));
        assert_eq!(find("b"), Some(&b"-1.5e3"[..]));
        assert_eq!(find("x"), None);
        assert_eq!(find_member(b"{}", "a").unwrap(), None);
        assert!(find_member(b"[1]", "a").is_err());
        assert!(find_member(b"{\"a\" 1}", "b").is_err());
        assert!(find_member(b"{\"a\":[1,}", "b").is_err());
    }

    #[test]
    fn numbers_convert() {
        let v = parse(b"-42").unwrap();
        assert_eq!(v.as_number().unwrap().as_i64(), Some(-42));
        assert_eq!(Number::from_f64(2.5).unwrap().as_str(), "2.5");
        assert!(Number::from_f64(f64::NAN).is_none());
    }
}
