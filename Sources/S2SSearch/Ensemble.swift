import S2SModel
/// Several models as one scorer (Marian's and OpenNMT's ensembles): every
/// step runs each model and averages their log-probabilities; attention is
/// the first model's. The models must share the target vocabulary.
public struct Ensemble<M: Scorer>: Scorer {
    public let members: [M]

    public init(_ members: [M]) {
        precondition(!members.isEmpty, "an ensemble needs at least one model")
        precondition(Set(members.map(\.targetVocabularySize)).count == 1, "ensemble members' target vocabularies differ")
        self.members = members
    }

    public var targetVocabularySize: Int { members[0].targetVocabularySize }

    public func start(_ sources: [[Int32]]) -> [M.State] { members.map { $0.start(sources) } }

    public func step(_ previous: [Int32], _ state: [M.State]) -> (logProbs: [Float], attention: [Float], state: [M.State]) {
        var sum: [Float] = []
        var attention: [Float] = []
        var next: [M.State] = []
        for (k, (m, s)) in zip(members, state).enumerated() {
            let out = m.step(previous, s)
            if k == 0 {
                sum = out.logProbs
                attention = out.attention
            } else {
                for i in 0..<sum.count { sum[i] += out.logProbs[i] }
            }
            next.append(out.state)
        }
        let scale = 1 / Float(members.count)
        for i in 0..<sum.count { sum[i] *= scale }
        return (sum, attention, next)
    }

    public func select(_ state: [M.State], rows: [Int]) -> [M.State] {
        zip(members, state).map { $0.select($1, rows: rows) }
    }
}
