/// Per-scalar folding for non-ASCII text: compatibility decomposition, case folding, diacritics,
/// format characters and TR39 confusables, precomputed by `scripts/gen_fold_table.py`.
///
/// Lookups are O(1) for the Basic Multilingual Plane (a dense array) and a hash lookup above it.
struct FoldTable: Sendable {
    /// Packed `offset << 5 | length` into `replacements`; `identity` when the scalar maps to itself.
    private let bmp: [UInt32]
    private let astral: [UInt32: UInt32]
    private let replacements: [UInt32]
    private static let identity = UInt32.max

    static let shared = FoldTable(rows: foldTableRows)

    /// Reads `rows` ("SCALAR [REPLACEMENT...]" per line, upper-case hex, fields apart by
    /// spaces; a row whose first field is not hex is skipped, a later field that is not hex is
    /// left out) in one pass over its bytes: splitting it into rows and fields, each an array,
    /// cost 31M instructions of every start-up.
    init(rows: String) {
        var bmp = [UInt32](repeating: Self.identity, count: 0x10000)
        var astral: [UInt32: UInt32] = [:]
        var replacements: [UInt32] = []
        replacements.reserveCapacity(16_384)
        var text = rows
        text.withUTF8 { bytes in
            var scalar: UInt32?  // the row's first field, once read
            var rowIsOver = false  // its first field was not hex: the rest of the row is skipped
            var offset = 0
            var value: UInt32 = 0
            var digits = 0
            var isHex = true
            func endField() {
                defer { (value, digits, isHex) = (0, 0, true) }
                guard digits > 0, !rowIsOver else { return }
                guard isHex else {
                    if scalar == nil { rowIsOver = true }
                    return
                }
                if scalar == nil {
                    scalar = value
                    offset = replacements.count
                } else {
                    replacements.append(value)
                }
            }
            func endRow() {
                endField()
                if let scalar {
                    let packed = UInt32(offset) << 5 | UInt32(replacements.count - offset)
                    if scalar < 0x10000 { bmp[Int(scalar)] = packed } else { astral[scalar] = packed }
                }
                (scalar, rowIsOver) = (nil, false)
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\n"): endRow()
                case UInt8(ascii: " "): endField()
                case 0x30...0x39:
                    value = value << 4 | UInt32(byte - 0x30)
                    digits += 1
                case 0x41...0x46:
                    value = value << 4 | UInt32(byte - 0x41 + 10)
                    digits += 1
                default:
                    isHex = false
                    digits += 1
                }
            }
            endRow()
        }
        self.bmp = bmp
        self.astral = astral
        self.replacements = replacements
    }

    /// Calls `body` with each scalar that `scalar` folds to (none when it is removed).
    /// Returns false, without calling `body`, when the scalar folds to itself.
    @inline(__always)
    func fold(_ scalar: UInt32, _ body: (UInt32) -> Void) -> Bool {
        let packed: UInt32
        if scalar < 0x10000 {
            packed = bmp[Int(scalar)]
        } else {
            packed = astral[scalar] ?? Self.identity
        }
        if packed == Self.identity { return false }
        let start = Int(packed >> 5)
        for k in start..<(start + Int(packed & 31)) { body(replacements[k]) }
        return true
    }
}
