import WinnowCore

/// Turns the reasons the rules reported into a verdict: the strongest action any reason asks
/// for wins, after per-category overrides; `annotate` reasons add their help notes; `censor`
/// masks what the censoring reasons matched.
public struct Policy: Sendable {
    /// Per category, the action to use instead of the list's own; `nil` means "allow": the
    /// reasons stay in the verdict for transparency but ask for nothing.
    public var categoryActions: [String: RuleAction?]
    /// Compute everything but answer `allow`, with the would-be action in `would`.
    public var dryRun: Bool

    public init(categoryActions: [String: RuleAction?] = [:], dryRun: Bool = false) {
        self.categoryActions = categoryActions
        self.dryRun = dryRun
    }

    public func verdict(for event: Event, reasons: [Reason]) -> Verdict {
        var reasons = reasons
        var action = Action.allow
        var notes: [Note] = []
        let overrides = !categoryActions.isEmpty
        for k in reasons.indices {
            if overrides, let category = reasons[k].category, let override = categoryActions[category] {
                reasons[k].action = override
            }
            guard let requested = reasons[k].action else { continue }
            action = max(action, requested.verdictAction)
            if requested == .annotate, let note = reasons[k].note, let list = reasons[k].list,
                !notes.contains(where: { $0.list == list })
            {
                notes.append(Note(list: list, text: note))
            }
        }
        var censored: String?
        if action == .censor {
            var ranges: [Range<Int>] = []
            for reason in reasons where reason.action == .censor {
                if let range = reason.utf8Range { ranges.append(range) }
            }
            censored = Self.mask(event.text, ranges: ranges)
        }
        if dryRun {
            return Verdict(id: event.id, action: .allow, would: action, reasons: reasons, notes: notes, meta: event.meta)
        }
        return Verdict(id: event.id, action: action, reasons: reasons, text: censored, notes: notes, meta: event.meta)
    }

    /// `text` with every character inside `ranges` (UTF-8 byte ranges) replaced by one `*`,
    /// except white space, so that a masked phrase keeps its shape.
    static func mask(_ text: String, ranges: [Range<Int>]) -> String {
        var text = text
        return text.withUTF8 { bytes in
            var out = [UInt8](repeating: 0, count: bytes.count)
            let written = out.withUnsafeMutableBufferPointer { out in
                var n = 0
                var k = 0
                while k < bytes.count {
                    let lead = bytes[k]
                    let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                    if ranges.contains(where: { $0.contains(k) }) && !isWhitespace(bytes, at: k, lead: lead) {
                        out[n] = UInt8(ascii: "*")
                        n += 1
                    } else {
                        for j in k..<min(k + length, bytes.count) {
                            out[n] = bytes[j]
                            n += 1
                        }
                    }
                    k += length
                }
                return n
            }
            return String(decoding: out[..<written], as: UTF8.self)
        }
    }

    private static func isWhitespace(_ bytes: UnsafeBufferPointer<UInt8>, at k: Int, lead: UInt8) -> Bool {
        if lead < 0x80 { return lead == 0x20 || (lead >= 0x09 && lead <= 0x0D) }
        var iterator = bytes[k...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return scalar.properties.isWhitespace }
        return false
    }
}
