/// The name of a prepared data set: the last component of VOCAB/NAME and
/// DATA/NAME, so one folder name that keeps them inside their roots ('' would
/// write into the roots themselves, '../x' beside them).
public enum DataSetName {
    public static let rule = "one folder name of letters, digits, '-', '_' and '.', not starting with '.'"

    public static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != "." else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || $0.properties.numericType == .decimal || "-_.".unicodeScalars.contains($0)
        }
    }
}
