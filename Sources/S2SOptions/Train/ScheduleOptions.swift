import ArgumentParser
import S2S

/// s2s-train's schedule: when the run stops (updates, time, epochs, early
/// stopping) and how the learning rate decays on a plateau. Nil when not
/// given; a resumed run may give its limits anew.
public struct ScheduleOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Stop after this many updates (default 0: no limit).") public var maxSteps: Int?
    @Option(parsing: .unconditional, help: "Stop after this much training time: the updates alone, not validation, checkpoints or start-up, e.g. 90s, 30m, 8h (default 0: no limit). --max-wall-time counts everything.")
    public var maxTime: String?
    @Option(parsing: .unconditional, help: "Stop when the process has run this long, everything included (start-up, validation, checkpoints), e.g. 90s, 30m, 8h: what a job scheduler's time limit needs. The run stops early enough to write its checkpoint in time (default 0: no limit).")
    public var maxWallTime: String?
    @Option(parsing: .unconditional, help: "Stop after this many epochs (default 0: no limit).") public var maxEpochs: Int?
    @Option(parsing: .unconditional, help: "Multiply the learning rate by --decay-factor after this many validations without improvement (default 0: off).")
    public var decayPatience: Int?
    @Option(parsing: .unconditional, help: "Learning-rate decay factor on a validation plateau (default: 0.5).") public var decayFactor: Double?
    @Option(parsing: .unconditional, help: "Stop after this many validations without improvement (default 0: off).") public var earlyStop: Int?

    public init() {}

    public func validate() throws {
        for (name, text) in [("--max-time", maxTime), ("--max-wall-time", maxWallTime)] {
            if let text, Self.seconds(text) == nil {
                throw ValidationError("\(name) '\(text)' is not a duration such as 90s, 30m or 8h.")
            }
        }
    }

    /// Seconds in "90s", "30m", "8h", "2d" or a plain number of seconds.
    public static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last, let scale = units[unit], let value = Double(text.dropLast()), value >= 0, value.isFinite {
            return value * scale
        }
        if let value = Double(text), value >= 0, value.isFinite { return value }
        return nil
    }

    public func apply(to o: inout Training.Options) {
        o.maxSteps = maxSteps
        o.maxSeconds = maxTime.flatMap(Self.seconds)
        o.maxWallSeconds = maxWallTime.flatMap(Self.seconds)
        o.maxEpochs = maxEpochs
        o.decayPatience = decayPatience
        o.decayFactor = decayFactor
        o.earlyStopPatience = earlyStop
    }
}
