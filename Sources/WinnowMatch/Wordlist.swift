/// One list file: its settings and its entries.
public struct Wordlist: Sendable {
    /// `language/stem`, e.g. `en/profanity`: the name verdicts report.
    public var name: String
    /// The folder the list sits in (`en`, `fr`, …).
    public var language: String
    /// Where the list was read from, for messages.
    public var path: String
    public var settings: Settings
    public var entries: [WordlistEntry]

    /// A list's `@key: value` settings.
    public struct Settings: Sendable, Equatable {
        /// What kind of content the list catches (`profanity`, `spam`, …); the file stem by default.
        public var category: String
        /// 1 (mild) … 5 (severe); 3 by default.
        public var severity: Int
        /// What a match asks for; `flag` by default.
        public var action: ListAction
        /// Help text or link attached to `annotate` hits; required with `annotate`.
        public var note: String?
        public var description: String?

        public init(
            category: String, severity: Int = 3, action: ListAction = .flag, note: String? = nil,
            description: String? = nil
        ) {
            self.category = category
            self.severity = severity
            self.action = action
            self.note = note
            self.description = description
        }
    }

    public init(name: String, language: String, path: String, settings: Settings, entries: [WordlistEntry]) {
        self.name = name
        self.language = language
        self.path = path
        self.settings = settings
        self.entries = entries
    }
}
