//! A weft events ABI plugin written with sdk/rust that exercises every part of the SDK, driven
//! by each record's "op" (tests/abi/rustsdk/rustsdk_test.cpp says what each op must produce).
#![forbid(unsafe_code)] // every unsafe block is in sdk/rust
use weft_sdk::json::{Object, Value};
use weft_sdk::weft::{self, Config, Event, Processor, Status, Time};

struct Calls {
    /// Set from the configuration key `mark`, added to the "seen" outputs.
    mark: String,
    /// Events processed by this instance, to show that state lasts across batches.
    processed: i64,
}

fn text(record: &Object, key: &str) -> String {
    record.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

impl Processor for Calls {
    fn init(config: &Config) -> Result<Self, String> {
        if let Some(reason) = config.get("refuse") {
            return Err(format!("refused: {}", reason));
        }
        for (k, v) in config.iter() {
            weft::log::debug(&format!("config {}={}", k, v));
        }
        weft::log::info("init");
        Ok(Calls { mark: config.get_or("mark", "").to_string(), processed: 0 })
    }

    fn process(&mut self, event: &Event<'_>) -> Result<(), String> {
        self.processed += 1;
        let record = event.record_object()?;
        match text(&record, "op").as_str() {
            // What the batch reader saw of this event.
            "seen" => {
                let mut out = Object::new();
                out.insert("tag", Value::string(event.tag()));
                out.insert("sec", Value::from(event.time().sec));
                out.insert("nsec", Value::from(event.time().nsec as i64));
                let mut meta = Object::new();
                for (k, v) in event.metadata() {
                    meta.insert(k, Value::string(v));
                }
                out.insert("meta", Value::Object(meta));
                out.insert("index", Value::from(event.index() as i64));
                out.insert("mark", Value::string(&self.mark));
                out.insert("processed", Value::from(self.processed));
                event.emit_object(&out)?;
            }
            // Route, retime and edit metadata, then pass the input through.
            "route" => {
                event.route(&text(&record, "to"))?;
                let t = event.time();
                event.set_time(Time { sec: t.sec + 1, nsec: 5 })?;
                event.meta_set("k", "v")?;
                event.meta_remove("gone")?;
                event.emit_input()?;
            }
            // Three outputs, with an edited copy of the record.
            "many" => {
                for n in 0..3i64 {
                    let mut copy = record.clone();
                    copy.insert("n", Value::from(n));
                    event.emit_object(&copy)?;
                }
            }
            // A string taken from the record and written back: escapes and surrogate pairs
            // survive the JSON module in both directions.
            "echo" => {
                let mut copy = record.clone();
                copy.insert("echo", Value::string(&text(&record, "text")));
                event.emit_object(&copy)?;
            }
            "drop" => event.drop()?,
            "fail" => return Err("asked to fail".to_string()),
            "panic" => panic!("asked to panic"),
            // The host's status 3 comes back as InvalidRecord, and the event is failed by it.
            "bad_record" => match event.emit(b"[1,2]") {
                Err(Status::InvalidRecord) => weft::log::info("bad_record: InvalidRecord"),
                other => return Err(format!("emit of an array gave {:?}", other)),
            },
            // A nanosecond count out of range is InvalidArgument, and the event goes on.
            "bad_time" => match event.set_time(Time { sec: 0, nsec: 1_000_000_000 }) {
                Err(Status::InvalidArgument) => event.emit_input()?,
                other => return Err(format!("set_time(nsec 10^9) gave {:?}", other)),
            },
            // After fail, calls about the event are NoSuchEvent.
            "fail_then_emit" => {
                event.fail("failed first")?;
                match event.emit_input() {
                    Err(Status::NoSuchEvent) => weft::log::info("fail_then_emit: NoSuchEvent"),
                    other => weft::log::error(&format!("fail_then_emit: {:?}", other)),
                }
            }
            // Leaves the event alone: the host reports it.
            "nothing" => {}
            _ => event.emit_input()?,
        }
        Ok(())
    }
}

weft_sdk::weft_processor!(Calls);
