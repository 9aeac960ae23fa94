import Foundation

/// `--max-wall-time`: the process must have ended `seconds` after it
/// started, everything included. The trainer stops before an update when
/// that update and what follows the last one (writing the checkpoint, the
/// final validation) would not fit in the time left, judged by the last
/// update, checkpoint write and validation it timed.
struct WallClockLimit {
    /// When the process started (DispatchTime's uptime, nanoseconds).
    let start: UInt64
    let seconds: Double
    var lastUpdate = 0.0
    var lastSave: Double?
    var lastValidation: Double?

    var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds &- start) / 1e9 }

    /// The seconds another update and the end of the run will take: a
    /// checkpoint write not yet timed is guessed at 50 MB/s, a validation
    /// not yet timed at `validationGuess`.
    func needed(checkpointBytes: Double, validates: Bool, validationGuess: Double) -> Double {
        lastUpdate + (lastSave ?? checkpointBytes / 50e6) + (validates ? lastValidation ?? validationGuess : 0)
    }
}
