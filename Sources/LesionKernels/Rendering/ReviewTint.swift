/// The colour a lesion is tinted with in review images, by its ledger state at the visit shown.
public enum ReviewTint: Int32, Sendable, CaseIterable {
    // Raw values are the codes the mosaic draws through the slice renderer: keep them below 256.
    /// First seen at this visit.
    case new = 1
    /// Grown beyond the enlarging rule since the previous visit.
    case enlarging = 2
    /// Present before and neither new nor enlarging.
    case stable = 3
    /// Any other state (merged, split, shrinking, …).
    case other = 4
    /// Present at the first visit, which has nothing to compare with.
    case baseline = 5
    /// A Gd+ lesion with no T2 lesion under it at this visit (not in the ledger, which follows T2
    /// lesions); always drawn as enhancing.
    case gdOnly = 6

    /// Added to a tint code when the lesion enhances (is Gd+) at the visit shown: review images
    /// then outline it in `enhancingColour` over its state's tint. Codes stay below 256.
    public static let enhancingFlag: Int32 = 64

    /// The outline colour of enhancing lesions, apart from every state's colour and from grey.
    public static let enhancingColour: (r: UInt8, g: UInt8, b: UInt8) = (255, 230, 0)

    /// `enhancingColour` as CSS `#rrggbb`.
    public static let enhancingHex = "#ffe600"

    /// The code drawn for a lesion in `state`, with `enhancingFlag` when it enhances.
    public static func code(state: String, enhancing: Bool) -> Int32 {
        ReviewTint(state: state).rawValue | (enhancing ? enhancingFlag : 0)
    }

    /// The state of a drawn code (`enhancingFlag` ignored); nil for 0 and unknown codes.
    public init?(code: Int32) {
        self.init(rawValue: code & ~Self.enhancingFlag)
    }

    /// Whether a drawn code marks an enhancing lesion.
    public static func isEnhancing(_ code: Int32) -> Bool { code & enhancingFlag != 0 }

    /// The tint for a ledger state name (`baseline`, `new`, `enlarging`, `stable`; anything else is `other`).
    public init(state: String) {
        switch state {
        case "new": self = .new
        case "enlarging": self = .enlarging
        case "stable": self = .stable
        case "baseline": self = .baseline
        default: self = .other
        }
    }

    /// The name shown in legends.
    public var name: String {
        switch self {
        case .new: "new"
        case .enlarging: "enlarging"
        case .stable: "stable"
        case .other: "other (shrinking, merged, split)"
        case .baseline: "baseline"
        case .gdOnly: "Gd+ only (no T2 lesion)"
        }
    }

    /// The tint colour, chosen to stay apart from each other and from grey.
    public var colour: (r: UInt8, g: UInt8, b: UInt8) {
        switch self {
        case .new: (230, 25, 75)
        case .enlarging: (255, 140, 0)
        case .stable: (0, 130, 200)
        case .other: (60, 180, 75)
        case .baseline: (145, 30, 180)
        case .gdOnly: (70, 240, 240)
        }
    }

    /// The colour as CSS `#rrggbb`.
    public var hex: String {
        let c = colour
        return "#"
            + [c.r, c.g, c.b].map { byte in
                let text = String(byte, radix: 16)
                return text.count == 1 ? "0" + text : text
            }.joined()
    }
}
