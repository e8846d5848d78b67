import WinnowCore

/// **noise**: comments that shout or smear: mostly capitals, long runs of one character,
/// mostly emoji and symbols, or letters with stacked combining marks ("zalgo"). Stateless:
/// one pass over the text's scalars.
public struct NoiseRule: Sendable, Equatable {
    public static let name = "noise"

    public var enabled: Bool
    /// Share of upper-case letters, counted once a comment has `minLetters` letters.
    public var capsRatio: Double
    public var minLetters: Int
    /// Longest run of one character (spaces aside).
    public var maxRun: Int
    /// Share of emoji and symbols among the visible characters, once there are `minCharacters`.
    public var symbolRatio: Double
    public var minCharacters: Int
    /// Most combining marks on one letter.
    public var maxMarks: Int
    public var action: RuleAction
    public var dryRun: Bool

    public init(
        enabled: Bool = true, capsRatio: Double = 0.7, minLetters: Int = 12, maxRun: Int = 10, symbolRatio: Double = 0.6,
        minCharacters: Int = 10, maxMarks: Int = 3, action: RuleAction = .flag, dryRun: Bool = false
    ) {
        self.enabled = enabled
        self.capsRatio = capsRatio
        self.minLetters = minLetters
        self.maxRun = maxRun
        self.symbolRatio = symbolRatio
        self.minCharacters = minCharacters
        self.maxMarks = maxMarks
        self.action = action
        self.dryRun = dryRun
    }

    public func evaluate(_ text: String, into reasons: inout [Reason]) {
        guard enabled else { return }
        var letters = 0, upper = 0, visible = 0, symbols = 0
        var run = 0, longestRun = 0, runCharacter: UInt32 = 0xFFFF_FFFF
        var marks = 0, mostMarks = 0
        var text = text
        text.withUTF8 { bytes in
            var k = 0
            let n = bytes.count
            while k < n {
                let lead = bytes[k]
                var value = UInt32(lead)
                if lead < 0x80 {
                    k += 1
                } else {
                    // Decode one scalar (the text is valid UTF-8: the decoder checked it).
                    let length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                    value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                    for j in 1..<length where k + j < n { value = value << 6 | UInt32(bytes[k + j] & 0x3F) }
                    k += length
                }
                if value == runCharacter && value != 0x20 {
                    run += 1
                } else {
                    runCharacter = value
                    run = 1
                }
                longestRun = max(longestRun, run)
                if value < 0x80 {
                    marks = 0
                    if value >= 0x41 && value <= 0x5A {
                        letters += 1
                        upper += 1
                    } else if value >= 0x61 && value <= 0x7A {
                        letters += 1
                    }
                    if value > 0x20 && value < 0x7F { visible += 1 }
                    continue
                }
                guard let scalar = Unicode.Scalar(value) else { continue }
                switch scalar.properties.generalCategory {
                case .nonspacingMark, .enclosingMark:
                    marks += 1
                    mostMarks = max(mostMarks, marks)
                    continue
                case .uppercaseLetter, .titlecaseLetter:
                    letters += 1
                    upper += 1
                case .lowercaseLetter, .otherLetter, .modifierLetter:
                    letters += 1
                case .otherSymbol, .mathSymbol, .currencySymbol, .modifierSymbol:
                    symbols += 1
                case .format, .spaceSeparator, .control:
                    continue
                default:
                    break
                }
                marks = 0
                visible += 1
            }
        }
        if letters >= minLetters && Double(upper) >= capsRatio * Double(letters) {
            reasons.append(reason("mostly capitals: \(upper) of \(letters) letters", limit: "caps \(percent(capsRatio))", count: upper))
        }
        if longestRun > maxRun {
            reasons.append(reason("one character \(longestRun) times in a row", limit: "run \(maxRun)", count: longestRun))
        }
        if visible >= minCharacters && Double(symbols) >= symbolRatio * Double(visible) {
            reasons.append(reason(
                "mostly emoji and symbols: \(symbols) of \(visible) characters", limit: "symbols \(percent(symbolRatio))",
                count: symbols))
        }
        if mostMarks > maxMarks {
            reasons.append(reason("\(mostMarks) combining marks stacked on one letter", limit: "marks \(maxMarks)", count: mostMarks))
        }
    }

    private func reason(_ message: String, limit: String, count: Int) -> Reason {
        Reason(rule: Self.name, action: action, message: message, limit: limit, count: count, dryRun: dryRun)
    }

    private func percent(_ ratio: Double) -> String { "\(Int((ratio * 100).rounded()))%" }
}
