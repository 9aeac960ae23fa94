import Foundation

/// The CPU's model name as Linux reports it (`/proc/cpuinfo`), for naming
/// the CPU beside a measurement; "unknown CPU" elsewhere.
public enum CPUName {
    public static let current: String = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return "unknown CPU" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }()

    /// What tells CPUs apart where the model name does not (a virtual
    /// machine reports "AMD EPYC" for several generations): the name, family,
    /// model, stepping and a hash of the feature flags.
    public static let identity: String = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return current }
        let lines = text.split(separator: "\n")
        func field(_ key: String) -> String {
            for line in lines {
                guard let colon = line.firstIndex(of: ":"),
                      line[..<colon].trimmingCharacters(in: .whitespaces) == key else { continue }
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return "?"
        }
        return "\(current) family \(field("cpu family")) model \(field("model")) stepping \(field("stepping")) "
            + "flags \(String(FNV1a64.hash(field("flags").utf8), radix: 16))"
    }()
}
