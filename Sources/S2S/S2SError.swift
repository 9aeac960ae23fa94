internal import S2SCore
internal import S2STranslation

/// What went wrong, in the words the `s2s-*` commands print: the file (and
/// line, where one applies), the problem, and what to do about it.
///
/// Every throwing call of the `S2S` library throws this type. Its
/// ``description`` is `FILE:LINE: problem. hint`, the form editors and
/// terminals link to.
///
/// ```swift
/// do {
///     let translator = try Translator(modelFolder: "models/bible")
/// } catch {
///     print(error)  // models/bible/prep.json: missing. Give --model a folder written by s2s-train …
/// }
/// ```
public enum S2SError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A user's file or line is not what it must be: a missing or damaged
    /// model file, a line that is not UTF-8, inputs of different lengths.
    /// `line` is 1-based, nil where the problem is with the file as a whole.
    case input(file: String, line: Int?, problem: String, hint: String)
    /// The system refused a file operation (`problem` says which and why:
    /// `could not write: No space left on device`); `errno` is the system's
    /// error number, 0 when there is none.
    case file(path: String, problem: String, hint: String, errno: Int32)
    /// Options that cannot work on this machine or together, such as a batch
    /// that would not fit in memory; nothing was read or changed.
    case options(problem: String, hint: String)

    /// The file the error is about (empty for ``options(problem:hint:)``).
    public var file: String {
        switch self {
        case .input(let file, _, _, _), .file(let file, _, _, _): file
        case .options: ""
        }
    }

    /// The 1-based line the error is about, if it is about one line.
    public var line: Int? {
        if case .input(_, let line, _, _) = self { return line }
        return nil
    }

    /// What is wrong.
    public var problem: String {
        switch self {
        case .input(_, _, let problem, _), .file(_, let problem, _, _), .options(let problem, _): problem
        }
    }

    /// What to do about it (may be empty).
    public var hint: String {
        switch self {
        case .input(_, _, _, let hint), .file(_, _, let hint, _), .options(_, let hint): hint
        }
    }

    /// `FILE:LINE: problem. hint`, as the commands print it.
    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        let head = place.isEmpty ? problem : "\(place): \(problem)"
        return hint.isEmpty ? head : "\(head). \(hint)"
    }
}

extension S2SError {
    /// The error of a building block, in this type: every `ExplainedError`
    /// (`InputError`, `FileError`, a full disk, a folder in use, a run with
    /// nothing to resume) and a search too big for memory keep their parts; any other error is an input error about `file` with its
    /// own description as the problem.
    package init(_ error: any Error, file: String = "") {
        switch error {
        case let error as S2SError:
            self = error
        case let error as SearchMemoryError:
            self = .options(problem: error.problem, hint: error.hint)
        case let error as ExplainedError:
            self = error.systemError.map { .file(path: error.file, problem: error.problem, hint: error.hint, errno: $0) }
                ?? .input(file: error.file, line: error.line, problem: error.problem, hint: error.hint)
        default:
            self = .input(file: file, line: nil, problem: String(describing: error), hint: "")
        }
    }

    /// Runs `body`, turning whatever it throws into an `S2SError`.
    package static func converting<T>(file: String = "", _ body: () throws -> T) throws(S2SError) -> T {
        do {
            return try body()
        } catch {
            throw S2SError(error, file: file)
        }
    }
}
