import Crypto

/// SHA-256 in lower-case hex: names a configuration by its content, and stands in for a
/// comment's text with `--audit-text hash` (identical texts share a hash; the text cannot be
/// read back, though a short one can be guessed by hashing candidates).
public enum ContentHash {
    public static func sha256<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        hex(SHA256.hash(data: Array(bytes)))
    }

    public static func sha256(_ text: String) -> String {
        var text = text
        return text.withUTF8 { hex(SHA256.hash(data: $0)) }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    private static func hex(_ digest: SHA256.Digest) -> String {
        String(unsafeUninitializedCapacity: SHA256.byteCount * 2) { out in
            var k = 0
            for byte in digest {
                out[k] = digits[Int(byte >> 4)]
                out[k + 1] = digits[Int(byte & 0xF)]
                k += 2
            }
            return k
        }
    }
}
