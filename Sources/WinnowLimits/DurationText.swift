/// Durations as people write them in flags and the policy file: `500ms`, `10s`, `5m`, `2h`,
/// `1d`, or a bare number of seconds (`1.5`).
public enum DurationText {
    /// `nil` when `text` is not a duration, or is longer than `Micros.longestDuration` (100
    /// years: the window arithmetic stays exact and cannot overflow).
    public static func parse(_ text: String) -> Micros? {
        let units: [(String, Double)] = [("ms", 1e3), ("s", 1e6), ("m", 60e6), ("h", 3600e6), ("d", 86400e6)]
        var number = Substring(text)
        var scale = 1e6
        for (suffix, value) in units where text.hasSuffix(suffix) {
            number = text.dropLast(suffix.count)
            scale = value
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0, value * scale <= Double(Micros.longestDuration)
        else { return nil }
        return Micros((value * scale).rounded())
    }

    /// The shortest way to write `micros` with one unit: `10s`, `5m`, `250ms`.
    public static func describe(_ micros: Micros) -> String {
        for (suffix, value) in [
            ("d", 86_400_000_000), ("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000), ("ms", 1000),
        ]
        where micros >= value && micros % Micros(value) == 0 {
            return "\(micros / Micros(value))\(suffix)"
        }
        if micros == 0 { return "0s" }
        let millis = (Double(micros) / 1000).rounded()
        return millis >= 1000 || millis == 0 ? "\(Double(micros) / 1e6)s" : "\(Int(millis))ms"
    }
}
