//! The `fpaxos` binary's allocator: the system allocator, with large blocks marked for
//! transparent huge pages (Linux).
//!
//! The explorer's seen set and search tree are tables of gigabytes probed at random: with 4 KiB
//! pages almost every probe also misses the TLB, and the page walk itself misses the cache (the
//! page tables of a 9 GB table are 18 MB). Most Linux distributions ship transparent huge pages
//! in `madvise` mode, where only memory marked with `madvise(MADV_HUGEPAGE)` gets 2 MiB pages.
//! This marks the 2 MiB-aligned inside of every block of at least [`HUGE_MIN`] bytes; smaller
//! blocks (the simulator's, nearly all) are untouched. A refused `madvise` (another kernel, or
//! huge pages disabled) changes nothing: the memory is ordinary memory either way.

use std::alloc::{GlobalAlloc, Layout, System};

/// The transparent huge page size on x86-64 and most aarch64 kernels.
const HUGE_PAGE: usize = 2 << 20;

/// Blocks this large or larger are marked.
const HUGE_MIN: usize = 2 * HUGE_PAGE;

/// The system allocator, marking large blocks for huge pages.
pub struct HugePages;

/// The whole huge pages inside `[addr, addr + size)`: their start and length, if any.
fn huge_range(addr: usize, size: usize) -> Option<(usize, usize)> {
    if size < HUGE_MIN {
        return None;
    }
    let start = addr.checked_add(HUGE_PAGE - 1)? & !(HUGE_PAGE - 1);
    let end = addr.checked_add(size)? & !(HUGE_PAGE - 1);
    (end > start).then(|| (start, end - start))
}

#[cfg(target_os = "linux")]
fn advise(ptr: *mut u8, size: usize) {
    if ptr.is_null() {
        return;
    }
    if let Some((start, len)) = huge_range(ptr as usize, size) {
        // SAFETY: `[start, start + len)` lies inside a block the system allocator has just
        // handed out, and `MADV_HUGEPAGE` is advice: it changes neither the contents nor the
        // validity of the memory. Its result is ignored on purpose (see the module docs).
        unsafe {
            libc::madvise(start as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise(_ptr: *mut u8, _size: usize) {}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged and returns
// its result unchanged; `advise` only gives the kernel advice about the returned block.
unsafe impl GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc(layout);
        advise(ptr, layout.size());
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc_zeroed(layout);
        advise(ptr, layout.size());
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = System.realloc(ptr, layout, new_size);
        advise(new, new_size);
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_aligned_huge_pages_inside_a_large_block_are_marked() {
        let mb = 1 << 20;
        // Too small, wherever it is.
        assert_eq!(huge_range(0, HUGE_MIN - 1), None);
        assert_eq!(huge_range(4 * mb, 3 * mb), None);
        // Aligned: every page.
        assert_eq!(huge_range(4 * mb, 8 * mb), Some((4 * mb, 8 * mb)));
        // A malloc'd block starts just past a page boundary: the inside, rounded in at both ends.
        assert_eq!(huge_range(4 * mb + 16, 8 * mb), Some((6 * mb, 6 * mb)));
        assert_eq!(huge_range(4 * mb + 16, 4 * mb), Some((6 * mb, 2 * mb)));
        // Large enough, but no whole aligned page inside.
        assert_eq!(huge_range(mb, HUGE_MIN - 1 + 2), Some((2 * mb, 2 * mb)));
        assert_eq!(huge_range(mb + 1, HUGE_MIN), Some((2 * mb, 2 * mb)));
        // At the top of the address space: no overflow.
        assert_eq!(huge_range(usize::MAX - 3 * mb, HUGE_MIN), None);
        assert_eq!(
            huge_range(usize::MAX - 8 * mb, HUGE_MIN),
            Some((usize::MAX - 8 * mb + 1, 2 * mb))
        );
    }

    #[test]
    fn large_blocks_are_usable_memory() {
        for size in [HUGE_MIN, 3 * HUGE_MIN + 123] {
            let layout = Layout::from_size_align(size, 8).unwrap();
            // SAFETY: a non-zero layout; the block is written and read within its size, grown
            // by `realloc` with the same alignment, and freed with the layout it then has.
            unsafe {
                let p = HugePages.alloc_zeroed(layout);
                assert!(!p.is_null());
                assert_eq!(*p.add(size - 1), 0);
                p.add(size / 2).write(7);
                let q = HugePages.realloc(p, layout, 2 * size);
                assert!(!q.is_null());
                assert_eq!(*q.add(size / 2), 7);
                q.add(2 * size - 1).write(9);
                HugePages.dealloc(q, Layout::from_size_align(2 * size, 8).unwrap());
            }
        }
    }
}
