import Foundation
import S2SMetrics

extension ModelFolder {
    /// Validation BLEU's tokenisation: the one s2s-score chooses for the
    /// run's target language (prep.json's `target_language`, copied into the
    /// folder); 13a when prep.json names none.
    public var bleuTokenizer: BLEUTokenizer {
        struct Languages: Decodable { let targetLanguage: String? }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let language = FileManager.default.contents(atPath: path + "/prep.json")
            .flatMap { try? decoder.decode(Languages.self, from: $0) }?.targetLanguage
        return BLEUTokenizer.forTarget(language: language)
    }
}
