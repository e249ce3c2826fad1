//! An elastic ABI plugin written with sdk/rust that exercises every part of the SDK, driven by
//! each record's "op" (tests/abi/rustsdk/rustsdk_test.cpp says what each op must produce).
#![forbid(unsafe_code)] // every unsafe block is in sdk/rust
use weft_sdk::elastic::{self, Config, EventOverlay, Field, Level, Processor, Status};
use weft_sdk::json::Value;

struct Calls {
    mark: String,
}

impl Processor for Calls {
    fn register(config: &Config) -> Result<Self, String> {
        if let Some(reason) = config.get("refuse") {
            return Err(format!("refused: {}", reason));
        }
        let _ = elastic::log(Level::Info, "register");
        Ok(Calls { mark: config.get_or("mark", "").to_string() })
    }

    fn process(&mut self) -> Result<(), String> {
        let op = Field::new("op").get_str()?.unwrap_or_default();
        match op.as_str() {
            // Reads a nested value and a missing one, writes nested values of each kind.
            "fields" => {
                let a = Field::new("nested.a").get_value()?.ok_or("nested.a is missing")?;
                Field::new("copy.of.a").put(&a)?;
                if Field::new("nope").get()?.is_some() || Field::new("nope").remove()? {
                    return Err("a missing field was found".to_string());
                }
                Field::new("text").put_str("q\"\\\u{1F600}")?;
                Field::new("raw").put_json("[1,{\"b\":null}]")?;
                Field::new("mark").put_str(&self.mark)?;
                if !Field::new("nested.gone").remove()? {
                    return Err("nested.gone was not removed".to_string());
                }
                elastic::emit_current()?;
            }
            "overlay" => {
                elastic::emit(&EventOverlay {
                    tag: Some("new.tag"),
                    timestamp: Some((1_600_000_000, 7)),
                    fields_json: Some("{\"x\":1}"),
                    metadata: &[("k", "v")],
                    remove_metadata: &["gone"],
                })?;
            }
            "many" => {
                for n in 0..3i64 {
                    Field::new("n").put(&Value::from(n))?;
                    elastic::emit_current()?;
                }
            }
            "time" => {
                let now = elastic::now_nanos()?;
                // After 2020-01-01: the host's clock, in nanoseconds.
                Field::new("now_ok").put(&Value::Bool(now > 1_577_836_800_000_000_000))?;
                elastic::emit_current()?;
            }
            // A put through a non-object is InvalidArgument, reported as such.
            "bad_put" => match Field::new("op.inner").put_str("x") {
                Err(Status::InvalidArgument) => elastic::emit_current()?,
                other => return Err(format!("put through a string gave {:?}", other)),
            },
            "drop" => {}
            "fail" => return Err("asked to fail".to_string()),
            "panic" => panic!("asked to panic"),
            _ => elastic::emit_current()?,
        }
        Ok(())
    }
}

weft_sdk::elastic_processor!(Calls);
