import WinnowCore
import WinnowIO

/// Any bytes as one input line: the decoder must give an event or an error, never crash, and
/// what it gives must encode as one line of valid JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = UnsafeBufferPointer(start: data, count: size)
    let verdict: Verdict
    switch EventDecoder().decode(line, lineNumber: 1) {
    case .success(let event):
        verdict = Verdict(id: event.id, action: .allow, reasons: [], meta: event.meta)
    case .failure(let error):
        verdict = .error(line: 1, id: error.id, message: error.message)
    }
    let out = ByteBuffer(capacity: 256)
    VerdictEncoder().encode(verdict, into: out)
    let bytes = out.array
    precondition(bytes.last == 0x0A && bytes.dropLast().firstIndex(of: 0x0A) == nil, "a verdict is exactly one line")
    return 0
}
