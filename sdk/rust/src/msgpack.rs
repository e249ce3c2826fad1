//! msgpack <-> [`json::Value`](crate::json::Value), for records in msgpack mode (the weft
//! events ABI's batch flag bit 0): processors edit one `Value` model whatever the encoding.
//!
//! Only what JSON can express is accepted
//! (<https://github.com/msgpack/msgpack/blob/master/spec.md>):
//! nil, booleans, integers, floats, UTF-8 strings, arrays and maps with string keys. Binary and
//! extension values, other map keys, NaN and infinities are errors, as they are for the host.
//! Integers are written in their smallest encoding; a number whose text is not an integer that
//! fits 64 bits is written as a float64.

use crate::json::{Number, Object, Value};
use std::fmt;

/// Why bytes are not a msgpack value JSON can express, and the offset where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// What is wrong.
    pub message: &'static str,
    /// The byte offset in the input.
    pub offset: usize,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid msgpack at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for DecodeError {}

/// Decodes exactly one msgpack value.
pub fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut d = Decoder { s: bytes, i: 0 };
    let v = d.value(0)?;
    if d.i != bytes.len() {
        return d.err("unexpected bytes after the value");
    }
    Ok(v)
}

/// Decodes a msgpack map (a record) into an object.
pub fn decode_object(bytes: &[u8]) -> Result<Object, DecodeError> {
    match decode(bytes)? {
        Value::Object(o) => Ok(o),
        _ => Err(DecodeError { message: "the value is not a map", offset: 0 }),
    }
}

/// The msgpack encoding of `value`.
pub fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(value, &mut out);
    out
}

/// Appends the msgpack encoding of `value` to `out`.
pub fn encode_into(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.push(0xc0),
        Value::Bool(false) => out.push(0xc2),
        Value::Bool(true) => out.push(0xc3),
        Value::Number(n) => encode_number(n, out),
        Value::String(s) => encode_str(s, out),
        Value::Array(items) => {
            encode_len(items.len(), 0x90, 0xdc, out);
            for item in items {
                encode_into(item, out);
            }
        }
        Value::Object(o) => encode_object_into(o, out),
    }
}

/// Appends the msgpack encoding of an object (a map) to `out`.
pub fn encode_object_into(object: &Object, out: &mut Vec<u8>) {
    encode_len(object.len(), 0x80, 0xde, out);
    for (k, v) in object.iter() {
        encode_str(k, out);
        encode_into(v, out);
    }
}

/// A fix-length header (below 16) or the 16/32-bit form (`big` and `big + 1`).
fn encode_len(len: usize, fix: u8, big: u8, out: &mut Vec<u8>) {
    if len < 16 {
        out.push(fix | len as u8);
    } else if len <= 0xffff {
        out.push(big);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(big + 1);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
}

fn encode_str(s: &str, out: &mut Vec<u8>) {
    let len = s.len();
    if len < 32 {
        out.push(0xa0 | len as u8);
    } else if len <= 0xff {
        out.push(0xd9);
        out.push(len as u8);
    } else if len <= 0xffff {
        out.push(0xda);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(0xdb);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
    out.extend_from_slice(s.as_bytes());
}

fn encode_number(n: &Number, out: &mut Vec<u8>) {
    if let Some(v) = n.as_u64() {
        if v < 0x80 {
            out.push(v as u8);
        } else if v <= 0xff {
            out.push(0xcc);
            out.push(v as u8);
        } else if v <= 0xffff {
            out.push(0xcd);
            out.extend_from_slice(&(v as u16).to_be_bytes());
        } else if v <= 0xffff_ffff {
            out.push(0xce);
            out.extend_from_slice(&(v as u32).to_be_bytes());
        } else {
            out.push(0xcf);
            out.extend_from_slice(&v.to_be_bytes());
        }
    } else if let Some(v) = n.as_i64() {
        // Negative here: as_u64 took the others.
        if v >= -32 {
            out.push(v as i8 as u8);
        } else if v >= i8::MIN as i64 {
            out.push(0xd0);
            out.push(v as i8 as u8);
        } else if v >= i16::MIN as i64 {
            out.push(0xd1);
            out.extend_from_slice(&(v as i16).to_be_bytes());
        } else if v >= i32::MIN as i64 {
            out.push(0xd2);
            out.extend_from_slice(&(v as i32).to_be_bytes());
        } else {
            out.push(0xd3);
            out.extend_from_slice(&v.to_be_bytes());
        }
    } else {
        out.push(0xcb);
        out.extend_from_slice(&n.as_f64().to_be_bytes());
    }
}

struct Decoder<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Decoder<'a> {
    fn err<T>(&self, message: &'static str) -> Result<T, DecodeError> {
        Err(DecodeError { message, offset: self.i })
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if self.s.len() - self.i < n {
            return self.err("truncated");
        }
        let b = &self.s[self.i..self.i + n];
        self.i += n;
        Ok(b)
    }
    fn be(&mut self, n: usize) -> Result<u64, DecodeError> {
        Ok(self.take(n)?.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64))
    }
    fn str_body(&mut self, len: usize) -> Result<String, DecodeError> {
        let start = self.i;
        let b = self.take(len)?;
        match std::str::from_utf8(b) {
            Ok(s) => Ok(s.to_string()),
            Err(_) => Err(DecodeError { message: "a string is not valid UTF-8", offset: start }),
        }
    }
    fn float(&self, v: f64) -> Result<Value, DecodeError> {
        match Number::from_f64(v) {
            Some(n) => Ok(Value::Number(n)),
            None => self.err("NaN or infinity, which JSON cannot express"),
        }
    }
    fn array(&mut self, len: usize, depth: usize) -> Result<Value, DecodeError> {
        // Each element takes at least one byte: a length beyond the input is a lie.
        if len > self.s.len() - self.i {
            return self.err("truncated");
        }
        let mut items = Vec::with_capacity(len);
        for _ in 0..len {
            items.push(self.value(depth + 1)?);
        }
        Ok(Value::Array(items))
    }
    fn map(&mut self, len: usize, depth: usize) -> Result<Value, DecodeError> {
        if len > (self.s.len() - self.i) / 2 {
            return self.err("truncated");
        }
        let mut o = Object::new();
        for _ in 0..len {
            let key = match self.value(depth + 1)? {
                Value::String(k) => k,
                _ => return self.err("a map key is not a string"),
            };
            let v = self.value(depth + 1)?;
            o.push(key, v);
        }
        Ok(Value::Object(o))
    }
    fn value(&mut self, depth: usize) -> Result<Value, DecodeError> {
        if depth > crate::json::MAX_DEPTH {
            return self.err("nesting too deep");
        }
        let at = self.i;
        let b = self.take(1)?[0];
        Ok(match b {
            0x00..=0x7f => Value::from(b as i64),
            0x80..=0x8f => return self.map((b & 0x0f) as usize, depth),
            0x90..=0x9f => return self.array((b & 0x0f) as usize, depth),
            0xa0..=0xbf => Value::String(self.str_body((b & 0x1f) as usize)?),
            0xc0 => Value::Null,
            0xc2 => Value::Bool(false),
            0xc3 => Value::Bool(true),
            0xca => {
                let bits = self.be(4)? as u32;
                return self.float(f32::from_bits(bits) as f64);
            }
            0xcb => {
                let bits = self.be(8)?;
                return self.float(f64::from_bits(bits));
            }
            0xcc => Value::Number(Number::from(self.be(1)?)),
            0xcd => Value::Number(Number::from(self.be(2)?)),
            0xce => Value::Number(Number::from(self.be(4)?)),
            0xcf => Value::Number(Number::from(self.be(8)?)),
            0xd0 => Value::from(self.be(1)? as u8 as i8 as i64),
            0xd1 => Value::from(self.be(2)? as u16 as i16 as i64),
            0xd2 => Value::from(self.be(4)? as u32 as i32 as i64),
            0xd3 => Value::from(self.be(8)? as i64),
            0xd9 => {
                let n = self.be(1)? as usize;
                Value::String(self.str_body(n)?)
            }
            0xda => {
                let n = self.be(2)? as usize;
                Value::String(self.str_body(n)?)
            }
            0xdb => {
                let n = self.be(4)? as usize;
                Value::String(self.str_body(n)?)
            }
            0xdc => {
                let n = self.be(2)? as usize;
                return self.array(n, depth);
            }
            0xdd => {
                let n = self.be(4)? as usize;
                return self.array(n, depth);
            }
            0xde => {
                let n = self.be(2)? as usize;
                return self.map(n, depth);
            }
            0xdf => {
                let n = self.be(4)? as usize;
                return self.map(n, depth);
            }
            0xe0..=0xff => Value::from(b as i8 as i64),
            0xc4..=0xc9 | 0xd4..=0xd8 => {
                self.i = at;
                return self.err("binary and extension values have no JSON form");
            }
            0xc1 => {
                self.i = at;
                return self.err("0xc1 is never used");
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn round_trip(text: &str) -> String {
        let v = json::parse(text.as_bytes()).unwrap();
        decode(&encode(&v)).unwrap().to_json()
    }

    #[test]
    fn json_values_round_trip() {
        for text in [
            r#"{"a":1,"b":[true,false,null],"c":{"d":"é😀"},"e":-1,"f":2.5}"#,
            r#"[0,127,128,255,256,65535,65536,4294967295,4294967296,18446744073709551615]"#,
            r#"[-1,-32,-33,-128,-129,-32768,-32769,-2147483648,-2147483649,-9223372036854775808]"#,
        ] {
            assert_eq!(round_trip(text), text);
        }
        // Long strings, arrays and maps take the 8/16/32-bit length forms.
        let long = "x".repeat(70_000);
        let text = format!(r#"{{"s":"{}","t":"{}"}}"#, long, &long[..300]);
        assert_eq!(round_trip(&text), text);
        let many: Vec<String> = (0..20).map(|i| i.to_string()).collect();
        let text = format!("[{}]", many.join(","));
        assert_eq!(round_trip(&text), text);
    }

    #[test]
    fn uses_the_smallest_integer_forms() {
        assert_eq!(encode(&Value::from(5i64)), vec![0x05]);
        assert_eq!(encode(&Value::from(-3i64)), vec![0xfd]);
        assert_eq!(encode(&Value::from(200i64)), vec![0xcc, 200]);
        assert_eq!(encode(&Value::from(-200i64)), vec![0xd1, 0xff, 0x38]);
        assert_eq!(encode(&json::parse(b"1.5").unwrap()), {
            let mut v = vec![0xcb];
            v.extend_from_slice(&1.5f64.to_be_bytes());
            v
        });
    }

    #[test]
    fn decodes_float32_and_fixmaps() {
        let bytes = [0x81, 0xa1, b'x', 0xca, 0x3f, 0xc0, 0x00, 0x00];
        assert_eq!(decode(&bytes).unwrap().to_json(), r#"{"x":1.5}"#);
    }

    #[test]
    fn refuses_what_json_cannot_express() {
        assert!(decode(&[0xc4, 0x01, 0x00]).is_err()); // bin8
        assert!(decode(&[0xd4, 0x01, 0x00]).is_err()); // fixext1
        assert!(decode(&[0x81, 0x01, 0x02]).is_err()); // an integer key
        assert!(decode(&[0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0]).is_err()); // NaN
        assert!(decode(&[0xa1, 0xff]).is_err()); // not UTF-8
        assert!(decode(&[0xc1]).is_err());
        assert!(decode(&[0x92, 0x01]).is_err()); // truncated
        assert!(decode(&[0xdd, 0xff, 0xff, 0xff, 0xff]).is_err()); // a length beyond the input
        assert!(decode(&[0x01, 0x02]).is_err()); // trailing bytes
        assert!(decode_object(&[0x90]).is_err());
    }
}
