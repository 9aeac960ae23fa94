import S2SCore
import S2SDistributed
import S2SText

/// What every rank of a data-parallel job must share: the options it was
/// started with and the data and vocabulary it reads, each as a hash. Rank
/// 0's configuration reaches the others by broadcast, but each rank reads
/// its own files (on its own host), and a rank on other data would compute
/// other gradients: a mismatch is an error on every rank, before training.
public struct JobInputs: Equatable, Sendable {
    /// The command line but for paths (which may differ between hosts:
    /// their contents are hashed instead) and --threads (a host's own).
    public var options: UInt64
    public var train: UInt64
    public var valid: UInt64
    public var vocabulary: UInt64

    public init(arguments: [String], train: TokenShard, valid: TokenShard?, sourceVocabulary: Vocabulary,
                targetVocabulary: Vocabulary) {
        options = FNV1a64.hash(Self.comparableOptions(arguments).joined(separator: "\u{0}").utf8)
        self.train = train.contentHash
        self.valid = valid?.contentHash ?? 0
        // The tokens in id order, as the shards record them (Vocabulary.hash).
        vocabulary = (sourceVocabulary.hash &* 0x9E37_79B9_7F4A_7C15) ^ targetVocabulary.hash
    }

    /// Arguments after the command's name, with the values of the per-host
    /// options dropped (`--data DIR` and `--data=DIR` alike).
    public static func comparableOptions(_ arguments: [String]) -> [String] {
        let perHost: Set<String> = ["--data", "--vocab", "--model", "--threads"]
        var kept: [String] = []
        var skipNext = false
        for argument in arguments.dropFirst() {
            if skipNext { skipNext = false; continue }
            if perHost.contains(argument) { kept.append(argument); skipNext = true; continue }
            if let equals = argument.firstIndex(of: "="), perHost.contains(String(argument[..<equals])) {
                kept.append(String(argument[..<equals]))
                continue
            }
            kept.append(argument)
        }
        return kept
    }

    /// Gathers every rank's hashes and throws, on every rank alike, when a
    /// rank's differ from rank 0's.
    public func checkSame(across world: Communicator, data: String, vocab: String) throws {
        let what: [(UInt64, String)] = [
            (options, "s2s-train options"), (train, "training data (\(data)/train.s2sb)"),
            (valid, "validation data (\(data)/valid.s2sb)"), (vocabulary, "vocabulary (\(vocab)/src.vocab, tgt.vocab)"),
        ]
        var problems: [String] = []
        for (value, name) in what {
            let differing = try world.ranksDiffering(fromRoot: value)
            if !differing.isEmpty {
                problems.append("the \(name) of rank\(differing.count == 1 ? "" : "s") \(differing.map(String.init).joined(separator: ", ")) differ from rank 0's")
            }
        }
        if !problems.isEmpty { throw JobMismatch(problems: problems) }
    }
}

public struct JobMismatch: Error, CustomStringConvertible {
    public var problems: [String]
    public var description: String {
        "the processes of this mpirun job do not train the same run: " + problems.joined(separator: "; ")
            + ". Start every process with the same options, on copies of the same data and vocabulary (paths may differ between hosts)"
    }
}
