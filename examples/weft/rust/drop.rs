//! drop (examples/events/README.md): an event whose top-level `level` is a string naming one of
//! trace < debug < info < warn < error (any case), ranking below the configuration key
//! `min_level` (default `info`), is dropped; every other event passes through untouched.
#![forbid(unsafe_code)] // every unsafe block is in sdk/rust
use weft_sdk::json::{self, Value};
use weft_sdk::weft::{Config, Event, Processor};

const LEVELS: [&str; 5] = ["trace", "debug", "info", "warn", "error"];

/// The rank of a level name, compared without regard to case.
fn rank(level: &str) -> Option<usize> {
    LEVELS.iter().position(|l| l.eq_ignore_ascii_case(level))
}

struct DropBelow {
    min_rank: usize,
}

impl Processor for DropBelow {
    fn init(config: &Config) -> Result<Self, String> {
        let min = config.get_or("min_level", "info");
        match rank(min) {
            Some(min_rank) => Ok(DropBelow { min_rank }),
            None => Err(format!("min_level must be one of {}, not {:?}", LEVELS.join(", "), min)),
        }
    }

    fn process(&mut self, event: &Event<'_>) -> Result<(), String> {
        let level = if event.is_msgpack() {
            event.record_object()?.get("level").and_then(Value::as_str).and_then(rank)
        } else {
            // Only the `level` member is parsed, not the whole record.
            let text = event.record();
            match json::find_member(text, "level").map_err(|e| format!("record: {}", e))? {
                Some(range) => match json::parse(&text[range]) {
                    Ok(Value::String(level)) => rank(&level),
                    _ => None,
                },
                None => None,
            }
        };
        match level {
            Some(r) if r < self.min_rank => event.drop()?,
            _ => event.emit_input()?,
        }
        Ok(())
    }
}

weft_sdk::weft_processor!(DropBelow);
