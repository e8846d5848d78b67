/// One feature that pushed a learned score, as a person reads it: `my channel` (a word pair),
/// `<su` (letters), `links=1` (shape), its contribution to the score's margin, and where in the
/// original text it comes from when that is one place.
public struct ReasonFeature: Sendable, Equatable {
    public var name: String
    /// Weight × value: how far it moved the margin (positive: towards the label).
    public var weight: Double
    public var span: TextSpan?

    public init(name: String, weight: Double, span: TextSpan? = nil) {
        self.name = name
        self.weight = weight
        self.span = span
    }
}
