/// One worker's words in pass 1, each looked up once per token, and their
/// occurrences in the training pairs (both sides together: BPE is joint).
/// Counts add up over every chunk the worker took; their sums over the
/// workers are the same for any number of workers. After the pass the
/// tables' words make the run's `WordIndex`.
///
/// Words are compared by their bytes (`ExactString`), as BPE compares them.
final class WordTable {
    private var index: [ExactString: Int32] = [:]
    private(set) var words: [String] = []
    private(set) var counts: [Int] = []

    init() {}

    /// The word's number in this table (added on first sight).
    func id(_ word: String) -> Int32 {
        if let id = index[ExactString(word)] { return id }
        let id = Int32(words.count)
        index[ExactString(word)] = id
        words.append(word)
        counts.append(0)
        return id
    }

    /// Notes every word of these pairs, counting them or not.
    func add(_ source: [String], _ target: [String], counting: Bool) {
        for word in source { let w = id(word); if counting { counts[Int(w)] += 1 } }
        for word in target { let w = id(word); if counting { counts[Int(w)] += 1 } }
    }
}
