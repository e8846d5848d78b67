/// One thing wrong with a policy file, with where it is: written for the person editing it.
public struct PolicyProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// The dotted key path, e.g. `channels.general.slow_mode`; empty for the whole file.
    public var key: String
    public var message: String

    public init(file: String, line: Int, column: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    public var description: String {
        key.isEmpty ? "\(file):\(line):\(column): \(message)" : "\(file):\(line):\(column): \(key): \(message)"
    }
}

/// Every problem found in a policy file (not just the first).
public struct PolicyProblems: Error, Sendable, CustomStringConvertible {
    public var problems: [PolicyProblem]

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
