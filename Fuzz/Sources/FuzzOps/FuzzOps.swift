import Foundation
import WinnowIO

/// Any bytes as a control op: the reader refuses or accepts it, never crashes, and whatever the
/// request, its answer is one line of valid JSON (read back by Foundation, not by our reader)
/// that carries `op` and `ok`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = UnsafeBufferPointer(start: data, count: size)
    _ = ControlRequest.looksLikeOp(line)
    let answer: [UInt8]
    switch ControlRequest.parse(line) {
    case .success(let request): answer = request.answer(#","ok":true"#)
    case .failure(let refusal): answer = ControlRequest.refusal(refusal)
    }
    precondition(answer.last == 0x0A && answer.dropLast().firstIndex(of: 0x0A) == nil, "an answer is exactly one line")
    let object = (try? JSONSerialization.jsonObject(with: Data(answer.dropLast()))) as? [String: Any]
    precondition(object != nil, "an answer is a JSON object: \(String(decoding: answer, as: UTF8.self))")
    precondition(object!["ok"] is Bool && object!.keys.contains("op"), "an answer has op and ok")
    return 0
}
