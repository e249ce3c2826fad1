//! parse (examples/events/README.md) for the elastic ABI: a string field `log` of the form
//! `LEVEL SP COMPONENT ":" SP MESSAGE` is replaced by the fields `level` (lower case),
//! `component` and `message`.
#![forbid(unsafe_code)] // every unsafe block is in sdk/rust
use weft_sdk::elastic::{self, Config, Field, Processor};

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
    fn register(_config: &Config) -> Result<Self, String> {
        Ok(Parse)
    }

    fn process(&mut self) -> Result<(), String> {
        let log = Field::new("log");
        if let Some(line) = log.get_str()? {
            if let Some((level, component, message)) = split_line(&line) {
                log.remove()?;
                Field::new("level").put_str(&level.to_ascii_lowercase())?;
                Field::new("component").put_str(component)?;
                Field::new("message").put_str(message)?;
            }
        }
        elastic::emit_current()?;
        Ok(())
    }
}

weft_sdk::elastic_processor!(Parse);
