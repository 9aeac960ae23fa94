import ArgumentParser

/// `--threads`, declared once for every command that takes it (s2s-prep,
/// s2s-train, s2s-translate, s2s-serve): the threads the command computes
/// on, all cores when not given. A command includes it as an
/// `@OptionGroup` and hands `threads` to the library's options.
public struct ThreadsOption: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Threads to compute on: the matrix products, or s2s-prep's normalising, segmenting and BPE (default: all cores).",
        valueName: "N"))
    public var threads: Int?

    public init() {}

    public func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads).") }
    }
}
