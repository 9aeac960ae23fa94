#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Creating the folders that outputs go into.
public enum Folder {
    /// Creates `path` and its missing parents (mkdir -p) and returns the
    /// folders it made, outermost first (so that a run that fails can take
    /// them away again). A file where a folder should be is named ("out/file
    /// is a file, not a folder"), and any other failure gives the system's
    /// reason for the component that failed.
    @discardableResult
    public static func create(_ path: String) throws(FileError) -> [String] {
        var made: [String] = []
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            var info = stat()
            if stat(prefix, &info) == 0 {
                if info.st_mode & S_IFMT != S_IFDIR {
                    throw FileError(path: path, action: "create the folder", reason: "\(prefix) is a file, not a folder")
                }
                continue
            }
            if mkdir(prefix, 0o755) == 0 {
                made.append(prefix)
            } else if errno != EEXIST {
                throw FileError(path: path, action: "create the folder", reason: "\(prefix): \(String(cString: strerror(errno)))")
            }
        }
        return made
    }

    /// `path` as one absolute spelling: relative to the working folder, `.`
    /// and `..` taken out, and (with `resolvingLinks`) symbolic links
    /// resolved as far as the path exists (the rest need not exist yet). Two
    /// spellings of one folder give the same string (`X/n`, `./X/n`, a link
    /// to `X`).
    public static func resolved(_ path: String, resolvingLinks: Bool = true) -> String {
        var start = path
        if !path.hasPrefix("/"), let cwd = getcwd(nil, 0) {
            start = String(cString: cwd) + "/" + path
            free(cwd)
        }
        var components: [Substring] = []
        var exists = resolvingLinks
        for part in start.split(separator: "/") where part != "." {
            if part == ".." {
                _ = components.popLast()
                continue
            }
            components.append(part)
            guard exists else { continue }
            if let real = realpath("/" + components.joined(separator: "/"), nil) {
                components = String(cString: real).split(separator: "/")
                free(real)
            } else {
                exists = false
            }
        }
        return "/" + components.joined(separator: "/")
    }
}
