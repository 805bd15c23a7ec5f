//! Giving memory the process has freed back to the system.
//!
//! glibc's allocator keeps a freed block that came from its heaps (rather than from a mapping
//! of its own) until the free space at the top of that heap passes a threshold, and it raises
//! the size below which blocks come from its heaps each time a large mapped block is freed.
//! Reading the tables of a set one after another, the columns of a run joined onto the first
//! are freed into those heaps and stayed there: 20–30 MB held beside a million-row table, for
//! nothing. [`release_freed`] hands such free memory back.

/// Returns the allocator's free memory to the system (glibc on Linux; elsewhere nothing).
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes no pointer and only releases memory that is free in the
    // allocator's own heaps; glibc allows it from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
