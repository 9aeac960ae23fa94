import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's limit on open file descriptors (RLIMIT_NOFILE), which
/// bounds the connections it can hold: each is one descriptor.
enum DescriptorLimit {
    /// Descriptors kept for everything but connections: standard streams,
    /// the listening socket, the event loops' epoll and event descriptors,
    /// files read while serving.
    static let reserved = 64

    /// Raises the soft limit to the hard one (what an unprivileged process
    /// may) and gives the soft limit now in force.
    static func raiseToHard() -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return Int(clamping: sysconf(Int32(_SC_OPEN_MAX))) }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
