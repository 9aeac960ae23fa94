#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Creating the folders that outputs go into.
public enum Folder {
    /// Creates `path` and its missing parents (mkdir -p). A file where a
    /// folder should be is named ("out/file is a file, not a folder"), and
    /// any other failure gives the system's reason for the component that
    /// failed.
    public static func create(_ path: String) throws(FileError) {
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
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw FileError(path: path, action: "create the folder", reason: "\(prefix): \(String(cString: strerror(errno)))")
            }
        }
    }
}
