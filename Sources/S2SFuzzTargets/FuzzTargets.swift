#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fuzz targets for every reader of a file or a line a user gives (the
/// issue "Fuzzing every reader"). Each target takes arbitrary bytes, hands
/// them to the reader and checks what it returns. A thrown error is correct
/// behaviour (a clear `InputError` for a bad file); only a violated property
/// traps, through `violated`. A crash, hang or leak is a bug in the reader.
///
/// libFuzzer drives them through tools/fuzz (`tools/fuzz/run.sh TARGET
/// SECONDS`); S2SFuzzTests replays every file of `Tests/Fixtures/fuzz/TARGET/`
/// (the seeds and each finding) through the same functions.
public enum FuzzTargets {
    public struct Target: Sendable {
        /// The name in `tools/fuzz/run.sh` and the folder under `Tests/Fixtures/fuzz/`.
        public let name: String
        public let run: @Sendable (UnsafeRawBufferPointer) -> Void
    }

    public static let all: [Target] = [
        Target(name: "safetensors", run: SafeTensorsFuzz.run),
        Target(name: "shard", run: ShardFuzz.run),
        Target(name: "vocabulary", run: VocabularyFuzz.run),
        Target(name: "bpe-codes", run: BPECodesFuzz.run),
        Target(name: "config", run: ConfigFuzz.run),
        Target(name: "prep", run: PrepFuzz.run),
        Target(name: "lines", run: LinesFuzz.run),
        Target(name: "tokenize", run: TokenizeFuzz.run),
        Target(name: "shortlist", run: ShortlistFuzz.run),
        Target(name: "request", run: RequestFuzz.run),
    ]

    public static func named(_ name: String) -> Target? { all.first { $0.name == name } }

    /// Runs the target `name` on `bytes` (for replaying files).
    public static func run(_ name: String, _ bytes: [UInt8]) {
        guard let target = named(name) else { preconditionFailure("no fuzz target \(name)") }
        bytes.withUnsafeBytes { target.run($0) }
    }
}

/// A property of a reader does not hold: stop here, so that libFuzzer keeps
/// the input.
func violated(_ property: String, file: StaticString = #file, line: UInt = #line) -> Never {
    fatalError("property violated: \(property)", file: file, line: line)
}

/// Whether two strings have the same Unicode scalars (`==` on String is
/// canonical equivalence, too lenient for round trips of files).
func sameScalars(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
    a.unicodeScalars.elementsEqual(b.unicodeScalars)
}

func sameScalars(_ a: [String], _ b: [String]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { sameScalars($0, $1) }
}

/// A file holding the fuzz input, for readers that take a path (they map
/// the file). Under /dev/shm where there is one; removed after `body`.
enum InputFile {
    private static let folder: String = {
        var info = stat()
        return stat("/dev/shm", &info) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    }()

    static func with<R>(_ bytes: UnsafeRawBufferPointer, name: String, _ body: (String) -> R) -> R {
        // One file per process and thread, should a test runner replay in parallel.
        let path = "\(folder)/s2s-fuzz-\(getpid())-\(pthread_self())-\(name)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { fatalError("cannot create \(path): \(String(cString: strerror(errno)))") }
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            guard n > 0 else { fatalError("cannot write \(path): \(String(cString: strerror(errno)))") }
            done += n
        }
        close(fd)
        defer { unlink(path) }
        return body(path)
    }
}
