import S2SKernels

/// What search sees of a model: start from source sentences, then one step
/// at a time from the previous tokens to log-probabilities over the target
/// vocabulary. Search never touches weights (Marian's scorer interface): it
/// is written against this protocol, which the model declares here with its
/// own conformance, so that S2SSearch depends on S2SModel alone.
/// `Shards` calls one scorer from several threads at once, each thread on
/// states of its own `start`: `start`, `step` and `select` must allow that
/// (a Seq2Seq serialises `encode`; its steps read the weights and write
/// only the scratch their state's search owns).
public protocol Scorer {
    associatedtype State
    var targetVocabularySize: Int { get }
    /// The initial state for these sources (ids without specials), one row each.
    func start(_ sources: [[Int32]]) -> State
    /// (rows, V) log-probabilities, the next state, and the step's attention
    /// (rows, S) over source positions as encoded (empty: no attention).
    func step(_ previous: [Int32], _ state: State) -> (logProbs: [Float], attention: [Float], state: State)
    /// Keeps, repeats or reorders rows (beams).
    func select(_ state: State, rows: [Int]) -> State
}

extension Seq2Seq: Scorer where T == Float {
    public typealias State = (source: EncodedSource<Float>, decoder: DecoderState<Float>)

    public var targetVocabularySize: Int { config.targetVocabularySize }

    public func start(_ sources: [[Int32]]) -> State {
        let (source, state) = encode(sources)
        return (source, state)
    }

    public func step(_ previous: [Int32], _ state: State) -> (logProbs: [Float], attention: [Float], state: State) {
        let out = step(previous, state: state.decoder, source: state.source)
        return (out.logProbs, config.attention.kind.attends ? out.attention : [], (state.source, out.state))
    }

    public func select(_ state: State, rows: [Int]) -> State {
        (state.source.select(rows), state.decoder.select(rows))
    }
}

/// What search needs of a row of log-probabilities beyond the step itself.
public enum LogProbabilities {
    /// The most probable token (the first on ties; 0 for a row of NaNs).
    @inlinable
    public static func argmax(_ row: UnsafeBufferPointer<Float>) -> Int32 {
        Int32(Float.maxAndArgmax(row.baseAddress!, count: row.count).1)
    }

    /// The k largest of a row, best first (ties: the lower token first),
    /// never a token in `skip`; returns how many (≤ k) it wrote.
    @inlinable
    public static func topK(_ row: UnsafePointer<Float>, count: Int, k: Int, skip: [Int32],
                            tokens: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Float>) -> Int {
        VectorFloat.topK(row, count: count, k: k, skip: skip, tokens: tokens, values: values)
    }
}
