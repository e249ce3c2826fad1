// A WASI guest in AssemblyScript (with @assemblyscript/wasi-shim): args, env, console,
// clocks, randomness, stdin, a file written and read back through the raw
// wasi_snapshot_preview1 bindings in the first preopen (fd 3, "/sandbox"), and the exit
// status. Its output is compared under `weft run` and node's WASI.
import {
  fd_close, fd_read, fd_write, path_open, path_create_directory, path_unlink_file,
  path_remove_directory, oflags, rights, errno, fdflags,
} from "bindings/wasi_snapshot_preview1";

const args = process.argv;
console.log("argc " + args.length.toString());
for (let i = 1; i < args.length; ++i) console.log("arg " + i.toString() + " [" + args[i] + "]");
const env = process.env;
console.log("GREETING=" + (env.has("GREETING") ? env.get("GREETING") : "(unset)"));

// A file in the preopen, with the raw bindings.
function pathOf(s: string): ArrayBuffer { return String.UTF8.encode(s); }
const scratch = memory.data(64);
const name = pathOf("as_file.txt");
let err = path_open(3, 0, changetype<usize>(name), name.byteLength,
                    oflags.CREAT | oflags.TRUNC, rights.FD_READ | rights.FD_WRITE,
                    rights.FD_READ | rights.FD_WRITE, 0, scratch);
console.log("path_open " + err.toString());
const fd = load<u32>(scratch);
const text = pathOf("written by AssemblyScript\n");
store<u32>(scratch + 8, changetype<usize>(text));
store<u32>(scratch + 12, text.byteLength);
err = fd_write(fd, scratch + 8, 1, scratch + 16);
console.log("fd_write " + err.toString() + " n=" + load<u32>(scratch + 16).toString());
fd_close(fd);
err = path_open(3, 0, changetype<usize>(name), name.byteLength, 0, rights.FD_READ, 0, 0, scratch);
const rfd = load<u32>(scratch);
const buf = new ArrayBuffer(100);
store<u32>(scratch + 8, changetype<usize>(buf));
store<u32>(scratch + 12, 100);
err = fd_read(rfd, scratch + 8, 1, scratch + 16);
const n = load<u32>(scratch + 16);
console.log("fd_read " + err.toString() + " [" + String.UTF8.decodeUnsafe(changetype<usize>(buf), n - 1) + "]");
fd_close(rfd);
const missing = pathOf("missing.txt");
err = path_open(3, 0, changetype<usize>(missing), missing.byteLength, 0, rights.FD_READ, 0, 0, scratch);
console.log("open missing is ENOENT " + (err == errno.NOENT).toString());
const dir = pathOf("as_dir");
console.log("mkdir " + path_create_directory(3, changetype<usize>(dir), dir.byteLength).toString());
console.log("rmdir " + path_remove_directory(3, changetype<usize>(dir), dir.byteLength).toString());
console.log("unlink " + path_unlink_file(3, changetype<usize>(name), name.byteLength).toString());

// Clocks and randomness: properties only.
const t0 = process.hrtime();
const t1 = process.hrtime();
console.log("hrtime ok " + (t1 >= t0).toString());
console.log("after 2020 " + (Date.now() > 1577836800000).toString());
const r = new Uint8Array(16);
crypto.getRandomValues(r);
let nonzero = 0;
for (let i = 0; i < 16; ++i) if (r[i] != 0) ++nonzero;
console.log("random " + (nonzero > 0).toString());
const m = Math.random();
console.log("Math.random in range " + (m >= 0 && m < 1).toString());

// Standard input.
const input = new ArrayBuffer(256);
let total = 0;
while (true) {
  const got = process.stdin.read(input, 0);
  if (got <= 0) break;
  total += got;
}
console.log("stdin bytes " + total.toString());
console.error("as stderr");
process.exit(args.length > 2 ? I32.parseInt(args[2]) : 0);
