import Foundation
import Testing

@testable import WinnowReplay

@Suite("Labeled sets without author or time columns")
struct LabeledSetTests {
    func write(_ text: String, as name: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "winnow-labeled-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(
        "replay of a labeled set without author and time columns was refused; now each row is its own author, 10 min apart"
    )
    func eachRowItsOwn() throws {
        let path = try write("tweet,class\nbuy followers now,1\nbuy followers now,1\nnice match,0\n", as: "tweets.csv")
        let input = try ReplayInput(
            paths: [path], mapping: try ColumnMapping(parsing: "text=tweet"),
            label: LabelSpec(field: "class", positive: ["1"]))
        #expect(input.events.map(\.author) == ["tweets:2", "tweets:3", "tweets:4"])
        #expect(input.events.map(\.ts) == [1_000_000_000, 1_000_000_600, 1_000_001_200])
        #expect(input.events.map(\.label) == [true, true, false])
        #expect(input.quirks.counts == [.noAuthorColumn: 1, .noTimeColumn: 1])
        // The NDJSON line each event becomes carries both.
        let line = String(decoding: input.bytes[input.events[0].bytes], as: UTF8.self)
        #expect(line.contains(#""author":"tweets:2""#) && line.contains(#""ts":1000000000.0"#), "\(line)")
    }

    @Test("a column mapped by name must still exist")
    func mappedColumnMustExist() throws {
        let path = try write("tweet,class\nhello,0\n", as: "t.csv")
        #expect(throws: ReplayError.self) {
            try ReplayInput(paths: [path], mapping: try ColumnMapping(parsing: "text=tweet,author=user"))
        }
    }
}
