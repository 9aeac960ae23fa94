import S2SMetrics
import S2SText

extension ModelFolder {
    /// Validation BLEU's tokenisation: the one s2s-score chooses for the
    /// run's target language (prep.json's `target_language`, copied into the
    /// folder); 13a when prep.json names none or cannot be read.
    public var bleuTokenizer: BLEUTokenizer {
        BLEUTokenizer.forTarget(language: (try? prepManifest())?.targetLanguage)
    }
}
