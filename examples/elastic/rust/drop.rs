//! drop (examples/events/README.md) for the elastic ABI: an event whose `level` is a string
//! naming one of trace < debug < info < warn < error (any case), ranking below the
//! configuration key `min_level` (default `info`), is dropped by emitting nothing.
#![forbid(unsafe_code)] // every unsafe block is in sdk/rust
use weft_sdk::elastic::{self, Config, Field, Processor};

const LEVELS: [&str; 5] = ["trace", "debug", "info", "warn", "error"];

/// The rank of a level name, compared without regard to case.
fn rank(level: &str) -> Option<usize> {
    LEVELS.iter().position(|l| l.eq_ignore_ascii_case(level))
}

struct DropBelow {
    min_rank: usize,
}

impl Processor for DropBelow {
    fn register(config: &Config) -> Result<Self, String> {
        let min = config.get_or("min_level", "info");
        match rank(min) {
            Some(min_rank) => Ok(DropBelow { min_rank }),
            None => Err(format!("min_level must be one of {}, not {:?}", LEVELS.join(", "), min)),
        }
    }

    fn process(&mut self) -> Result<(), String> {
        let level = Field::new("level").get_str()?;
        match level.as_deref().and_then(rank) {
            Some(r) if r < self.min_rank => {} // no output: the event is dropped
            _ => elastic::emit_current()?,
        }
        Ok(())
    }
}

weft_sdk::elastic_processor!(DropBelow);
