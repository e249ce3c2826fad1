//! parse (examples/events/README.md): a top-level string field `log` of the form
//! `LEVEL SP COMPONENT ":" SP MESSAGE` is replaced by the fields `level` (lower case),
//! `component` and `message`; any other record passes through untouched.
#![forbid(unsafe_code)] // every unsafe block is in sdk/rust
use weft_sdk::json::Value;
use weft_sdk::weft::{Config, Event, Processor};

struct Parse;

/// Splits a log line into level, component and message, or `None` when it does not have the
/// form: LEVEL is one or more ASCII letters, COMPONENT one or more characters other than a
/// space or ':', MESSAGE the rest (possibly empty).
fn split_line(line: &str) -> Option<(&str, &str, &str)> {
    let (level, rest) = line.split_once(' ')?;
    if level.is_empty() || !level.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let (component, after) = rest.split_once(':')?;
    if component.is_empty() || component.contains(' ') {
        return None;
    }
    let message = after.strip_prefix(' ')?;
    Some((level, component, message))
}

impl Processor for Parse {
    fn init(_config: &Config) -> Result<Self, String> {
        Ok(Parse)
    }

    fn process(&mut self, event: &Event<'_>) -> Result<(), String> {
        let mut record = event.record_object()?;
        let parts = match record.get("log").and_then(Value::as_str).and_then(split_line) {
            Some((level, component, message)) => {
                (level.to_ascii_lowercase(), component.to_string(), message.to_string())
            }
            None => return Ok(event.emit_input()?),
        };
        record.remove("log");
        record.insert("level", Value::String(parts.0));
        record.insert("component", Value::String(parts.1));
        record.insert("message", Value::String(parts.2));
        Ok(event.emit_object(&record)?)
    }
}

weft_sdk::weft_processor!(Parse);
