extension Translator {
    /// The translations of an asynchronous sequence of lines, in order, one
    /// per line.
    ///
    /// Lines are read as they come and searched together: as many as have
    /// arrived, up to ``Options-swift.struct/batchSize``, so a file is
    /// translated in full batches while a line typed by a person is
    /// answered at once.
    ///
    /// ```swift
    /// for try await translation in translator.translations(of: lines) {
    ///     print(translation.text)
    /// }
    /// ```
    public func translations<Lines: AsyncSequence & Sendable>(of lines: Lines) -> TranslatedLines<Lines>
    where Lines.Element == String {
        TranslatedLines(translator: self, lines: lines)
    }
}

/// The translations of an asynchronous sequence of lines
/// (``Translator/translations(of:)``): one ``Translation`` per line, in order.
/// It throws what the lines throw, or an ``S2SError``.
public struct TranslatedLines<Lines: AsyncSequence & Sendable>: AsyncSequence, Sendable where Lines.Element == String {
    /// One translation per line.
    public typealias Element = Translation

    let translator: Translator
    let lines: Lines

    /// Starts reading the lines.
    public func makeAsyncIterator() -> AsyncIterator {
        let (pending, reader) = PendingLines.reading(lines)
        return AsyncIterator(translator: translator, pending: pending, reader: reader)
    }

    /// Translates the lines that have arrived, a batch at a time.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let translator: Translator
        let pending: PendingLines
        let reader: Task<Void, Never>
        /// The current batch's translations not yet handed out, last first.
        var ready: [Translation] = []

        /// The next line's translation; nil after the last line.
        public mutating func next() async throws -> Translation? {
            if ready.isEmpty {
                let batch = try await withTaskCancellationHandler {
                    try await pending.take(upTo: translator.options.batchSize)
                } onCancel: { [reader] in
                    reader.cancel()
                }
                if batch.isEmpty { return nil }
                ready = try translator.translate(batch).reversed()
            }
            return ready.popLast()
        }
    }
}
