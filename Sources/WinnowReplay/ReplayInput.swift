import Foundation
import WinnowCore
import WinnowIO

/// Which column of a CSV dump holds which event field (`--map text=CONTENT,author=AUTHOR,…`).
public struct ColumnMapping: Sendable, Equatable {
    public var text = "text"
    public var author = "author"
    public var ts = "ts"
    /// Without one, the id is `FILE:LINE`.
    public var id: String? = "id"
    /// Without one, the channel is the file's name without its extension.
    public var channel: String? = "channel"

    public init() {}

    /// `field=COLUMN` pairs separated by commas; fields: text, author, ts, id, channel.
    public init(parsing text: String) throws(ReplayError) {
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmingASCIIWhitespace() }
            guard parts.count == 2, !parts[1].isEmpty else {
                throw ReplayError("--map: '\(pair)' is not FIELD=COLUMN (fields: text, author, ts, id, channel)")
            }
            switch parts[0] {
            case "text": self.text = parts[1]
            case "author": author = parts[1]
            case "ts": ts = parts[1]
            case "id": id = parts[1]
            case "channel": channel = parts[1]
            default: throw ReplayError("--map: unknown field '\(parts[0])' (fields: text, author, ts, id, channel)")
            }
        }
    }
}

/// The label of labeled dumps (`--label CLASS --positive 1`): a CSV column, or for NDJSON a
/// field, `meta.NAME` for one inside `meta`.
public struct LabelSpec: Sendable, Equatable {
    public var field: String
    /// Values that mean "this should not be allowed".
    public var positive: Set<String>

    public init(field: String, positive: Set<String>) {
        self.field = field
        self.positive = positive
    }

    /// From the command line's `--positive` values: `1` when none is given.
    public init(field: String, values: [String]) {
        self.init(field: field, positive: Set(values.isEmpty ? ["1"] : values))
    }
}

/// A replay that cannot start: a file that cannot be read, a mapping that does not fit.
public struct ReplayError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

public enum DumpFormat: String, Sendable, CaseIterable {
    case ndjson, csv

    /// By extension: `.csv` is CSV, anything else NDJSON.
    public static func of(_ path: String) -> DumpFormat {
        path.lowercased().hasSuffix(".csv") ? .csv : .ndjson
    }
}

/// One event of a dump, in the order replay judges it.
public struct ReplayEvent: Sendable {
    /// Event time; an event without one has its file's previous event's (see `DumpQuirks`).
    public var ts: Double
    public var file: Int
    /// The line of its file the event starts on.
    public var line: Int
    /// Its NDJSON line in `ReplayInput.bytes`.
    public var bytes: Range<Int>
    /// From the label column: whether it is a positive (nil: unlabeled).
    public var label: Bool?
    public var id: String
    public var author: String
    public var channel: String
    public var text: String
    /// The label column's value as written (nil: unlabeled).
    public var labelValue: String? = nil
}

/// The files of a replay read into one stream of events in time order (stable: equal times
/// keep file order, then line order), each as an NDJSON event line for the pipeline.
public struct ReplayInput: Sendable {
    public struct File: Sendable {
        public var path: String
        public var format: DumpFormat
        public var events: Int
    }

    public private(set) var files: [File] = []
    public private(set) var events: [ReplayEvent] = []
    public private(set) var bytes: [UInt8] = []
    public private(set) var quirks = DumpQuirks()

    /// As the commands read dumps: `map` is the text of `--map` (`text=CONTENT,author=AUTHOR`;
    /// nil: the default columns).
    public init(paths: [String], format: DumpFormat?, map: String?, label: LabelSpec?) throws(ReplayError) {
        let mapping = try map.map { text throws(ReplayError) in try ColumnMapping(parsing: text) } ?? ColumnMapping()
        try self.init(paths: paths, format: format, mapping: mapping, label: label)
    }

    public init(
        paths: [String], format: DumpFormat? = nil, mapping: ColumnMapping = ColumnMapping(), label: LabelSpec? = nil
    )
        throws(ReplayError)
    {
        for (index, path) in paths.enumerated() {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ReplayError("cannot read \(path)")
            }
            let before = events.count
            let fileFormat = format ?? DumpFormat.of(path)
            let name = (path as NSString).lastPathComponent
            let bytes = [UInt8](data)
            switch fileFormat {
            case .csv:
                var failure: ReplayError?
                bytes.withUnsafeBufferPointer { buffer in
                    do throws(ReplayError) {
                        try readCSV(buffer, file: index, name: name, mapping: mapping, label: label)
                    } catch {
                        failure = error
                    }
                }
                if let failure { throw failure }
            case .ndjson:
                bytes.withUnsafeBufferPointer { readNDJSON($0, file: index, name: name, label: label) }
            }
            files.append(File(path: path, format: fileFormat, events: events.count - before))
        }
        events.sort { a, b in
            if a.ts != b.ts { return a.ts < b.ts }
            if a.file != b.file { return a.file < b.file }
            return a.line < b.line
        }
    }

    private mutating func append(line: String, event: ReplayEvent) {
        var event = event
        let start = bytes.count
        bytes.append(contentsOf: line.utf8)
        event.bytes = start..<bytes.count
        events.append(event)
    }

    private mutating func readCSV(
        _ buffer: UnsafeBufferPointer<UInt8>, file: Int, name: String, mapping: ColumnMapping, label: LabelSpec?
    ) throws(ReplayError) {
        let csv = CSVReader(buffer, quirks: &quirks, file: name)
        func column(_ name: String?, required: Bool) throws(ReplayError) -> Int? {
            guard let name else { return nil }
            if let index = csv.header.firstIndex(of: name) { return index }
            if required {
                throw ReplayError(
                    "\(name): no column '\(name)' in the header of this file (\(csv.header.joined(separator: ", "))); see --map"
                )
            }
            return nil
        }
        let textColumn = try column(mapping.text, required: true)!
        // Labeled sets often have neither (a column named otherwise must exist).
        let authorColumn = try column(mapping.author, required: mapping.author != "author")
        let tsColumn = try column(mapping.ts, required: mapping.ts != "ts")
        if authorColumn == nil { quirks.note(.noAuthorColumn, at: name, line: 1) }
        if tsColumn == nil { quirks.note(.noTimeColumn, at: name, line: 1) }
        let idColumn = try column(mapping.id, required: mapping.id != "id")
        let channelColumn = try column(mapping.channel, required: mapping.channel != "channel")
        let labelColumn = try column(label?.field, required: true)
        let stem = name.split(separator: ".").dropLast().joined(separator: ".")
        // An undated row before the file's first dated one is judged at that first date (at the
        // wall clock it would be years "late" for everything after it).
        var previousTime =
            csv.rows.lazy.compactMap { row -> Double? in
                guard let tsColumn, tsColumn < row.fields.count,
                    let time = Self.parseTime(row.fields[tsColumn].trimmingASCIIWhitespace()),
                    Timestamp.isEventTime(time)
                else { return nil }
                return time
            }.first ?? -Double.infinity
        for (index, row) in csv.rows.enumerated() {
            func field(_ index: Int?) -> String? { index.flatMap { $0 < row.fields.count ? row.fields[$0] : nil } }
            let rowName = "\(stem.isEmpty ? name : stem):\(row.line)"
            let id = field(idColumn).flatMap { $0.isEmpty ? nil : $0 } ?? rowName
            guard let rawText = field(textColumn), let author = authorColumn == nil ? rowName : field(authorColumn),
                let date = tsColumn == nil ? "" : field(tsColumn)
            else {
                quirks.note(.missingColumns, at: name, line: row.line)
                let message = "row has \(row.fields.count) fields, the header \(csv.header.count)"
                append(
                    line: #"{"id":\#(JSONText.quoted(id)),"error":\#(JSONText.quoted(message))}"#,
                    event: ReplayEvent(
                        ts: previousTime, file: file, line: row.line, bytes: 0..<0, label: nil, id: id,
                        author: "", channel: "", text: ""))
                continue
            }
            var text = rawText
            if let decoded = HTMLEntities.decode(rawText) {
                text = decoded
                quirks.note(.htmlEntities, at: name, line: row.line)
            }
            var time = previousTime
            let trimmed = date.trimmingASCIIWhitespace()
            if tsColumn == nil {
                // No time column: rows spread apart in file order (see `undatedSpacing`).
                time = Self.undatedStart + Double(index) * Self.undatedSpacing
            } else if trimmed.isEmpty {
                quirks.note(.emptyDate, at: name, line: row.line)
            } else if let parsed = Self.parseTime(trimmed) {
                if Timestamp.isEventTime(parsed) {
                    time = parsed
                } else {
                    quirks.note(.dateOutOfRange, at: name, line: row.line)
                }
            } else {
                quirks.note(.unreadableDate, at: name, line: row.line)
            }
            previousTime = time
            let channel = field(channelColumn) ?? (stem.isEmpty ? name : stem)
            let labelValue = field(labelColumn)
            var meta = #"{"file":\#(JSONText.quoted(name)),"line":\#(row.line)"#
            if let labelValue { meta += #","label":\#(JSONText.quoted(labelValue))"# }
            meta += "}"
            let line =
                #"{"id":\#(JSONText.quoted(id)),"author":\#(JSONText.quoted(author)),"channel":\#(JSONText.quoted(channel))"#
                + (time.isFinite ? #","ts":\#(String(time))"# : "")
                + #","text":\#(JSONText.quoted(text)),"meta":\#(meta)}"#
            append(
                line: line,
                event: ReplayEvent(
                    ts: time, file: file, line: row.line, bytes: 0..<0,
                    label: labelValue.map { label!.positive.contains($0.trimmingASCIIWhitespace()) }, id: id,
                    author: author, channel: channel, text: text, labelValue: labelValue?.trimmingASCIIWhitespace()))
        }
    }

    /// Where the rows of a dump without a time column start (2001-09-09T01:46:40Z) and how far
    /// apart they are: ten minutes, more than any built-in window, so that rows of a labeled set
    /// are judged each on its own; a million rows end in 2020.
    static let undatedStart: Double = 1_000_000_000
    static let undatedSpacing: Double = 600

    private mutating func readNDJSON(_ buffer: UnsafeBufferPointer<UInt8>, file: Int, name: String, label: LabelSpec?) {
        let decoder = EventDecoder()
        var start = 0
        var lineNumber = 0
        if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF {
            start = 3
            quirks.note(.byteOrderMark, at: name, line: 1)
        }
        var previousTime = Self.firstTime(in: buffer, from: start, decoder: decoder) ?? -Double.infinity
        while start < buffer.count {
            lineNumber += 1
            var end = start
            while end < buffer.count, buffer[end] != 0x0A { end += 1 }
            var lineEnd = end
            if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let slice = UnsafeBufferPointer(rebasing: buffer[start..<lineEnd])
            defer { start = end + 1 }
            let isBlank = slice.allSatisfy { $0 == 0x20 || $0 == 0x09 }
            if isBlank { continue }
            switch decoder.decode(slice, lineNumber: lineNumber) {
            case .success(let event):
                var time = previousTime
                if let ts = event.timestamp { time = ts } else { quirks.note(.emptyDate, at: name, line: lineNumber) }
                previousTime = time
                let labelValue = label.flatMap { Self.value(at: $0.field, in: slice) }
                var event = event
                let id: String
                switch event.id {
                case .string(let text), .number(let text): id = text
                case .line: id = "\(name):\(lineNumber)"
                }
                let replayEvent = ReplayEvent(
                    ts: time, file: file, line: lineNumber, bytes: 0..<0,
                    label: labelValue.map { label!.positive.contains($0) }, id: id, author: event.author,
                    channel: event.channel, text: event.text, labelValue: labelValue)
                if event.timestamp == nil && time.isFinite || event.id == .line(lineNumber) {
                    // Judged on event time at the file's previous time, under a stable id.
                    event.timestamp = time.isFinite ? time : nil
                    event.id = .string(id)
                    append(line: Self.line(for: event), event: replayEvent)
                } else {
                    let from = bytes.count
                    bytes.append(contentsOf: slice)
                    var stored = replayEvent
                    stored.bytes = from..<bytes.count
                    events.append(stored)
                }
            case .failure:
                // Passed on as it is: the pipeline answers it with an error verdict.
                let from = bytes.count
                bytes.append(contentsOf: slice)
                events.append(
                    ReplayEvent(
                        ts: previousTime, file: file, line: lineNumber, bytes: from..<bytes.count, label: nil,
                        id: "\(name):\(lineNumber)", author: "", channel: "", text: ""))
            }
        }
    }

    /// The `ts` of the first event line of `buffer` that has one: the time of the undated
    /// events before it.
    private static func firstTime(in buffer: UnsafeBufferPointer<UInt8>, from start: Int, decoder: EventDecoder)
        -> Double?
    {
        var start = start
        var number = 0
        while start < buffer.count {
            number += 1
            var end = start
            while end < buffer.count, buffer[end] != 0x0A { end += 1 }
            defer { start = end + 1 }
            if case .success(let event) = decoder.decode(
                UnsafeBufferPointer(rebasing: buffer[start..<end]), lineNumber: number + 1),
                let ts = event.timestamp
            {
                return ts
            }
        }
        return nil
    }

    /// An event as an NDJSON line (for the rare NDJSON event that needs a `ts` or id added).
    static func line(for event: Event) -> String {
        var line =
            #"{"id":\#(JSONText.quoted(event.id.text))"#
            + #","author":\#(JSONText.quoted(event.author)),"channel":\#(JSONText.quoted(event.channel))"#
        if let ts = event.timestamp { line += #","ts":\#(String(ts))"# }
        if !event.roles.isEmpty { line += #","roles":[\#(event.roles.map(JSONText.quoted).joined(separator: ","))]"# }
        line += #","text":\#(JSONText.quoted(event.text))"#
        if let meta = event.meta { line += #","meta":"# + String(decoding: meta, as: UTF8.self) }
        return line + "}"
    }

    /// The label value at `path` (`name` or `meta.name`) of a JSON line, as text.
    static func value(at path: String, in line: UnsafeBufferPointer<UInt8>) -> String? {
        guard var object = try? JSONSerialization.jsonObject(with: Data(buffer: line)) as? [String: Any] else {
            return nil
        }
        let keys = path.split(separator: ".").map(String.init)
        for key in keys.dropLast() {
            guard let inner = object[key] as? [String: Any] else { return nil }
            object = inner
        }
        guard let value = object[keys.last ?? path] else { return nil }
        if let text = value as? String { return text }
        if let number = value as? NSNumber { return number.stringValue }
        return nil
    }

    static func parseTime(_ text: String) -> Double? { Timestamp.parse(timeOrEpoch: text) }

    /// The events in time order as NDJSON, written to `fd` in large blocks; returns false when
    /// the reader went away.
    public func write(to fd: Int32) -> Bool {
        var block: [UInt8] = []
        block.reserveCapacity(1 << 20)
        func flush() -> Bool {
            var offset = 0
            while offset < block.count {
                let written = block.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, block.count - offset) }
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            block.removeAll(keepingCapacity: true)
            return true
        }
        for event in events {
            block.append(contentsOf: bytes[event.bytes])
            block.append(0x0A)
            if block.count >= 1 << 20, !flush() { return false }
        }
        return flush()
    }
}
