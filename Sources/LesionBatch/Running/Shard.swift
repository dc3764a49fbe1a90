import LesionIO

/// One of N disjoint parts of a study's participants, written `I/N` (1 ≤ I ≤ N).
///
/// A participant belongs to shard `1 + h mod N`, where h is the first 8 bytes (big-endian) of
/// the SHA-256 of its `sub-<id>` label. The assignment depends on the label alone: adding or
/// removing participants never moves another one to a different shard, and the N shards
/// together hold every participant exactly once.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// Parses `I/N`; nil when malformed or out of range.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(i) else { return nil }
        index = i
        count = n
    }

    public var description: String { "\(index)/\(count)" }

    /// True when the participant (`sub-<id>`) belongs to this shard.
    public func contains(_ participantID: String) -> Bool {
        Self.shardIndex(of: participantID, count: count) == index
    }

    /// The shard (1-based) of a participant among `count`.
    public static func shardIndex(of participantID: String, count: Int) -> Int {
        let digest = ContentHash.of(bytes: Array(participantID.utf8))
        let value = UInt64(digest.prefix(16), radix: 16)!
        return Int(value % UInt64(count)) + 1
    }
}
