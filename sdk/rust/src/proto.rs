//! A minimal protocol buffers writer: just enough of the wire format to encode
//! proto/weft_elastic.proto's `weft.elastic.v1.Event` without a protobuf runtime in the guest.
//!
//! Wire format (<https://protobuf.dev/programming-guides/encoding/>): each field is a key
//! `(field_number << 3) | wire_type` as a varint, then the value: wire type 0 a varint, wire type
//! 2 a varint length and that many bytes (strings, nested messages, map entries).

/// Wire type of varint fields (int64, uint32, bool, enums).
pub const WIRE_VARINT: u32 = 0;
/// Wire type of length-delimited fields (string, bytes, messages, map entries).
pub const WIRE_LEN: u32 = 2;

/// Builds one message into a byte vector.
#[derive(Clone, Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// An empty message.
    pub fn new() -> Writer {
        Writer { buf: Vec::new() }
    }
    /// The encoded bytes so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }
    /// The encoded message.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
    /// Appends a raw varint.
    pub fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }
    fn key(&mut self, field: u32, wire_type: u32) {
        self.varint(((field as u64) << 3) | wire_type as u64);
    }
    /// An `int64` field: negative values take ten bytes (two's complement), as the spec says.
    pub fn int64(&mut self, field: u32, v: i64) {
        self.key(field, WIRE_VARINT);
        self.varint(v as u64);
    }
    /// A `uint32` (or `uint64`) field.
    pub fn uint(&mut self, field: u32, v: u64) {
        self.key(field, WIRE_VARINT);
        self.varint(v);
    }
    /// A `bytes` field.
    pub fn bytes(&mut self, field: u32, v: &[u8]) {
        self.key(field, WIRE_LEN);
        self.varint(v.len() as u64);
        self.buf.extend_from_slice(v);
    }
    /// A `string` field.
    pub fn string(&mut self, field: u32, v: &str) {
        self.bytes(field, v.as_bytes());
    }
    /// A nested message field, encoded by `build` into its own writer.
    pub fn message(&mut self, field: u32, build: impl FnOnce(&mut Writer)) {
        let mut inner = Writer::new();
        build(&mut inner);
        self.bytes(field, &inner.buf);
    }
}

/// An event for the elastic ABI's `elastic_emit_event`, applied over the current event
/// (overlay semantics, see proto/weft_elastic.proto): every field left at `None` or empty keeps
/// the current event's part. `EventOverlay::default()` emits the current event as it stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventOverlay<'a> {
    /// The output's tag.
    pub tag: Option<&'a str>,
    /// The output's time: seconds since the Unix epoch and nanoseconds (below 10^9).
    pub timestamp: Option<(i64, u32)>,
    /// The whole record, a JSON object as text.
    pub fields_json: Option<&'a str>,
    /// Metadata entries set on the output (over the current event's).
    pub metadata: &'a [(&'a str, &'a str)],
    /// Metadata keys removed from the output (applied before `metadata`).
    pub remove_metadata: &'a [&'a str],
}

impl<'a> EventOverlay<'a> {
    /// The `weft.elastic.v1.Event` message bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        if let Some(tag) = self.tag {
            w.string(1, tag);
        }
        if let Some((seconds, nanos)) = self.timestamp {
            w.message(2, |t| {
                // proto3 leaves zero scalars out of the encoding.
                if seconds != 0 {
                    t.int64(1, seconds);
                }
                if nanos != 0 {
                    t.uint(2, nanos as u64);
                }
            });
        }
        if let Some(fields) = self.fields_json {
            w.string(3, fields);
        }
        for (key, value) in self.metadata {
            // A map field is a repeated message { key = 1; value = 2; }.
            w.message(4, |e| {
                e.string(1, key);
                e.string(2, value);
            });
        }
        for key in self.remove_metadata {
            w.string(5, key);
        }
        w.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_follow_the_wire_format() {
        let mut w = Writer::new();
        w.varint(1);
        w.varint(300);
        w.varint(u64::MAX);
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(w.as_bytes(), [&[1, 0xac, 0x02][..], &max[..]].concat());
    }

    #[test]
    fn negative_int64_takes_ten_bytes() {
        let mut w = Writer::new();
        w.int64(1, -1);
        let minus_one = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(w.as_bytes(), [&[0x08][..], &minus_one[..]].concat());
    }

    #[test]
    fn empty_overlay_is_an_empty_message() {
        assert!(EventOverlay::default().encode().is_empty());
    }

    #[test]
    fn encodes_every_event_field() {
        let overlay = EventOverlay {
            tag: Some("t"),
            timestamp: Some((150, 7)),
            fields_json: Some("{}"),
            metadata: &[("k", "v")],
            remove_metadata: &["r"],
        };
        let expected: Vec<u8> = vec![
            0x0a, 1, b't', // tag
            0x12, 5, 0x08, 0x96, 0x01, 0x10, 7, // timestamp {seconds 150, nanos 7}
            0x1a, 2, b'{', b'}', // fields_json
            0x22, 6, 0x0a, 1, b'k', 0x12, 1, b'v', // metadata entry
            0x2a, 1, b'r', // remove_metadata
        ];
        assert_eq!(overlay.encode(), expected);
    }

    #[test]
    fn present_empty_strings_are_encoded() {
        // `optional` fields have presence: an empty tag is sent, not left out.
        let overlay = EventOverlay { tag: Some(""), ..Default::default() };
        assert_eq!(overlay.encode(), vec![0x0a, 0]);
    }
}
