/// A lesion's identity in a patient's ledger, kept from visit to visit while the lesion continues.
///
/// Baseline lesions are 1…N in label order; every lesion that appears later (new, or a fragment
/// of a split) takes the next unused number, so an ID is never reused within a patient.
public struct LesionID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: Int

    public init(_ value: Int) { self.value = value }

    public static func < (a: LesionID, b: LesionID) -> Bool { a.value < b.value }

    public var description: String { String(value) }
}
