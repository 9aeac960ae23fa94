/// Bad input from a user's file: names the file, the line (1-based, when it
/// applies), what is wrong and what to do about it. Printed as
/// `FILE:LINE: problem. hint` — the form editors and terminals link to.
public struct InputError: ExplainedError, Equatable {
    public let file: String
    public let line: Int?
    public let problem: String
    public let hint: String

    public init(file: String, line: Int? = nil, problem: String, hint: String = "") {
        self.file = file
        self.line = line
        self.problem = problem
        self.hint = hint
    }
}
