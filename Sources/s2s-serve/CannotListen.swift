import Foundation

/// The address s2s-serve was to listen on cannot be had: taken by another
/// process, or refused by the system.
struct CannotListen: Error, CustomStringConvertible {
    let host: String
    let port: Int
    let errno: Int32

    /// HOST:PORT as in a URL ([HOST]:PORT for IPv6).
    static func address(_ host: String, _ port: Int) -> String {
        "\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    var description: String {
        let address = Self.address(host, port)
        return switch errno {
        case EADDRINUSE:
            "\(address) is already in use (another s2s-serve?); choose another with --port, or --port 0 for any free one"
        case EACCES:
            "cannot listen on \(address): ports below 1024 need privileges; choose another with --port"
        case EADDRNOTAVAIL:
            "cannot listen on \(address): \(host) is not an address of this machine; choose another with --host"
        default:
            "cannot listen on \(address): \(String(cString: strerror(errno))); check --host and --port"
        }
    }
}
