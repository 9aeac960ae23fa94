import S2S

extension Training.Options {
    /// The tiny preset in batches of 32 sentences on the toy reverse corpus:
    /// seconds for 40 updates.
    static var tiny: Training.Options {
        var o = Training.Options()
        o.preset = .tiny
        o.batchTokens = 0
        o.batchSize = 32
        o.learningRate = 0.005
        o.reportEvery = 10
        o.validEvery = 40
        o.saveEvery = 20
        o.bleuSentences = 0
        return o
    }
}
