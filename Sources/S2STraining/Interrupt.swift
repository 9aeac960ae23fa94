#if canImport(Glibc)
import Glibc
#endif

/// SIGINT / SIGTERM ask a run to stop: the handler only sets a flag; the
/// trainer finishes its step, writes a checkpoint and exits 0. SIGUSR1 does
/// the same: mpirun passes it on to every process of its job as it is,
/// where it turns Ctrl-C (SIGINT) into a SIGTERM followed by a SIGKILL.
public enum Interrupt {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    public static var requested: Bool { flag != 0 }

    public static func install() {
        signal(SIGINT) { _ in Interrupt.flag = 1 }
        signal(SIGTERM) { _ in Interrupt.flag = 1 }
        signal(SIGUSR1) { _ in Interrupt.flag = 1 }
    }

    /// For tests.
    public static func reset() { flag = 0 }
}
