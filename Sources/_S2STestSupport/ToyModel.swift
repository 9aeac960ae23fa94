import Foundation

/// A model of the toy reverse task (Tests/Fixtures/toy-reverse), prepared
/// and trained by the built s2s-prep and s2s-train in a fresh folder: for
/// tests that translate with a real model folder. The folder holds
/// vocab/toy, data/toy and models/toy.
public enum ToyModel {
    /// Trains `steps` updates of the tiny preset (`extra`: more s2s-train
    /// options, such as a larger hidden size); the folder it trained in.
    public static func reverse(label: String, steps: Int, extra: [String] = []) -> URL {
        let dir = TestPaths.temporaryFolder(label)
        _ = try? Command.run("s2s-prep", ["--corpus", TestPaths.fixture("toy-reverse").path, "--name", "toy", "-q"], in: dir)
        _ = try? Command.run("s2s-train", ["--data", "data/toy", "--vocab", "vocab/toy", "--model", "models/toy",
                                           "--preset", "tiny"] + extra
                                          + ["--batch-tokens", "0", "--batch-size", "32", "--learning-rate", "0.005",
                                             "--max-steps", String(steps), "--valid-every", "500", "--save-every", "300",
                                             "--bleu-sentences", "0", "--threads", "1"],
                                  in: dir)
        return dir
    }
}
