import WinnowCore
import WinnowSettings

/// Turns the reasons the rules reported into a verdict: the strongest action any reason asks
/// for wins, after per-category overrides; `annotate` reasons add their help notes; `censor`
/// masks what the censoring reasons matched.
public struct Policy: Sendable, Equatable {
    /// Per category, the action to use instead of the list's own; `nil` means "allow": the
    /// reasons stay in the verdict for transparency but ask for nothing.
    public var categoryActions: [String: RuleAction?]
    /// Compute everything but answer `allow`, with the would-be action in `would`.
    public var dryRun: Bool
    /// Rules whose reasons are reported but not acted on (content rules; the window rules
    /// carry their own dry-run switch).
    public var dryRunRules: Set<String>

    public init(categoryActions: [String: RuleAction?] = [:], dryRun: Bool = false, dryRunRules: Set<String> = []) {
        self.categoryActions = categoryActions
        self.dryRun = dryRun
        self.dryRunRules = dryRunRules
    }

    public func verdict(for event: Event, reasons: consuming [Reason]) -> Verdict {
        var action = Action.allow
        var notes: [Note] = []
        let overrides = !categoryActions.isEmpty
        let quietRules = !dryRunRules.isEmpty
        for k in reasons.indices {
            if quietRules && dryRunRules.contains(reasons[k].rule) { reasons[k].dryRun = true }
            if overrides, let category = reasons[k].category, let override = categoryActions[category] {
                reasons[k].action = override
            }
            guard let requested = reasons[k].action, !reasons[k].dryRun else { continue }
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
            for k in reasons.indices where reasons[k].action == .censor {
                if let range = reasons[k].utf8Range { ranges.append(range) }
                if let more = reasons[k].moreRanges { ranges.append(contentsOf: more) }
            }
            censored = Self.mask(event.text, ranges: ranges)
        }
        if dryRun {
            return Verdict(
                id: event.id, action: .allow, would: action, reasons: reasons, notes: notes, meta: event.meta)
        }
        return Verdict(id: event.id, action: action, reasons: reasons, text: censored, notes: notes, meta: event.meta)
    }

    /// Weighs the reasons the window rules appended to a verdict the content rules already gave
    /// (`verdict.reasons` from index `first` on). Window rules never censor, so the masked text
    /// only goes when the action moves past `censor`.
    public func merge(from first: Int, into verdict: inout Verdict) {
        var decided = verdict.would ?? verdict.action
        for k in first..<verdict.reasons.count where !verdict.reasons[k].dryRun {
            if let requested = verdict.reasons[k].action { decided = max(decided, requested.verdictAction) }
        }
        if decided > .censor { verdict.text = nil }
        if dryRun {
            verdict.would = decided
        } else {
            verdict.action = decided
        }
    }

    /// Leaves the reasons asking for `action` unacted (in dry run, kept for the record) and
    /// weighs the verdict again: what moderators approved copies of is not held again. Nothing
    /// changes when the rest would censor (the masked text was not made). Returns whether any
    /// reason was waived.
    @discardableResult
    public func waive(_ action: RuleAction, in verdict: inout Verdict) -> Bool {
        guard verdict.reasons.contains(where: { $0.action == action && !$0.dryRun }) else { return false }
        var decided = Action.allow
        for reason in verdict.reasons where !reason.dryRun && reason.action != action {
            if let requested = reason.action { decided = max(decided, requested.verdictAction) }
        }
        guard decided != .censor else { return false }
        for k in verdict.reasons.indices where verdict.reasons[k].action == action { verdict.reasons[k].dryRun = true }
        if dryRun { verdict.would = decided } else { verdict.action = decided }
        return true
    }

    /// `text` with every character inside `ranges` (UTF-8 byte ranges) replaced by one `*`,
    /// except white space, so that a masked phrase keeps its shape.
    static func mask(_ text: String, ranges: [Range<Int>]) -> String {
        var text = text
        let ordered = ranges.sorted { $0.lowerBound < $1.lowerBound }
        return text.withUTF8 { bytes in
            // Masking never makes the text longer: one `*` replaces one or more bytes.
            String(unsafeUninitializedCapacity: bytes.count) { out in
                var n = 0
                var k = 0
                func copy(upTo end: Int) {
                    guard end > k else { return }
                    (out.baseAddress! + n).update(from: bytes.baseAddress! + k, count: end - k)
                    n += end - k
                    k = end
                }
                for range in ordered {
                    copy(upTo: min(range.lowerBound, bytes.count))
                    let end = min(range.upperBound, bytes.count)
                    while k < end {
                        let lead = bytes[k]
                        let length = min(UTF8Scalars.length(lead: lead), bytes.count - k)
                        if isWhitespace(bytes, at: k, lead: lead) {
                            for j in k..<(k + length) {
                                out[n] = bytes[j]
                                n += 1
                            }
                        } else {
                            out[n] = UInt8(ascii: "*")
                            n += 1
                        }
                        k += length
                    }
                }
                copy(upTo: bytes.count)
                return n
            }
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

/// The `stopwords:` section: the policy's per-category overrides of the lists' own actions.
extension Policy: SettingsSection {
    public static let section = "stopwords"
    public static let about: [String] = []
    /// The name the stop-word rule reports under (`WinnowRules.StopwordRule.name`).
    static let stopwordRule = "stopword"
    public static var settings: [RuleSetting<Self>] {
        [
            RuleSetting(
                "dry_run", type: "true or false", help: "report the stop words' reasons without acting on them",
                read: { value, policy in
                    guard let dryRun = value.bool() else { return }
                    if dryRun {
                        policy.dryRunRules.insert(stopwordRule)
                    } else {
                        policy.dryRunRules.remove(stopwordRule)
                    }
                }, write: { $0.dryRunRules.contains(stopwordRule) ? "true" : "false" }),
            RuleSetting(
                "categories", type: "per category: allow, annotate, flag, censor, hold or reject",
                help: "an action instead of the lists' own", read: readCategories,
                write: { policy in
                    "{"
                        + policy.categoryActions.keys.sorted().map {
                            "\($0): \((policy.categoryActions[$0] ?? nil)?.rawValue ?? "allow")"
                        }
                        .joined(separator: ", ") + "}"
                }),
        ]
    }

    private static func readCategories(_ value: any SettingValue, _ policy: inout Policy) {
        for (category, actionValue) in value.entries(allowed: nil) {
            if let known = actionValue.knownCategories, !known.contains(category) {
                actionValue.problem(
                    "no wordlist has this category (categories: \(known.sorted().joined(separator: ", ")))")
                continue
            }
            guard let text = actionValue.string() else { continue }
            if text == "allow" {
                policy.categoryActions[category] = .some(nil)
            } else if let action = RuleAction(rawValue: text), action != .timeout, action != .ban {
                policy.categoryActions[category] = .some(action)
            } else {
                actionValue.problem("expected one of allow, annotate, flag, censor, hold, reject, not '\(text)'")
            }
        }
    }

    public var summary: String {
        "stopwords: category overrides \(categoryActions.isEmpty ? "none" : categoryActions.keys.sorted().joined(separator: ", "))"
            + (dryRunRules.contains(Self.stopwordRule) ? " (dry run)" : "")
    }
}
