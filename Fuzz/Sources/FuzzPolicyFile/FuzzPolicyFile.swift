import WinnowConfig

/// Any bytes as a policy file: a configuration, or problems that each name a line — never a
/// crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: min(size, 8192)), as: UTF8.self)
    do throws(PolicyProblems) {
        _ = try PolicyFile.parse(text, file: "policy.yaml", knownCategories: ["profanity", "spam"])
    } catch {
        precondition(!error.problems.isEmpty, "refused without a problem")
        for problem in error.problems { precondition(problem.line >= 1, "a problem without a line") }
    }
    return 0
}
