import Foundation
import S2S

/// Translates standard input with the model folder named on the command
/// line: one line in, one line out, in order (`s2s-translate --model DIR
/// --precision float32` in miniature).
@main
struct TranslateLines {
    static func main() async {
        guard CommandLine.arguments.count == 2 else { fail("usage: translate-lines MODEL_FOLDER < input.txt", status: 64) }
        do {
            let translator = try Translator(modelFolder: CommandLine.arguments[1])
            let lines = AsyncStream { readLine() }
            for try await translation in translator.translations(of: lines) {
                print(translation.text)
            }
        } catch {
            fail("translate-lines: \(error)", status: 1)
        }
    }

    static func fail(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(status)
    }
}
