import Foundation
import S2SOptions

/// The page `GET /` serves: HTML, CSS and JavaScript written for s2s (no
/// external resources), shipped beside the binary as SwiftPM resources
/// (`s2s_s2s-serve.resources/Page/`).
struct Page: Sendable {
    struct File: Sendable {
        var text: String
        var contentType: String
    }
    var files: [String: File]

    static let types = ["html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8",
                        "js": "text/javascript; charset=utf-8"]

    /// The page's files, or nil (with a warning) when they are not beside
    /// the binary: the API is served without the page.
    static func load() -> Page? {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let folder = executable.deletingLastPathComponent().appendingPathComponent("s2s_s2s-serve.resources/Page")
        var files: [String: File] = [:]
        for (name, type) in [("index.html", "html"), ("page.css", "css"), ("page.js", "js")] {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else {
                S2SCommand.report("s2s-serve: warning: \(folder.path)/\(name) is missing: serving the API without the page (keep the s2s_s2s-serve.resources folder beside the binary)\n")
                return nil
            }
            files[name] = File(text: String(decoding: data, as: UTF8.self), contentType: types[type]!)
        }
        return Page(files: files)
    }
}
