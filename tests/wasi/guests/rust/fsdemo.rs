// A WASI guest in Rust (std for wasm32-wasi): args, env, std::fs, directories, time, stdin,
// the exit status. Its output is compared under `weft run` and node's WASI. Expects a
// preopen /sandbox holding input.txt.
use std::collections::hash_map::RandomState;
use std::fs;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("args {:?}", args);
    println!("GREETING={:?}", std::env::var("GREETING").ok());
    let mut vars: Vec<String> = std::env::vars().map(|(k, _)| k).collect();
    vars.sort();
    println!("vars {:?}", vars);

    let text = fs::read_to_string("/sandbox/input.txt").expect("read input");
    println!("input has {} lines, {} bytes", text.lines().count(), text.len());

    fs::create_dir_all("/sandbox/a/b/c").expect("create_dir_all");
    let mut f = fs::File::create("/sandbox/a/b/c/data.bin").expect("create");
    f.write_all(&[1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
    f.seek(SeekFrom::Start(2)).unwrap();
    f.write_all(&[0xff]).unwrap();
    drop(f);
    let data = fs::read("/sandbox/a/b/c/data.bin").unwrap();
    println!("data {:?}", data);
    let meta = fs::metadata("/sandbox/a/b/c/data.bin").unwrap();
    println!("len {} file {} dir {}", meta.len(), meta.is_file(), meta.is_dir());
    fs::copy("/sandbox/a/b/c/data.bin", "/sandbox/a/copy.bin").unwrap();
    fs::rename("/sandbox/a/copy.bin", "/sandbox/a/renamed.bin").unwrap();
    let mut names: Vec<String> = fs::read_dir("/sandbox/a")
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    println!("read_dir {:?}", names);
    match fs::remove_dir("/sandbox/a") {
        Ok(()) => println!("remove_dir nonempty: ok?!"),
        Err(e) => println!("remove_dir nonempty: {:?}", e.kind()),
    }
    fs::remove_dir_all("/sandbox/a").unwrap();
    println!("exists after remove {}", fs::metadata("/sandbox/a").is_ok());
    match fs::File::open("/sandbox/missing") {
        Ok(_) => println!("missing: opened?!"),
        Err(e) => println!("missing: {:?}", e.kind()),
    }
    println!("escape {}", fs::File::open("/sandbox/../../etc/passwd").is_err());

    let t0 = Instant::now();
    let t1 = Instant::now();
    println!("instant ok {}", t1 >= t0);
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    println!("after 2020 {}", secs > 1_577_836_800);
    let (h1, h2) = (RandomState::new().build_hasher(), RandomState::new().build_hasher());
    println!("hasher seeded {}", h1.finish() != 0 || h2.finish() != 0);

    let mut input = String::new();
    io::stdin().read_to_string(&mut input).unwrap();
    println!("stdin words {}", input.split_whitespace().count());
    eprintln!("rust stderr");
    io::stdout().flush().unwrap();
    let code = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    std::process::exit(code);
}
