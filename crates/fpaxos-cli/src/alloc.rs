//! The `fpaxos` binary's allocator: the system allocator, except that on Linux blocks of
//! [`HUGE_MIN`] bytes or more are mapped by this allocator itself, in whole transparent huge
//! pages.
//!
//! The explorer's seen set and search tree are tables of gigabytes probed at random: with 4 KiB
//! pages almost every probe also misses the TLB, and the page walk itself misses the cache (the
//! page tables of a 9 GB table are 18 MB). Most Linux distributions ship transparent huge pages
//! in `madvise` mode, where only memory marked with `madvise(MADV_HUGEPAGE)` gets 2 MiB pages.
//!
//! A large block is an anonymous mapping of whole huge pages (its length rounded up to
//! [`HUGE_PAGE`]) that starts on a huge page boundary, marked for huge pages. A resize grows or
//! shrinks it in place with `mremap` when it can, and otherwise moves it whole, also with
//! `mremap`, onto a fresh range on a huge page boundary, so its huge pages move intact. (Until
//! 2026-12-03 large blocks came from the system allocator and were marked: glibc's mappings
//! start 16 bytes past a page boundary, so each `realloc` that moved one split the huge pages it
//! had. The seen set, which doubles in place, ended with half its pages small.) Smaller blocks
//! (the simulator's, nearly all) go to the system allocator unchanged. A refused `madvise`
//! (huge pages disabled) changes nothing: the memory is ordinary memory either way.

use std::alloc::{GlobalAlloc, Layout, System};

/// The transparent huge page size on x86-64 and most aarch64 kernels.
const HUGE_PAGE: usize = 2 << 20;

/// Blocks this large or larger are mapped here (on Linux).
const HUGE_MIN: usize = 2 * HUGE_PAGE;

/// The system allocator, with large blocks in huge pages.
pub struct HugePages;

/// Whether a block of this layout is one of ours: large, and aligned no more than a page.
fn is_large(layout: &Layout) -> bool {
    cfg!(target_os = "linux") && layout.size() >= HUGE_MIN && layout.align() <= 4096
}

/// The length of the mapping that holds `size` bytes: whole huge pages (`None` on overflow).
fn mapped_len(size: usize) -> Option<usize> {
    size.checked_next_multiple_of(HUGE_PAGE)
}

#[cfg(target_os = "linux")]
mod large {
    use super::{mapped_len, HUGE_PAGE};

    /// Reserves `len` bytes of fresh zeroed memory starting on a huge page boundary; null on
    /// failure. It maps `len` plus one huge page and unmaps what lies outside the aligned range.
    unsafe fn reserve_aligned(len: usize) -> *mut u8 {
        let Some(over) = len.checked_add(HUGE_PAGE) else {
            return std::ptr::null_mut();
        };
        // SAFETY: an anonymous private mapping at an address the kernel chooses touches no
        // existing memory; the two `munmap`s remove only parts of that new mapping.
        unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                over,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if p == libc::MAP_FAILED {
                return std::ptr::null_mut();
            }
            let start = p as usize;
            let aligned = start.next_multiple_of(HUGE_PAGE);
            if aligned > start {
                libc::munmap(p, aligned - start);
            }
            let end = aligned + len;
            if start + over > end {
                libc::munmap(end as *mut libc::c_void, start + over - end);
            }
            aligned as *mut u8
        }
    }

    /// Marks `[p, p + len)` for huge pages. The result is ignored on purpose (see the module
    /// docs).
    unsafe fn advise(p: *mut u8, len: usize) {
        // SAFETY: advice on a range this allocator mapped; it changes neither the contents nor
        // the validity of the memory.
        unsafe { libc::madvise(p.cast(), len, libc::MADV_HUGEPAGE) };
    }

    /// A fresh zeroed block for `size` bytes on a huge page boundary, marked for huge pages;
    /// null on failure.
    pub(super) unsafe fn map(size: usize) -> *mut u8 {
        let Some(len) = mapped_len(size) else {
            return std::ptr::null_mut();
        };
        unsafe {
            let p = reserve_aligned(len);
            if !p.is_null() {
                advise(p, len);
            }
            p
        }
    }

    /// Unmaps a block [`map`] or [`remap`] returned for `size` bytes.
    pub(super) unsafe fn unmap(ptr: *mut u8, size: usize) {
        if let Some(len) = mapped_len(size) {
            // SAFETY: `[ptr, ptr + len)` is exactly the block's mapping.
            unsafe { libc::munmap(ptr.cast(), len) };
        }
    }

    /// Resizes a block of `old` bytes to `new` bytes: in place if it can, else moved whole to a
    /// fresh range on a huge page boundary, so its huge pages move with it rather than being
    /// split. Null on failure, the old block then untouched.
    pub(super) unsafe fn remap(ptr: *mut u8, old: usize, new: usize) -> *mut u8 {
        let (Some(old_len), Some(new_len)) = (mapped_len(old), mapped_len(new)) else {
            return std::ptr::null_mut();
        };
        if new_len == old_len {
            return ptr;
        }
        // SAFETY: `[ptr, ptr + old_len)` is exactly the block's mapping. `mremap` without
        // `MREMAP_MAYMOVE` resizes it where it is or fails leaving it as it was; with
        // `MREMAP_FIXED` it moves it whole onto `dest`, a range reserved just before (which it
        // replaces), or fails leaving both as they were.
        unsafe {
            let p = libc::mremap(ptr.cast(), old_len, new_len, 0);
            if p != libc::MAP_FAILED {
                if new_len > old_len {
                    advise(ptr, new_len);
                }
                return ptr;
            }
            let dest = reserve_aligned(new_len);
            if dest.is_null() {
                return dest;
            }
            let p = libc::mremap(
                ptr.cast(),
                old_len,
                new_len,
                libc::MREMAP_MAYMOVE | libc::MREMAP_FIXED,
                dest.cast::<libc::c_void>(),
            );
            if p == libc::MAP_FAILED {
                libc::munmap(dest.cast(), new_len);
                return std::ptr::null_mut();
            }
            advise(dest, new_len);
            dest
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod large {
    // `is_large` is false off Linux: never called.
    pub(super) unsafe fn map(_size: usize) -> *mut u8 {
        std::ptr::null_mut()
    }
    pub(super) unsafe fn unmap(_ptr: *mut u8, _size: usize) {}
    pub(super) unsafe fn remap(_ptr: *mut u8, _old: usize, _new: usize) -> *mut u8 {
        std::ptr::null_mut()
    }
}

// SAFETY: a large layout (`is_large`) always gets a fresh anonymous mapping, which is zeroed and
// page-aligned (so aligned for any layout `is_large` accepts), and is unmapped or remapped with
// the same size; every other layout goes to `System` unchanged. A block keeps its kind for its
// whole life because `dealloc` and `realloc` receive the layout it was allocated with, and a
// `realloc` across the threshold copies into a block of the other kind.
unsafe impl GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if is_large(&layout) {
            unsafe { large::map(layout.size()) }
        } else {
            unsafe { System.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if is_large(&layout) {
            // A fresh anonymous mapping reads as zeros.
            unsafe { large::map(layout.size()) }
        } else {
            unsafe { System.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if is_large(&layout) {
            unsafe { large::unmap(ptr, layout.size()) }
        } else {
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY (the caller's contract): `new_size`, rounded up to the alignment, does not
        // overflow `isize`, so this layout is valid.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (is_large(&layout), is_large(&new)) {
            (false, false) => unsafe { System.realloc(ptr, layout, new_size) },
            (true, true) => unsafe { large::remap(ptr, layout.size(), new_size) },
            _ => {
                // Across the threshold: a block of the other kind, the contents copied.
                let q = unsafe { self.alloc(new) };
                if !q.is_null() {
                    unsafe {
                        std::ptr::copy_nonoverlapping(ptr, q, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                }
                q
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_block_is_whole_huge_pages() {
        let mb = 1 << 20;
        assert_eq!(mapped_len(HUGE_MIN), Some(HUGE_MIN));
        assert_eq!(mapped_len(HUGE_MIN + 1), Some(HUGE_MIN + HUGE_PAGE));
        assert_eq!(mapped_len(5 * mb), Some(6 * mb));
        assert_eq!(mapped_len(usize::MAX - 3), None);
        assert!(!is_large(
            &Layout::from_size_align(HUGE_MIN - 1, 8).unwrap()
        ));
        // Aligned beyond a page: left to the system allocator.
        assert!(!is_large(&Layout::from_size_align(HUGE_MIN, 8192).unwrap()));
        assert_eq!(
            is_large(&Layout::from_size_align(HUGE_MIN, 16).unwrap()),
            cfg!(target_os = "linux")
        );
    }

    /// Every large block starts on a huge page boundary, through any resize: what keeps its huge
    /// pages whole when it moves (glibc's blocks start 16 bytes past a page boundary).
    fn on_boundary(p: *mut u8) -> bool {
        !cfg!(target_os = "linux") || (p as usize).is_multiple_of(HUGE_PAGE)
    }

    #[test]
    fn large_blocks_keep_their_contents_and_boundary_through_resizes() {
        let size = HUGE_MIN + 123;
        let layout = Layout::from_size_align(size, 16).unwrap();
        // SAFETY: non-zero layouts; every block is written and read within its size, resized
        // with the alignment it was made with, and freed with the layout it then has.
        unsafe {
            let p = HugePages.alloc_zeroed(layout);
            assert!(!p.is_null() && on_boundary(p));
            assert!((0..size).step_by(4093).all(|i| *p.add(i) == 0));
            assert_eq!(*p.add(size - 1), 0);
            p.add(size / 2).write(7);
            p.add(size - 1).write(8);
            // A block just after it, so that growing it may have to move it.
            let other = HugePages.alloc(layout);
            assert!(!other.is_null() && on_boundary(other));
            other.write(1);
            let mut p = p;
            let mut len = size;
            for grown in [2 * size, 8 * size + 5, 3 * size] {
                p = HugePages.realloc(p, Layout::from_size_align(len, 16).unwrap(), grown);
                assert!(!p.is_null() && on_boundary(p), "resized to {grown}");
                assert_eq!(
                    (*p.add(size / 2), *p.add(size - 1)),
                    (7, 8),
                    "resized to {grown}"
                );
                p.add(grown - 1).write(9);
                len = grown;
            }
            // Across the threshold and back: a copy each way.
            p.add(100).write(5);
            let small = HugePages.realloc(p, Layout::from_size_align(len, 16).unwrap(), 4096);
            assert!(!small.is_null());
            assert_eq!(*small.add(100), 5);
            let back = HugePages.realloc(
                small,
                Layout::from_size_align(4096, 16).unwrap(),
                2 * HUGE_MIN,
            );
            assert!(!back.is_null() && on_boundary(back));
            assert_eq!(*back.add(100), 5);
            HugePages.dealloc(back, Layout::from_size_align(2 * HUGE_MIN, 16).unwrap());
            assert_eq!(*other, 1);
            HugePages.dealloc(other, layout);
        }
    }
}
