import Testing

@testable import WinnowText

/// The fold table is read from its text rows at every start-up, in one pass over the bytes;
/// the reference reads them as the table once did, split into rows and fields.
@Suite("The fold table read in one pass")
struct FoldTableTests {
    /// Scalar → what it folds to (empty: removed), split row by row and field by field.
    static func referenceRows(_ rows: String) -> [UInt32: [UInt32]] {
        func hex(_ bytes: Substring.UTF8View.SubSequence) -> UInt32? {
            var value: UInt32 = 0
            for b in bytes {
                switch b {
                case 0x30...0x39: value = value << 4 | UInt32(b - 0x30)
                case 0x41...0x46: value = value << 4 | UInt32(b - 0x41 + 10)
                default: return nil
                }
            }
            return bytes.isEmpty ? nil : value
        }
        var table: [UInt32: [UInt32]] = [:]
        for row in rows.utf8.split(separator: UInt8(ascii: "\n")) {
            var fields = row.split(separator: UInt8(ascii: " ")).makeIterator()
            guard let first = fields.next(), let scalar = hex(first) else { continue }
            var replacement: [UInt32] = []
            while let field = fields.next() {
                if let value = hex(field) { replacement.append(value) }
            }
            table[scalar] = replacement
        }
        return table
    }

    /// What `table` folds `scalar` to; nil when it folds to itself.
    static func folded(_ scalar: UInt32, by table: FoldTable) -> [UInt32]? {
        var out: [UInt32] = []
        return table.fold(scalar) { out.append($0) } ? out : nil
    }

    @Test("the bundled rows: every scalar of Unicode folds as the reference reads it")
    func bundledRows() {
        let reference = Self.referenceRows(foldTableRows)
        #expect(reference.count == 9645)
        let table = FoldTable(rows: foldTableRows)
        var differing = 0
        for scalar in UInt32(0)..<0x11_0000 where Self.folded(scalar, by: table) != reference[scalar] {
            differing += 1
        }
        #expect(differing == 0)
        // Rows read by hand: a removed scalar, one folded to three, one to one; ASCII is not in it.
        #expect(Self.folded(0xAD, by: table) == [])
        #expect(Self.folded(0xBC, by: table) == [0x31, 0x2F, 0x34])
        #expect(Self.folded(0xC0, by: table) == [0x61])  // À
        #expect(Self.folded(0x61, by: table) == nil)
    }

    @Test("odd rows: spaces doubled, a first field not hex, a later one not hex, no newline at the end")
    func oddRows() {
        let rows = "41  61\nzz 62\n42 6X 63\n\n 43 64 65\n1F600\n44 66"
        let table = FoldTable(rows: rows)
        let reference = Self.referenceRows(rows)
        #expect(reference == [0x41: [0x61], 0x42: [0x63], 0x43: [0x64, 0x65], 0x1F600: [], 0x44: [0x66]])
        for scalar: UInt32 in [0x41, 0x42, 0x43, 0x44, 0x45, 0x1F600, 0x1F601, 0x7A] {
            #expect(Self.folded(scalar, by: table) == reference[scalar], "\(scalar)")
        }
    }
}
