import ArgumentParser

/// Options whose values are one of a few forms, parsed once, when the
/// arguments are: the command then holds the typed value, and a value of no
/// form stops it with "The value 'VALUE' is invalid for '--NAME': expected
/// FORMS."
enum OptionValue {
    /// A transform for `@Option(transform:)`: `make`, or that error.
    static func parse<T>(forms: String, _ make: @escaping @Sendable (String) -> T?) -> @Sendable (String) throws -> T {
        { value in
            guard let parsed = make(value) else { throw ValidationError("expected \(forms).") }
            return parsed
        }
    }

    /// A transform to one of `cases` by its name (all of the type's by
    /// default), the forms listed from them.
    static func parse<T: RawRepresentable & CaseIterable & Sendable>(_ cases: [T] = Array(T.allCases))
        -> @Sendable (String) throws -> T where T.RawValue == String {
        parse(forms: list(cases.map(\.rawValue))) { name in cases.first { $0.rawValue == name } }
    }

    /// "a, b or c".
    static func list(_ names: [String]) -> String {
        names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}
