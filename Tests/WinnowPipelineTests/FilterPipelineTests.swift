import Foundation
import Testing
import WinnowCore
import WinnowLimits
import WinnowMatch
import WinnowPipeline
import WinnowRules
import WinnowPolicy
import WinnowTestSupport

@Suite("Filter pipeline")
struct FilterPipelineTests {
    /// Runs the pipeline over `input` through real pipes and returns stdout and the summary.
    func run(_ input: [UInt8], options: FilterOptions) throws -> (output: [UInt8], summary: FilterSummary) {
        var behavior = BehaviorSettings.defaultPolicy
        behavior.channels["slow"] = ChannelSettings(slowMode: 2 * Micros.perSecond)
        let engine = Engine(stopwords: try fixtureStopwords(), policy: Policy(), behavior: behavior)
        let pipeline = FilterPipeline(engine: engine, options: options, clock: FixedClock(time: 0))
        let stdin = Pipe(), stdout = Pipe()
        let feeder = Thread {
            stdin.fileHandleForWriting.write(Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        feeder.start()
        let collected = Collector(stdout.fileHandleForReading)
        let summary = try pipeline.run(
            input: stdin.fileHandleForReading.fileDescriptor, output: stdout.fileHandleForWriting.fileDescriptor)
        try stdout.fileHandleForWriting.close()
        return (Array(collected.wait()), summary)
    }

    /// A generated stream: clean lines, stop words, and bad lines of every kind.
    func workload(lines: Int) -> [UInt8] {
        var out: [UInt8] = []
        let texts = [
            "hello there", "what the fuck", "f.u.c.k this", "you idiot", "I want to die", "a cocktail in Scunthorpe",
            "zorblax quantum widget giveaway!",
        ]
        for k in 0..<lines {
            switch k % 11 {
            case 3: out += Array("{not json\n".utf8)
            case 7: out += Array(#"{"author":"a"}"#.utf8) + [0x0A]
            case 9: out += Array(#"{"author":"a","text":"bad "#.utf8) + [0xFF] + Array(#""}"#.utf8) + [0x0A]
            default:
                // Ten events a second, a few of them late, in two channels, one of them slow.
                let ts = 100 + Double(k) / 10 - (k % 17 == 0 ? 8 : 0)
                // Every fifth line a clean comment of one author who posts too often.
                let channel = k % 3 == 0 ? "slow" : "main"
                let author = k % 5 == 1 ? "chatty" : "u\(k % 13)"
                let letters = String(
                    String(k, radix: 26).map {
                        Character(Unicode.Scalar(($0.wholeNumberValue ?? (Int($0.asciiValue!) - 87)) + 97)!)
                    })
                let text = k % 5 == 1 ? "hello \(letters)" : texts[k % texts.count]
                out +=
                    Array(
                        #"{"id":\#(k),"author":"\#(author)","channel":"\#(channel)","ts":\#(ts),"text":"\#(text) #\#(k)"}"#
                            .utf8) + [0x0A]
            }
        }
        return out
    }

    @Test("one verdict per line, in order, byte-identical on event time with one worker or four")
    func parallelMatchesSequential() throws {
        let input = workload(lines: 20_000)
        let sequential = try run(input, options: FilterOptions(workers: 1, batchLines: 4096, clock: .event))
        let parallel = try run(input, options: FilterOptions(workers: 4, batchLines: 1000, clock: .event))
        let lines = sequential.output.split(separator: 0x0A, omittingEmptySubsequences: false)
        #expect(lines.count == 20_001)  // 20,000 verdicts and the empty string after the last newline
        #expect(parallel.output == sequential.output)
        #expect(sequential.summary.total == 20_000)
        let badLines = (0..<20_000).filter { [3, 7, 9].contains($0 % 11) }.count
        #expect(sequential.summary.count(.error) == badLines)
        // The window rules did fire, so the comparison covers them.
        for action in [Action.reject, .timeout, .ban] { #expect(sequential.summary.count(action) > 0, "\(action)") }
        let text = String(decoding: sequential.output, as: UTF8.self)
        for rule in ["rate_limit", "slow_mode", "escalation", "late", "repeat", "flood"] {
            #expect(text.contains(#""rule":"\#(rule)""#), "\(rule)")
        }
        // Every verdict carries its own id or line, in input order.
        for (k, line) in lines.dropLast().enumerated() where k % 11 != 3 && k % 11 != 9 && k % 11 != 7 {
            #expect(line.starts(with: Array(#"{"id":\#(k),"#.utf8)), "line \(k + 1)")
        }
    }
}

extension FilterPipelineTests {
    @Test("verdicts come out while the input stays open: none is held back waiting for more")
    func promptWhileInputIsOpen() throws {
        let engine = Engine(stopwords: try fixtureStopwords(), policy: Policy(), behavior: .defaultPolicy)
        let pipeline = FilterPipeline(engine: engine, options: FilterOptions(workers: 2), clock: FixedClock(time: 0))
        let stdin = Pipe(), stdout = Pipe()
        let finished = DispatchSemaphore(value: 0)
        let input = stdin.fileHandleForReading.fileDescriptor, output = stdout.fileHandleForWriting.fileDescriptor
        Thread {
            _ = try? pipeline.run(input: input, output: output)
            finished.signal()
        }.start()
        // A batch big enough for the parallel path, then a single line; stdin stays open.
        for round in [300, 1] {
            var lines = ""
            for k in 0..<round { lines += #"{"id":\#(k),"author":"a\#(k)","text":"hello"}"# + "\n" }
            stdin.fileHandleForWriting.write(Data(lines.utf8))
            #expect(readLines(round, from: stdout.fileHandleForReading.fileDescriptor, within: 20) == round)
        }
        try stdin.fileHandleForWriting.close()
        #expect(finished.wait(timeout: .now() + 20) == .success)
    }

    /// Reads until `count` newlines arrived or `seconds` passed; returns the newlines read.
    private func readLines(_ count: Int, from fd: Int32, within seconds: Int) -> Int {
        var seen = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(Double(seconds))
        while seen < count && Date() < deadline {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { break }
            seen += buffer[0..<n].filter { $0 == 0x0A }.count
        }
        return seen
    }
}
