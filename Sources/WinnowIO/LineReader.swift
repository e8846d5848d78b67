#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Frames a byte stream (a pipe, a file, a socket) into lines, in batches.
///
/// - Bounded: a line longer than `maxLineBytes` is reported as `.tooLong` and skipped as it
///   streams by; memory stays near `maxLineBytes` + one read chunk whatever the input.
/// - Prompt: a batch is returned as soon as no more input is waiting, so an interactive producer
///   gets each answer without waiting for a full batch; under load batches fill up.
/// - A final line without a newline counts; `\r\n` line ends are accepted.
/// - Two buffers, used in turn: a batch's bytes stay valid while the next batch is read, so
///   that workers can still be analyzing one batch while the next one comes in.
public final class LineReader {
    private let fd: Int32
    public let maxLineBytes: Int
    private let chunkSize: Int
    private var buffer: UnsafeMutableRawBufferPointer
    /// The previous batch's buffer; the next batch is read into it.
    private var otherBuffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var discarding = false
    private var atEOF = false
    private var lineNumber = 0
    /// Set when reading failed (other than end of input); the stream ends there.
    public private(set) var readError: Int32?

    public init(fd: Int32, maxLineBytes: Int = 1 << 20, chunkSize: Int = 1 << 20) {
        self.fd = fd
        self.maxLineBytes = maxLineBytes
        self.chunkSize = chunkSize
        buffer = .allocate(byteCount: chunkSize * 2, alignment: 16)
        otherBuffer = .allocate(byteCount: chunkSize * 2, alignment: 16)
    }

    deinit {
        buffer.deallocate()
        otherBuffer.deallocate()
    }

    /// The bytes of the current batch's lines; valid until the second `nextBatch` call from now.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(buffer) }

    /// Fills `batch` with the next lines, at most `maxLines`. Blocks until at least one line is
    /// available; returns false at the end of the input.
    public func nextBatch(maxLines: Int, into batch: inout [InputLine]) -> Bool {
        batch.removeAll(keepingCapacity: true)
        switchBuffers()
        while true {
            takeCompleteLines(maxLines: maxLines, into: &batch)
            if batch.count >= maxLines { return true }

            let pending = end - start
            if discarding {
                start = end
            } else if pending > maxLineBytes + 1 {
                lineNumber += 1
                batch.append(.tooLong(number: lineNumber, atLeast: pending))
                discarding = true
                start = end
            }
            if atEOF {
                if end > start {
                    lineNumber += 1
                    batch.append(lineRange(start, end))
                    start = end
                }
                return !batch.isEmpty
            }
            if !batch.isEmpty && !inputIsWaiting() { return true }
            if !batch.isEmpty && end == buffer.count { return true }  // cannot move data under a batch
            if batch.isEmpty { compact() }
            readMore()
        }
    }

    private func takeCompleteLines(maxLines: Int, into batch: inout [InputLine]) {
        guard let base = buffer.baseAddress else { return }
        while batch.count < maxLines, start < end {
            guard let hit = memchr(base + start, 0x0A, end - start) else { return }
            let newline = base.distance(to: hit)
            if discarding {
                discarding = false
                start = newline + 1
                continue
            }
            lineNumber += 1
            let line = lineRange(start, newline)
            if case .line(_, let bytes) = line, bytes.count > maxLineBytes {
                batch.append(.tooLong(number: lineNumber, atLeast: bytes.count))
            } else {
                batch.append(line)
            }
            start = newline + 1
        }
    }

    private func lineRange(_ from: Int, _ to: Int) -> InputLine {
        var to = to
        if to > from && buffer[to - 1] == 0x0D { to -= 1 }
        return .line(number: lineNumber, bytes: from..<to)
    }

    /// Moves what is left of the input (a partial line, lines beyond the last batch) to the
    /// other buffer and continues there, leaving the last batch's bytes untouched.
    private func switchBuffers() {
        if otherBuffer.count < buffer.count {
            otherBuffer.deallocate()
            otherBuffer = .allocate(byteCount: buffer.count, alignment: 16)
        }
        let pending = end - start
        if pending > 0 {
            otherBuffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: pending)
        }
        swap(&buffer, &otherBuffer)
        start = 0
        end = pending
    }

    private func compact() {
        guard start > 0 else { return }
        let pending = end - start
        if pending > 0, let base = buffer.baseAddress {
            memmove(base, base + start, pending)
        }
        start = 0
        end = pending
    }

    private func readMore() {
        // Room for one chunk beyond a maximal line, allocated only when a long line needs it.
        if buffer.count - end < chunkSize / 2 && start == 0 {
            let wanted = min(max(buffer.count * 2, end + chunkSize), maxLineBytes + chunkSize + 1)
            if wanted > buffer.count {
                let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: wanted, alignment: 16)
                if end > 0 { bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end) }
                buffer.deallocate()
                buffer = bigger
            }
        }
        // A partial line longer than the limit is discarded before we get here, and the buffer
        // grows to the limit plus a chunk, so there is always room to read into.
        precondition(end < buffer.count, "line framing invariant broken")
        while true {
            let room = buffer.count - end
            let n = read(fd, buffer.baseAddress! + end, room)
            if n > 0 {
                end += n
                return
            }
            if n == 0 {
                atEOF = true
                return
            }
            if errno == EINTR { continue }
            readError = errno
            atEOF = true
            return
        }
    }

    /// Whether `nextBatch` would return without waiting for input: a whole line is buffered,
    /// the input is over, or more can be read right now.
    public var hasLineReady: Bool {
        if atEOF { return true }
        if end > start, let base = buffer.baseAddress, memchr(base + start, 0x0A, end - start) != nil { return true }
        return inputIsWaiting()
    }

    /// Whether more input can be read right now without blocking.
    private func inputIsWaiting() -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0 && descriptor.revents & Int16(POLLIN | POLLHUP) != 0
    }
}
