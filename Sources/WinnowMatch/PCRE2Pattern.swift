import CPCRE2

/// A compiled, JIT-compiled PCRE2 pattern. Immutable once built and shared read-only by every
/// worker thread; each thread brings its own `MatchScratch`.
public final class PCRE2Pattern: @unchecked Sendable {
    // The compiled code is never written after init, which PCRE2 documents as thread-safe.
    let code: OpaquePointer
    /// The pattern's source text.
    public let source: String
    /// Whether JIT compilation succeeded (it falls back to the interpreter otherwise).
    public let isJITCompiled: Bool

    /// Compile options used by Winnow.
    public struct Options: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// UTF-8 subject and pattern, with Unicode-aware `\w`, `\b` and classes.
        public static let unicode = Options(rawValue: UInt32(PCRE2_UTF | PCRE2_UCP))
        public static let caseless = Options(rawValue: UInt32(PCRE2_CASELESS))
    }

    public init(_ source: String, options: Options) throws(PCRE2Error) {
        var errorCode: Int32 = 0
        var errorOffset = 0
        let compiled = source.withCString { cString in
            cString.withMemoryRebound(to: UInt8.self, capacity: source.utf8.count) { pattern in
                pcre2_compile_8(pattern, source.utf8.count, options.rawValue, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            throw PCRE2Error(code: errorCode, offset: errorOffset)
        }
        code = compiled
        self.source = source
        isJITCompiled = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
    }

    deinit {
        pcre2_code_free_8(code)
    }

    /// Size of the compiled pattern plus its JIT code, in bytes.
    public var memorySize: Int {
        var size = 0
        var jitSize = 0
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_SIZE), &size)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_JITSIZE), &jitSize)
        return size + jitSize
    }

    /// Finds the first match at or after `start` in `subject[0..<length]`.
    ///
    /// - Returns: the match range and the name of the last `(*MARK)` passed, or `nil` for no match.
    /// - Throws: when PCRE2 gives up (match limit, JIT stack), so that the caller can report it
    ///   instead of hanging.
    @inline(__always)
    func firstMatch(
        in subject: UnsafePointer<UInt8>, length: Int, from start: Int, scratch: MatchScratch
    ) throws(PCRE2Error) -> (range: Range<Int>, mark: Int?)? {
        let rc: Int32
        if isJITCompiled {
            rc = pcre2_jit_match_8(code, subject, length, start, 0, scratch.matchData, scratch.context)
        } else {
            rc = pcre2_match_8(
                code, subject, length, start, UInt32(PCRE2_NO_UTF_CHECK), scratch.matchData, scratch.context)
        }
        if rc == PCRE2_ERROR_NOMATCH { return nil }
        if rc < 0 { throw PCRE2Error(code: rc, offset: start) }
        let ovector = pcre2_get_ovector_pointer_8(scratch.matchData)!
        let range = ovector[0]..<ovector[1]
        var mark: Int?
        if let name = pcre2_get_mark_8(scratch.matchData) {
            var value = 0
            var p = name
            while p.pointee >= 0x30 && p.pointee <= 0x39 {
                value = value * 10 + Int(p.pointee - 0x30)
                p += 1
            }
            mark = value
        }
        return (range, mark)
    }
}

extension PCRE2Pattern {
    /// Every match of an all-matches pattern (one that ends in the callout `(?C1)`, see
    /// `StopwordSet`), overlapping ones included, into `scratch.found`, in one call.
    ///
    /// - Throws: when PCRE2 gives up (match limit, JIT stack); what was found so far stays.
    @inline(__always)
    func allMatches(in subject: UnsafePointer<UInt8>, length: Int, scratch: MatchScratch) throws(PCRE2Error) {
        scratch.found.removeAll(keepingCapacity: true)
        let rc: Int32
        if isJITCompiled {
            rc = pcre2_jit_match_8(code, subject, length, 0, 0, scratch.matchData, scratch.context)
        } else {
            rc = pcre2_match_8(code, subject, length, 0, UInt32(PCRE2_NO_UTF_CHECK), scratch.matchData, scratch.context)
        }
        // The callout refuses every match, so "no match" is how a complete scan ends.
        if rc < 0 && rc != PCRE2_ERROR_NOMATCH { throw PCRE2Error(code: rc, offset: 0) }
    }
}

/// An error reported by PCRE2, with its own message.
public struct PCRE2Error: Error, Sendable, CustomStringConvertible {
    public let code: Int32
    /// For compile errors: the byte offset in the pattern where PCRE2 stopped.
    public let offset: Int

    public var isPatternTooLarge: Bool { code == 120 }  // PCRE2_ERROR_PATTERN_TOO_LARGE
    public var isMatchLimit: Bool { code == PCRE2_ERROR_MATCHLIMIT }

    public var message: String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(code, &buffer, buffer.count)
        return length > 0 ? String(decoding: buffer[0..<Int(length)], as: UTF8.self) : "PCRE2 error \(code)"
    }

    public var description: String { message }
}
