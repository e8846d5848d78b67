import NIOCore

/// Newline-delimited framing with a bound: a line longer than `maxLineBytes` is not buffered
/// but skipped up to its newline and reported as `.tooLong`, so that one client cannot make the
/// sidecar hold an unbounded line.
struct LineFramer: ByteToMessageDecoder {
    enum Frame {
        case line(ByteBuffer)
        case tooLong(atLeast: Int)
    }

    typealias InboundOut = Frame

    let maxLineBytes: Int
    /// Bytes of an overlong line dropped so far (while skipping to its end).
    private var skipping: Int?
    /// How far the buffered partial line has been searched for its newline already: a line
    /// that arrives in many small reads is searched once, not once per read.
    private var searched = 0

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        let from = view.startIndex + min(searched, view.count)
        if let newline = view[from...].firstIndex(of: UInt8(ascii: "\n")) {
            searched = 0
            let length = newline - view.startIndex
            if let skipped = skipping {
                buffer.moveReaderIndex(forwardBy: length + 1)
                skipping = nil
                context.fireChannelRead(wrapInboundOut(.tooLong(atLeast: skipped + length)))
                return .continue
            }
            if length > maxLineBytes {
                buffer.moveReaderIndex(forwardBy: length + 1)
                context.fireChannelRead(wrapInboundOut(.tooLong(atLeast: length)))
                return .continue
            }
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            // CRLF clients: the CR is not part of the line.
            if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == 0x0D {
                line.moveWriterIndex(to: line.writerIndex - 1)
            }
            context.fireChannelRead(wrapInboundOut(.line(line)))
            return .continue
        }
        // No newline yet: past the bound, drop what is there and remember how much.
        if skipping != nil || buffer.readableBytes > maxLineBytes {
            skipping = (skipping ?? 0) + buffer.readableBytes
            buffer.moveReaderIndex(to: buffer.writerIndex)
            searched = 0
        } else {
            searched = view.count
        }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        // A last line without its newline is still a request.
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0, skipping == nil {
            let line = buffer.readSlice(length: buffer.readableBytes)!
            context.fireChannelRead(wrapInboundOut(.line(line)))
        }
        return .needMoreData
    }
}
