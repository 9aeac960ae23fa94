import _S2STestSupport
import S2SKernels
import S2SModel
import XCTest

final class CheckpointAveragingTests: XCTestCase {
    func testAverageIsTheElementwiseMean() throws {
        var c = ModelConfig(sourceVocabularySize: 7, targetVocabularySize: 8)
        c.embeddingSize = 3; c.hiddenSize = 4
        let dir = TestPaths.temporaryFolder("avg").path
        let a = try Seq2Seq<Float>(config: c), b = try Seq2Seq<Float>(config: c)
        a.initialize(seed: 1); b.initialize(seed: 2)
        try Checkpoint.save(path: dir + "/a.safetensors", config: c, layout: a.layout, parameters: a.parameters.base)
        try Checkpoint.save(path: dir + "/b.safetensors", config: c, layout: b.layout, parameters: b.parameters.base)
        try CheckpointAveraging.average([dir + "/a.safetensors", dir + "/b.safetensors"], to: dir + "/avg.safetensors")
        let avg = try Seq2Seq<Float>(config: c)
        try Checkpoint.load(path: dir + "/avg.safetensors").loadParameters(into: avg.parameters.base, layout: avg.layout)
        for k in 0..<avg.layout.count {
            let expected = Float((Double(a.parameters.base[k]) + Double(b.parameters.base[k])) / 2)
            XCTAssertEqual(avg.parameters.base[k], expected, "parameter \(k)")
        }
    }
}
