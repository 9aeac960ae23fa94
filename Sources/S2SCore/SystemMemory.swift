#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// How much memory and disk this process can still use.
public enum SystemMemory {
    /// Bytes this process can still allocate without swapping or being
    /// killed: the kernel's MemAvailable, lowered to what the control
    /// group's limit leaves (containers), nil where neither can be read.
    public static func availableBytes() -> Double? {
        var available: Double?
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kb = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) {
            available = kb * 1024
        }
        func number(_ path: String) -> Double? {
            (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        // cgroup v2: memory.max is "max" when unlimited (Double fails: no limit).
        if let limit = number("/sys/fs/cgroup/memory.max"), let used = number("/sys/fs/cgroup/memory.current") {
            let left = max(0, limit - used)
            available = available.map { min($0, left) } ?? left
        }
        return available
    }

    /// Free bytes on the file system holding `path` (for an unprivileged
    /// user), nil when it cannot be asked.
    public static func freeDiskBytes(at path: String) -> Double? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Double(info.f_bavail) * Double(info.f_frsize)
    }

    /// "1.2 GB", "340.0 MB".
    public static func format(bytes: Double) -> String {
        bytes >= 1e9 ? String(format: "%.1f GB", bytes / 1e9) : String(format: "%.1f MB", bytes / 1e6)
    }
}
