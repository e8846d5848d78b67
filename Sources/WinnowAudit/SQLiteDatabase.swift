import CSQLite

/// What went wrong with the audit database, in words for the person running Winnow.
public struct AuditError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A connection to one SQLite file, used by one thread at a time. A thin layer over the C API:
/// prepared statements, bound parameters only (SQL text is never built from data).
final class SQLiteDatabase {
    private(set) var handle: OpaquePointer?
    let path: String

    init(path: String, readOnly: Bool = false) throws(AuditError) {
        self.path = path
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let status = sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK else {
            let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(status)"
            sqlite3_close(handle)
            handle = nil
            throw AuditError("cannot open the audit database \(path): \(reason)")
        }
    }

    deinit { close() }

    /// Closes the connection (at once, or once its last statement is finalized); idempotent.
    func close() {
        guard let handle else { return }
        sqlite3_close_v2(handle)
        self.handle = nil
    }

    /// Process-wide settings, before the first connection: no memory statistics (they take a
    /// global mutex on every allocation), and connections that each stay on one thread.
    static func configureLibrary() { _ = libraryConfigured }

    private static let libraryConfigured: Bool = {
        _ = winnow_sqlite3_disable_memstatus()
        return true
    }()

    var lastError: String { String(cString: sqlite3_errmsg(handle)) }

    /// The rowid of the last row inserted on this connection.
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows the last INSERT, UPDATE or DELETE changed.
    var changes: Int { Int(sqlite3_changes(handle)) }

    func execute(_ sql: String) throws(AuditError) {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? lastError
            sqlite3_free(message)
            throw AuditError("audit database \(path): \(text)")
        }
    }

    func prepare(_ sql: String) throws(AuditError) -> Statement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK
        else {
            throw AuditError("audit database \(path): cannot prepare \(sql.prefix(40))…: \(lastError)")
        }
        return Statement(statement!, database: self)
    }

    /// The single integer a query returns (e.g. a PRAGMA or a count).
    func integer(_ sql: String) throws(AuditError) -> Int {
        let statement = try prepare(sql)
        guard try statement.step() else { throw AuditError("audit database \(path): no result for \(sql)") }
        return statement.int(0)
    }

    /// The single text a query returns.
    func text(_ sql: String) throws(AuditError) -> String? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return statement.text(0)
    }
}

/// A prepared statement; parameters are bound by position (1-based).
final class Statement {
    private let statement: OpaquePointer
    private unowned let database: SQLiteDatabase

    init(_ statement: OpaquePointer, database: SQLiteDatabase) {
        self.statement = statement
        self.database = database
    }

    deinit { sqlite3_finalize(statement) }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: String?) {
        guard var value else {
            sqlite3_bind_null(statement, index)
            return
        }
        value.withUTF8 { bytes in
            guard !bytes.isEmpty else {
                sqlite3_bind_text(statement, index, "", 0, Self.transient)
                return
            }
            bytes.withMemoryRebound(to: CChar.self) { chars in
                _ = sqlite3_bind_text(statement, index, chars.baseAddress, Int32(chars.count), Self.transient)
            }
        }
    }

    /// `bindStatic(_:text:)`, or NULL for `nil`.
    func bindStatic(_ index: Int32, staged text: UnsafeRawBufferPointer?) {
        guard let text else {
            sqlite3_bind_null(statement, index)
            return
        }
        bindStatic(index, text: text)
    }

    /// Binds bytes that stay valid and unchanged until the statement is reset (no copy).
    func bindStatic(_ index: Int32, text: UnsafeRawBufferPointer) {
        guard let base = text.baseAddress, !text.isEmpty else {
            sqlite3_bind_text(statement, index, "", 0, nil)
            return
        }
        sqlite3_bind_text(statement, index, base.assumingMemoryBound(to: CChar.self), Int32(text.count), nil)
    }

    func bind(_ index: Int32, _ value: Int?) {
        if let value { sqlite3_bind_int64(statement, index, Int64(value)) } else { sqlite3_bind_null(statement, index) }
    }

    func bind(_ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(statement, index, value) } else { sqlite3_bind_null(statement, index) }
    }

    /// Runs the statement one step: `true` while it yields rows.
    @discardableResult
    func step() throws(AuditError) -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let status:
            let message = database.lastError
            sqlite3_reset(statement)
            if status == SQLITE_FULL {
                throw AuditError("audit database \(database.path): the disk is full (\(message))")
            }
            throw AuditError("audit database \(database.path): \(message)")
        }
    }

    /// Runs a statement that yields no rows, then makes it ready for the next use.
    func run() throws(AuditError) {
        try step()
        sqlite3_reset(statement)
    }

    func reset() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(statement, column)) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    func optionalInt(_ column: Int32) -> Int? { isNull(column) ? nil : int(column) }

    func double(_ column: Int32) -> Double? {
        isNull(column) ? nil : sqlite3_column_double(statement, column)
    }

    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        // The length SQLite knows (asked after the text, as its docs require) instead of strlen.
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }
}
