//! redact (examples/events/README.md): the top-level field named by the configuration key
//! `field` (default `password`), whatever its value, becomes "***"; records without it pass
//! through untouched, without a copy. JSON records are not parsed into values: the field's value
//! is found by a scan and replaced in place (msgpack records go through `record_object`).
#![forbid(unsafe_code)] // every unsafe block is in sdk/rust
use weft_sdk::json::{self, Value};
use weft_sdk::weft::{Config, Event, Processor};

struct Redact {
    field: String,
}

impl Processor for Redact {
    fn init(config: &Config) -> Result<Self, String> {
        Ok(Redact { field: config.get_or("field", "password").to_string() })
    }

    fn process(&mut self, event: &Event<'_>) -> Result<(), String> {
        if event.is_msgpack() {
            let mut record = event.record_object()?;
            match record.get_mut(&self.field) {
                Some(value) => {
                    *value = Value::string("***");
                    event.emit_object(&record)?;
                }
                None => event.emit_input()?,
            }
            return Ok(());
        }
        // JSON: find the field without parsing the record, and splice the new value in.
        let text = event.record();
        match json::find_member(text, &self.field).map_err(|e| format!("record: {}", e))? {
            Some(value) => {
                let mut out = Vec::with_capacity(text.len());
                out.extend_from_slice(&text[..value.start]);
                out.extend_from_slice(b"\"***\"");
                out.extend_from_slice(&text[value.end..]);
                event.emit(&out)?;
            }
            None => event.emit_input()?,
        }
        Ok(())
    }
}

weft_sdk::weft_processor!(Redact);
