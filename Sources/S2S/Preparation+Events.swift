internal import S2SText

extension Preparation {
    /// What a running preparation tells its caller (``Preparation/run(events:)``).
    public enum Event: Sendable, Hashable {
        /// Where a pass is: after every batch of pairs, and once when the
        /// pass over a split is over.
        case progress(Progress)
        /// A step done, in one line as `s2s-prep` prints it ("read train:
        /// 2000 pairs from …", "learned 5 BPE merges …", "wrote …").
        case message(String)
    }

    /// Which pass over which split, the pairs done, and how much of the
    /// pass's input has been read: enough for a bar with the rate and the
    /// time left.
    public struct Progress: Sendable, Hashable {
        /// The three passes over the pairs (and the sample's, with
        /// ``Options-swift.struct/bpeSample``).
        public enum Pass: String, Sendable, Hashable {
            /// Normalising and segmenting the text (pass 1).
            case read = "reading"
            /// Counting the words of the sampled pairs.
            case sample = "sampling"
            /// Applying BPE, counting the subwords (pass 2).
            case count = "counting"
            /// Writing the shards (pass 3).
            case write = "writing"
        }

        /// The pass under way.
        public var pass: Pass
        /// `train`, `valid` or `test`.
        public var split: String
        /// Pairs done in this pass over this split.
        public var pairs: Int
        /// The share of the pass's input read, 0–1 (nil: unknown, as for a pipe).
        public var fraction: Double?
        /// Seconds since this pass over this split began.
        public var seconds: Double
        /// The pass over this split is over.
        public var finished: Bool

        /// A progress report (for a caller that replays or tests them).
        public init(pass: Pass, split: String, pairs: Int, fraction: Double?, seconds: Double, finished: Bool) {
            self.pass = pass
            self.split = split
            self.pairs = pairs
            self.fraction = fraction
            self.seconds = seconds
            self.finished = finished
        }

        init(_ p: PrepProgress) {
            self.init(pass: Pass(rawValue: p.pass.rawValue)!, split: p.split, pairs: p.pairs, fraction: p.fraction,
                      seconds: p.seconds, finished: p.finished)
        }
    }
}
