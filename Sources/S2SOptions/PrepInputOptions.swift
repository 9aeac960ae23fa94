import ArgumentParser
import S2S

/// s2s-prep's inputs and outputs: a corpus folder or the files one by one,
/// the data set's name, and where its vocabularies and shards go.
public struct PrepInputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A folder with train.src, train.tgt and optionally valid.* and test.*.", valueName: "DIR"))
    public var corpus: String?

    @Option(help: "Name of the prepared data set: one folder name of letters, digits, '-', '_' and '.' (default: the corpus folder's name).")
    public var name: String?

    @Option(help: ArgumentHelp("Training source text (instead of --corpus).", valueName: "FILE"))
    public var trainSrc: String?
    @Option(help: ArgumentHelp("Training target text.", valueName: "FILE"))
    public var trainTgt: String?
    @Option(help: ArgumentHelp("Validation source text.", valueName: "FILE"))
    public var validSrc: String?
    @Option(help: ArgumentHelp("Validation target text.", valueName: "FILE"))
    public var validTgt: String?
    @Option(help: ArgumentHelp("Test source text.", valueName: "FILE"))
    public var testSrc: String?
    @Option(help: ArgumentHelp("Test target text.", valueName: "FILE"))
    public var testTgt: String?

    @Option(help: ArgumentHelp("Where vocabularies go: DIR/NAME/.", valueName: "DIR"))
    public var vocabDir = "vocab"
    @Option(help: ArgumentHelp("Where binary shards go: DIR/NAME/.", valueName: "DIR"))
    public var dataDir = "data"

    public init() {}

    public func validate() throws {
        if corpus == nil && trainSrc == nil {
            throw ValidationError("Give --corpus DIR, or --train-src and --train-tgt.")
        }
        if corpus != nil && (trainSrc != nil || trainTgt != nil) {
            throw ValidationError("Give either --corpus or --train-src/--train-tgt, not both.")
        }
        for (a, b, what) in [(trainSrc, trainTgt, "train"), (validSrc, validTgt, "valid"), (testSrc, testTgt, "test")]
        where (a == nil) != (b == nil) {
            throw ValidationError("--\(what)-src and --\(what)-tgt go together: give both or neither.")
        }
        if corpus == nil && name == nil {
            throw ValidationError("Give --name for the prepared data set when naming files one by one.")
        }
        if let name, !Preparation.Options.isValidName(name) {
            throw ValidationError("--name '\(name)' is not a data set name: give \(Preparation.Options.nameRule).")
        }
    }

    /// The preparation's splits and folders, the rest its defaults: from
    /// the corpus folder (a folder name that is no data set name, or a
    /// split's missing half, is an error) or the files named.
    public func preparationOptions() throws -> Preparation.Options {
        guard let corpus else {
            var splits = [Preparation.Split(name: "train", source: trainSrc!, target: trainTgt!)]
            if let validSrc, let validTgt { splits.append(.init(name: "valid", source: validSrc, target: validTgt)) }
            if let testSrc, let testTgt { splits.append(.init(name: "test", source: testSrc, target: testTgt)) }
            return Preparation.Options(name: name!, splits: splits, vocabularyFolder: "\(vocabDir)/\(name!)",
                                       dataFolder: "\(dataDir)/\(name!)")
        }
        return try S2SCommand.usage { () throws(S2SError) in
            try Preparation.Options(corpus: corpus, name: name, vocabularyDirectory: vocabDir, dataDirectory: dataDir)
        }
    }
}
