import ArgumentParser
import S2S

extension S2SCommand {
    /// The library's answer to a command's options: what it refuses as
    /// options (``S2SError/options(problem:hint:)``: nothing was read or
    /// written) becomes a usage error, printed as ArgumentParser prints
    /// one and exit status 64; any other error stays as it is (status 1).
    public static func usage<T>(_ body: () throws(S2SError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            guard case .options = error else { throw error }
            throw ValidationError(error.description)
        }
    }
}
