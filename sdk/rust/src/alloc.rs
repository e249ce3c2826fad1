//! The guest allocator the host uses: `weft_alloc`/`weft_free` (weft events ABI) and `malloc`
//! (elastic ABI) hand out blocks the host fills, and buffers the elastic host returns are freed
//! here by the SDK.
//!
//! The host frees with a pointer only (no size), while Rust's allocator needs the size back:
//! every block carries its layout size in an 8-byte header before the pointer handed out.
//!
//! On wasm32-wasi, wasi-libc already defines `malloc` and `free`, and a second definition would
//! not link: there the SDK uses libc's allocator, and the plugin is linked with
//! `-C link-arg=--export=malloc` to export it (see README.md).

#[cfg(not(target_os = "wasi"))]
mod imp {
    use std::alloc::{alloc, dealloc, Layout};

    /// Bytes before each block: its total layout size, and enough to keep 8-byte alignment.
    const HEADER: usize = 8;

    pub fn malloc(size: usize) -> *mut u8 {
        let total = match size.checked_add(HEADER) {
            Some(t) => t,
            None => return std::ptr::null_mut(),
        };
        let layout = match Layout::from_size_align(total, HEADER) {
            Ok(l) => l,
            Err(_) => return std::ptr::null_mut(),
        };
        // SAFETY: `layout` has a non-zero size (at least HEADER). The header write stays inside
        // the block, which is aligned for usize (align 8 >= align_of::<usize>()).
        unsafe {
            let base = alloc(layout);
            if base.is_null() {
                return base;
            }
            (base as *mut usize).write(total);
            base.add(HEADER)
        }
    }

    /// # Safety
    /// `ptr` is null or a block from `malloc` not freed yet.
    pub unsafe fn free(ptr: *mut u8) {
        if ptr.is_null() {
            return;
        }
        let base = ptr.sub(HEADER);
        let total = (base as *const usize).read();
        dealloc(base, Layout::from_size_align_unchecked(total, HEADER));
    }
}

#[cfg(target_os = "wasi")]
mod imp {
    extern "C" {
        #[link_name = "malloc"]
        fn libc_malloc(size: usize) -> *mut u8;
        #[link_name = "free"]
        fn libc_free(ptr: *mut u8);
    }

    pub fn malloc(size: usize) -> *mut u8 {
        // SAFETY: libc's malloc has no precondition.
        unsafe { libc_malloc(size) }
    }

    /// # Safety
    /// `ptr` is null or a block from `malloc` not freed yet.
    pub unsafe fn free(ptr: *mut u8) {
        libc_free(ptr)
    }
}

/// A block of `size` bytes (0 allowed), or null when memory is exhausted.
pub fn malloc(size: usize) -> *mut u8 {
    imp::malloc(size)
}

/// Frees a block from [`malloc`], or from the host through the exported allocator.
///
/// # Safety
/// `ptr` is null or a block from [`malloc`] (or the exported `malloc`/`weft_alloc`) that has not
/// been freed yet.
pub unsafe fn free(ptr: *mut u8) {
    imp::free(ptr)
}

#[cfg(test)]
mod tests {
    #[test]
    fn blocks_are_aligned_and_writable() {
        for size in [0usize, 1, 7, 64, 100_000] {
            let p = super::malloc(size);
            assert!(!p.is_null());
            assert_eq!(p as usize % 8, 0);
            // SAFETY: `p` is a fresh block of `size` bytes.
            unsafe {
                std::ptr::write_bytes(p, 0xab, size);
                super::free(p);
            }
        }
    }

    #[test]
    fn impossible_sizes_give_null() {
        assert!(super::malloc(usize::MAX).is_null());
    }
}
