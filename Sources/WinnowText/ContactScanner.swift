/// Finds the ways of being reached that spam carries besides links: email addresses
/// (`name@site.tld`) and phone numbers (`+1 (555) 123-4567`, `0712 345 678`, `+79161234567`).
/// They weigh as a sign of spam where links and mentions do (`flood` needs fewer authors and
/// fewer uncommon words for a campaign that carries one). Run only on texts whose `TextStats`
/// show an `@` inside a word or nine digits (`mayHoldContact`); plain loops over ASCII bytes.
public enum ContactScanner {
    /// Digits a phone number has at least (a local number with its area code); at most 15 (E.164).
    public static let fewestPhoneDigits = 9
    public static let mostPhoneDigits = 15

    /// Whether `text` (UTF-8) holds an email address or a phone number.
    public static func holdsContact(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        count(text, upTo: 1) > 0
    }

    /// The email addresses and phone numbers in `text`, counted up to `limit`.
    public static func count(_ text: UnsafeBufferPointer<UInt8>, upTo limit: Int = .max) -> Int {
        var found = 0
        var k = 0
        let n = text.count
        while k < n && found < limit {
            let c = text[k]
            if c == 0x40, let end = emailEnd(text, at: k) {
                found += 1
                k = end
            } else if (isDigit(c) || c == 0x2B || c == 0x28) && (k == 0 || !isWordByte(text[k - 1])),
                let end = phoneEnd(text, from: k)
            {
                found += 1
                k = end
            } else {
                k += 1
            }
        }
        return found
    }

    /// The end of the email address whose `@` is at `at`: a local part of at least one byte
    /// before it (letters, digits, `.`, `_`, `%`, `+`, `-`), and a domain after it of two labels
    /// or more, the last of two letters or more.
    static func emailEnd(_ text: UnsafeBufferPointer<UInt8>, at: Int) -> Int? {
        guard at > 0, isLocalByte(text[at - 1]) else { return nil }
        var k = at + 1
        var labels = 0, lastLabelLetters = 0, lastLabelLength = 0
        while k < text.count {
            let c = text[k]
            if isLetter(c) || isDigit(c) || c == 0x2D {
                lastLabelLength += 1
                lastLabelLetters = isLetter(c) ? lastLabelLetters + 1 : -100
            } else if c == 0x2E && lastLabelLength > 0 && k + 1 < text.count && isLabelByte(text[k + 1]) {
                labels += 1
                lastLabelLength = 0
                lastLabelLetters = 0
            } else {
                break
            }
            k += 1
        }
        return labels >= 1 && lastLabelLength >= 2 && lastLabelLetters == lastLabelLength ? k : nil
    }

    /// The end of the phone number starting at `from` (a digit, `+` or `(`): digits in groups
    /// split by one space, `-`, `.` or brackets (`) ` counts as one split), 9 to 15 digits, not
    /// followed by a letter or a digit, and no digit six times in a row (`1000000000 views`).
    static func phoneEnd(_ text: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var k = from
        if text[k] == 0x2B { k += 1 }
        var digits = 0, splits = 0, sameRun = 0, previousDigit: UInt8 = 0xFF, end = k
        while k < text.count {
            let c = text[k]
            if isDigit(c) {
                digits += 1
                sameRun = c == previousDigit ? sameRun + 1 : 1
                if sameRun >= 6 || digits > mostPhoneDigits { return nil }
                previousDigit = c
                splits = 0
                end = k + 1
            } else if c == 0x20 || c == 0x2D || c == 0x2E || c == 0x28 || c == 0x29 {
                splits += 1
                if splits > 2 || (splits == 2 && !(text[k - 1] == 0x29 || c == 0x28)) { break }
            } else {
                break
            }
            k += 1
        }
        guard digits >= fewestPhoneDigits else { return nil }
        if end < text.count && isWordByte(text[end]) { return nil }
        return end
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isLabelByte(_ c: UInt8) -> Bool { isLetter(c) || isDigit(c) }
    @inline(__always) static func isWordByte(_ c: UInt8) -> Bool { isLetter(c) || isDigit(c) || c == 0x5F }
    @inline(__always) static func isLocalByte(_ c: UInt8) -> Bool {
        isLetter(c) || isDigit(c) || c == 0x2E || c == 0x5F || c == 0x25 || c == 0x2B || c == 0x2D
    }
}
