import CKernels

/// glibc's allocator set for a process that makes and frees the same large
/// buffers again and again (a batch's encodings and states, a training
/// step's temporaries): by default glibc maps each large block anew and
/// returns freed memory to the kernel, so every batch faults its pages in
/// again (beam 5 batch 32 over the bundled test book: 179,000 page faults,
/// 80,000 with this; peak RSS within 1%). Blocks up to 32 MiB come from the
/// heap, and freed memory is kept for the next batch. Called first thing by
/// the commands that translate or train.
public enum HeapTuning {
    /// Applies the setting unless the user chose their own
    /// (MALLOC_MMAP_THRESHOLD_ or MALLOC_TRIM_THRESHOLD_ in the environment);
    /// whether it was applied.
    @discardableResult
    public static func keepFreedBuffers() -> Bool { s2s_keep_freed_buffers() != 0 }
}
