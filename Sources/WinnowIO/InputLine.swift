/// One framed input line: where its bytes sit in the reader's buffer, or the fact that it was
/// longer than the limit (its bytes were dropped without being buffered).
public enum InputLine: Sendable {
    case line(number: Int, bytes: Range<Int>)
    case tooLong(number: Int, atLeast: Int)
}
