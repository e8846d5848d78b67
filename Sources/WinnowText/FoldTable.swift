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

    init(rows: String) {
        var bmp = [UInt32](repeating: Self.identity, count: 0x10000)
        var astral: [UInt32: UInt32] = [:]
        var replacements: [UInt32] = []
        replacements.reserveCapacity(16_384)
        for row in rows.utf8.split(separator: UInt8(ascii: "\n")) {
            var fields = row.split(separator: UInt8(ascii: " ")).makeIterator()
            guard let first = fields.next(), let scalar = Self.hex(first) else { continue }
            let offset = UInt32(replacements.count)
            while let field = fields.next() {
                if let value = Self.hex(field) { replacements.append(value) }
            }
            let packed = offset << 5 | (UInt32(replacements.count) - offset)
            if scalar < 0x10000 { bmp[Int(scalar)] = packed } else { astral[scalar] = packed }
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

    private static func hex<C: Collection>(_ bytes: C) -> UInt32? where C.Element == UInt8 {
        var value: UInt32 = 0
        for b in bytes {
            let digit: UInt8
            switch b {
            case 0x30...0x39: digit = b - 0x30
            case 0x41...0x46: digit = b - 0x41 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return bytes.isEmpty ? nil : value
    }
}
