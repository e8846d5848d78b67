import Foundation
import Testing
import WinnowIO

@Suite("Line framing")
struct LineReaderTests {
    /// Feeds `input` through a real pipe and collects what the reader frames.
    func frame(
        _ input: [UInt8], maxLineBytes: Int = 1 << 20, chunkSize: Int = 1 << 20, maxLines: Int = 4096,
        lagged: Bool = false
    ) -> [String] {
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        let writeEnd = fds[1], readEnd = fds[0]
        let writer = Thread {
            input.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(writeEnd, raw.baseAddress! + offset, min(65_536, raw.count - offset))
                    if n <= 0 { break }
                    offset += n
                }
            }
            close(writeEnd)
        }
        writer.start()
        let reader = LineReader(fd: readEnd, maxLineBytes: maxLineBytes, chunkSize: chunkSize)
        var batch: [InputLine] = []
        var result: [String] = []
        // With `lagged`, a batch is read only after the next one was framed, as the filter's
        // workers do: its bytes must still be there.
        var previous: (lines: [InputLine], bytes: UnsafeRawBufferPointer)?
        func render(_ lines: [InputLine], _ bytes: UnsafeRawBufferPointer) {
            for line in lines {
                switch line {
                case .line(let number, let range):
                    result.append("\(number):" + String(decoding: bytes[range], as: UTF8.self))
                case .tooLong(let number, _):
                    result.append("\(number):TOO LONG")
                }
            }
        }
        while reader.nextBatch(maxLines: maxLines, into: &batch) {
            if lagged {
                if let previous { render(previous.lines, previous.bytes) }
                previous = (batch, reader.bytes)
            } else {
                render(batch, reader.bytes)
            }
        }
        if let previous { render(previous.lines, previous.bytes) }
        close(readEnd)
        return result
    }

    @Test("lines, CRLF, empty lines and a last line without a newline")
    func basics() {
        #expect(frame(Array("a\r\nbb\n\nccc".utf8)) == ["1:a", "2:bb", "3:", "4:ccc"])
        #expect(frame(Array("x\n".utf8)) == ["1:x"])
        #expect(frame([]) == [])
    }

    @Test("an overlong line is reported once, in place, and skipped")
    func tooLong() {
        let long = String(repeating: "y", count: 10_000)
        let input = Array("short\n\(long)\nafter\n\(long)".utf8)
        #expect(frame(input, maxLineBytes: 100, chunkSize: 256) == ["1:short", "2:TOO LONG", "3:after", "4:TOO LONG"])
        #expect(frame(input, maxLineBytes: 10_000, chunkSize: 256) == ["1:short", "2:\(long)", "3:after", "4:\(long)"])
    }

    @Test("many lines across many small reads keep their order")
    func order() {
        let lines = (1...20_000).map { "line \($0) " + String(repeating: "z", count: $0 % 37) }
        let input = Array((lines.joined(separator: "\n") + "\n").utf8)
        let framed = frame(input, chunkSize: 1000, maxLines: 100)
        #expect(framed == lines.enumerated().map { "\($0.offset + 1):\($0.element)" })
    }

    @Test("a batch's bytes are still intact after the next batch is read")
    func previousBatchKept() {
        let lines = (1...20_000).map { "line \($0) " + String(repeating: "q", count: $0 % 53) }
        let input = Array((lines.joined(separator: "\n") + "\n").utf8)
        let expected = lines.enumerated().map { "\($0.offset + 1):\($0.element)" }
        #expect(frame(input, chunkSize: 1000, maxLines: 100, lagged: true) == expected)
        #expect(frame(input, chunkSize: 1 << 16, maxLines: 7, lagged: true) == expected)
        let long = String(repeating: "y", count: 10_000)
        #expect(
            frame(Array("a\n\(long)\nb\n".utf8), maxLineBytes: 20_000, chunkSize: 256, maxLines: 1, lagged: true)
                == ["1:a", "2:\(long)", "3:b"])
    }
}
