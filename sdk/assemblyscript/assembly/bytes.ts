// A growable byte buffer in unmanaged memory, shared by the JSON serializer and the protobuf
// writer. Host calls want a pointer and a length of UTF-8 bytes; building the output directly
// as bytes avoids concatenating AssemblyScript (UTF-16) strings, which is quadratic, and a
// final UTF-16 -> UTF-8 conversion.

/** Bytes appended at the end, in a block from `heap.alloc` that grows by doubling. */
export class ByteWriter {
  /** Start of the block (0 until the first write). */
  ptr: usize = 0;
  /** Bytes written. */
  length: i32 = 0;
  private capacity: i32 = 0;

  /** Forgets the contents but keeps the block, so a writer reused per event costs no allocation. */
  reset(): void {
    this.length = 0;
  }

  /** Frees the block. The writer stays usable (it allocates again on the next write). */
  release(): void {
    if (this.ptr != 0) heap.free(this.ptr);
    this.ptr = 0;
    this.length = 0;
    this.capacity = 0;
  }

  @inline
  private reserve(extra: i32): void {
    if (this.length + extra > this.capacity) this.grow(this.length + extra);
  }

  private grow(needed: i32): void {
    let capacity = this.capacity < 64 ? 64 : this.capacity;
    while (capacity < needed) capacity <<= 1;
    this.ptr =
      this.ptr == 0 ? heap.alloc(<usize>capacity) : heap.realloc(this.ptr, <usize>capacity);
    this.capacity = capacity;
  }

  byte(b: i32): void {
    this.reserve(1);
    store<u8>(this.ptr + <usize>this.length, <u8>b);
    this.length += 1;
  }

  /** Appends `len` bytes from `src`. */
  raw(src: usize, len: i32): void {
    if (len <= 0) return;
    this.reserve(len);
    memory.copy(this.ptr + <usize>this.length, src, <usize>len);
    this.length += len;
  }

  /** Appends the contents of another writer. */
  append(other: ByteWriter): void {
    this.raw(other.ptr, other.length);
  }

  /** Appends an ASCII-only string (no check: used for literals such as `null`). */
  ascii(s: string): void {
    const n = s.length;
    this.reserve(n);
    for (let i = 0; i < n; ++i) {
      store<u8>(this.ptr + <usize>(this.length + i), <u8>s.charCodeAt(i));
    }
    this.length += n;
  }

  /**
   * Appends `s` as UTF-8. A surrogate pair becomes one 4-byte sequence; a lone surrogate (which
   * UTF-8 cannot represent) becomes U+FFFD, so the output is always valid UTF-8.
   */
  utf8(s: string): void {
    const n = s.length;
    this.reserve(n * 3);
    for (let i = 0; i < n; ++i) {
      let c = <u32>s.charCodeAt(i);
      if (c < 0x80) {
        store<u8>(this.ptr + <usize>this.length, <u8>c);
        this.length += 1;
        continue;
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < n ? <u32>s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          ++i;
        } else {
          c = 0xfffd;
        }
      }
      this.codePoint(c);
    }
  }

  /** Appends one Unicode scalar value as UTF-8. */
  codePoint(c: u32): void {
    this.reserve(4);
    const p = this.ptr + <usize>this.length;
    if (c < 0x80) {
      store<u8>(p, <u8>c);
      this.length += 1;
    } else if (c < 0x800) {
      store<u8>(p, <u8>(0xc0 | (c >> 6)));
      store<u8>(p, <u8>(0x80 | (c & 0x3f)), 1);
      this.length += 2;
    } else if (c < 0x10000) {
      store<u8>(p, <u8>(0xe0 | (c >> 12)));
      store<u8>(p, <u8>(0x80 | ((c >> 6) & 0x3f)), 1);
      store<u8>(p, <u8>(0x80 | (c & 0x3f)), 2);
      this.length += 3;
    } else {
      store<u8>(p, <u8>(0xf0 | (c >> 18)));
      store<u8>(p, <u8>(0x80 | ((c >> 12) & 0x3f)), 1);
      store<u8>(p, <u8>(0x80 | ((c >> 6) & 0x3f)), 2);
      store<u8>(p, <u8>(0x80 | (c & 0x3f)), 3);
      this.length += 4;
    }
  }

  /** Appends a protobuf base-128 varint (the low 7 bits first). */
  varint(value: u64): void {
    this.reserve(10);
    while (value >= 0x80) {
      store<u8>(this.ptr + <usize>this.length, <u8>(value | 0x80));
      this.length += 1;
      value >>= 7;
    }
    store<u8>(this.ptr + <usize>this.length, <u8>value);
    this.length += 1;
  }

  /** The contents decoded as a string (the writer is unchanged). */
  toString(): string {
    return String.UTF8.decodeUnsafe(this.ptr, <usize>this.length);
  }
}

/** The number of bytes `s` takes as UTF-8, counting a lone surrogate as U+FFFD (3 bytes). */
export function utf8Length(s: string): i32 {
  let n = 0;
  const len = s.length;
  for (let i = 0; i < len; ++i) {
    const c = <u32>s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
      const next = <u32>s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 4;
        ++i;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
