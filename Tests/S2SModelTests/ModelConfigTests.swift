import Foundation
import S2SCore
import S2SModel
import XCTest

final class ModelConfigTests: XCTestCase {
    func base() -> ModelConfig { ModelConfig(sourceVocabularySize: 100, targetVocabularySize: 120) }

    func testInvalidCombinationsNameTheKey() {
        var cases: [(ModelConfig, String)] = []
        var c = base(); c.bidirectional = true; c.hiddenSize = 511; cases.append((c, "hidden_size"))
        c = base(); c.attention = .none; c.inputFeeding = true; cases.append((c, "input_feeding"))
        c = base(); c.attention = .none; c.inputFeeding = false; c.bridge = .zeros; cases.append((c, "bridge"))
        c = base(); c.tieTargetEmbeddings = true; c.embeddingSize = 256; cases.append((c, "tie_target_embeddings"))
        c = base(); c.dropout = 1; cases.append((c, "dropout"))
        c = base(); c.layers = 0; cases.append((c, "layers"))
        c = base(); c.labelSmoothing = -0.1; cases.append((c, "label_smoothing"))
        c = ModelConfig(sourceVocabularySize: 4, targetVocabularySize: 120); cases.append((c, "source_vocabulary_size"))
        for (config, key) in cases {
            XCTAssertThrowsError(try config.validate()) { error in
                XCTAssertEqual((error as? ModelConfig.Invalid)?.key, key)
                XCTAssertTrue("\(error)".hasPrefix("invalid model configuration: \(key): "), "\(error)")
            }
        }
        XCTAssertNoThrow(try base().validate())
    }

    func testJSONUsesSnakeCaseAndRoundTrips() throws {
        var c = base(); c.cell = .gru; c.attention = .concat; c.reverseSource = true
        let json = String(decoding: try StableJSON.encode(c, pretty: false), as: UTF8.self)
        XCTAssertTrue(json.contains("\"reverse_source\":true"), json)
        XCTAssertTrue(json.contains("\"cell\":\"gru\""), json)
        XCTAssertEqual(try StableJSON.decoder().decode(ModelConfig.self, from: Data(json.utf8)), c)
        let pretty = String(decoding: try StableJSON.encode(c), as: UTF8.self)
        XCTAssertTrue(pretty.hasSuffix("}\n") && pretty.contains("\"hidden_size\" : 512"), pretty)
        XCTAssertEqual(StableJSON.snakeCase("sourceVocabularySize"), "source_vocabulary_size")
        // A configuration written before `residual` existed still loads (as false).
        let old = json.replacingOccurrences(of: ",\"residual\":false", with: "")
        XCTAssertFalse(old.contains("residual"), old)
        XCTAssertEqual(try StableJSON.decoder().decode(ModelConfig.self, from: Data(old.utf8)), c)
    }

    /// The reference shape's layout: names, shapes, and the parameter count
    /// computed by hand.
    func testLayoutOfTheReferenceShape() {
        var c = ModelConfig(sourceVocabularySize: 10_000, targetVocabularySize: 10_000)
        c.embeddingSize = 512; c.hiddenSize = 512; c.layers = 2; c.attention = .general; c.inputFeeding = true
        let layout = ParameterLayout(config: c)
        XCTAssertEqual(layout.entry("decoder.l0.W")?.shape, [1024, 2048])
        XCTAssertEqual(layout.entry("encoder.l1.fwd.U")?.shape, [512, 2048])
        XCTAssertEqual(layout.entry("attention.W_c")?.shape, [1024, 512])
        XCTAssertNil(layout.entry("encoder.l0.bwd.W"))
        let (V, E, H) = (10_000, 512, 512)
        let encoder = V * E + (E * 4 * H + H * 4 * H + 4 * H) + (H * 4 * H + H * 4 * H + 4 * H)
        let decoder = V * E + ((E + H) * 4 * H + H * 4 * H + 4 * H) + (H * 4 * H + H * 4 * H + 4 * H)
        let attention = H * H + 2 * H * H
        let output = H * V + V
        XCTAssertEqual(layout.entries.reduce(0) { $0 + $1.count }, encoder + decoder + attention + output)
        // PyTorch counts 25,610,000 for the same model: its LSTMs keep two
        // bias vectors (b_ih, b_hh) per layer where one suffices.
        XCTAssertEqual(encoder + decoder + attention + output + 4 * 4 * H, 25_610_000)
    }
}

/// The memory estimate's parameter count follows the layout it stands for.
final class MemoryEstimateTests: XCTestCase {
    func testParameterCountMatchesTheLayout() {
        for cell in ModelConfig.Cell.allCases {
            for attention in ModelConfig.AttentionKind.allCases {
                for (bidirectional, layers, tied) in [(false, 1, false), (true, 2, false), (false, 3, true)] {
                    var c = ModelConfig(sourceVocabularySize: 37, targetVocabularySize: 41)
                    c.embeddingSize = 24; c.hiddenSize = 24; c.cell = cell; c.attention = attention
                    c.bidirectional = bidirectional; c.layers = layers; c.tieTargetEmbeddings = tied
                    c.inputFeeding = attention != .none; c.attentionSize = attention == .concat ? 10 : 0
                    let layout = ParameterLayout(config: c)
                    let exact = layout.entries.reduce(0) { $0 + $1.count }
                    XCTAssertEqual(MemoryEstimate.parameters(c), Double(exact), "\(cell) \(attention) \(bidirectional) \(layers) \(tied)")
                }
            }
        }
    }

    /// Grows with the batch and is far beyond any machine for absurd sizes.
    func testTrainingBytes() {
        var c = ModelConfig(sourceVocabularySize: 8000, targetVocabularySize: 8000)
        let small = MemoryEstimate.trainingBytes(config: c, shapes: [(64, 30, 30)])
        let large = MemoryEstimate.trainingBytes(config: c, shapes: [(64, 30, 30), (128, 60, 60)])
        XCTAssertGreaterThan(large, small)
        XCTAssertGreaterThan(small, 5 * 4 * MemoryEstimate.parameters(c))
        // A rank computing several shares keeps one more gradient-sized sum.
        XCTAssertEqual(MemoryEstimate.trainingBytes(config: c, shapes: [(64, 30, 30)], keepsShareSum: true) - small,
                       4 * MemoryEstimate.parameters(c))
        c.hiddenSize = 100_000
        XCTAssertGreaterThan(MemoryEstimate.trainingBytes(config: c, shapes: [(64, 30, 30)]), 1e12)
    }
}
