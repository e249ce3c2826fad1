//! redact (examples/events/README.md) for the elastic ABI: the field named by the
//! configuration key `field` (default `password`), whatever its value, becomes "***".
#![forbid(unsafe_code)] // every unsafe block is in sdk/rust
use weft_sdk::elastic::{self, Config, Field, Processor};

struct Redact {
    /// The field's name as a key: escaped, so that a name with a dot stays one top-level field.
    key: String,
}

impl Processor for Redact {
    fn register(config: &Config) -> Result<Self, String> {
        Ok(Redact { key: elastic::key_escape(config.get_or("field", "password")) })
    }

    fn process(&mut self) -> Result<(), String> {
        let field = Field::new(&self.key);
        if field.get()?.is_some() {
            field.put_str("***")?;
        }
        elastic::emit_current()?;
        Ok(())
    }
}

weft_sdk::elastic_processor!(Redact);
