import Foundation
import S2S
import S2SCore
import S2SKernels
import S2SText

/// What every `s2s-*` command does around its work: the process's start,
/// standard output and error, files named on the command line, and the
/// checks of options that several commands share. A command's main calls
/// these and the `S2S` library, and nothing else of s2s.
public enum S2SCommand {
    /// Call first in a command's main. A command that loads models first
    /// re-executes itself with OpenBLAS's best kernels where it chose a
    /// generic one (`BLASRuntime`), and keeps freed buffers for the next
    /// batch (`HeapTuning`); every command puts /dev/null on a closed
    /// standard descriptor (`StandardStreams`).
    public static func start(loadsModels: Bool) {
        if loadsModels { BLASRuntime.ensureOptimizedKernels() }  // may re-execute: before anything else
        StandardStreams.prepare()
        if loadsModels { HeapTuning.keepFreedBuffers() }
    }

    /// Writes to standard output; a full disk behind a redirection is an
    /// error, not lost output.
    public static func write(_ text: String) throws(S2SError) {
        do { try StandardOutput.write(text) } catch { throw S2SError(error) }
    }

    /// Writes a message, a warning or progress to standard error (a write
    /// that fails is dropped: it must not stop the work it reports on).
    public static func report(_ text: String) {
        StandardError.write(text)
    }

    /// Writes a text file atomically (whole or not at all).
    public static func writeFile(_ text: String, to path: String) throws(S2SError) {
        do { try AtomicFile.write(text: text, to: path) } catch { throw S2SError(error) }
    }

    /// The lines of a UTF-8 text file, or of standard input when `path` is
    /// nil (`hint` says how to give it, should standard input be closed).
    public static func lines(ofFile path: String?, standardInputHint hint: String) throws(S2SError) -> [String] {
        try S2SError.converting {
            guard let path else {
                try StandardStreams.requireInput(hint: hint)
                return try LineReader.lines(of: Data(StandardInput.readAll()), path: "stdin")
            }
            return try LineReader.lines(ofFile: path)
        }
    }

    /// The message for the first bad floating-point option, or nil:
    /// `finite` ones must be finite, `positive` ones positive and finite
    /// (`nan` and `inf` parse as numbers).
    public static func numberProblem(finite: [(String, Double?)], positive: [(String, Double?)] = []) -> String? {
        NumberOptions.problem(finite: finite, positive: positive)
    }

    /// Why `code` is not an ISO 639-1 language code (nil: it is one in form).
    public static func languageProblem(_ code: String) -> String? {
        LanguageCode.problem(code)
    }
}
