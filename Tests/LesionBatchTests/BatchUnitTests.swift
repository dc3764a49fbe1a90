import LesionBatch
import LesionStudy
import Testing
import TestSupport

@Suite("Batch building blocks")
struct BatchUnitTests {
    @Test(
        "SHA-256 fed in pieces equals the digest of the whole, however the bytes are split",
        arguments: [0, 1, 55, 56, 63, 64, 65, 1000, 70_000])
    func contentHash(length: Int) {
        var generator = SeededGenerator(seed: UInt64(length) + 1)
        let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let expected = SHA256.hex(bytes)
        #expect(ContentHash.of(bytes: bytes) == expected)
        for split in [1, 7, 64, 100] where split <= max(1, length) {
            var hash = SHA256()
            var start = 0
            while start < length {
                let end = min(length, start + split)
                bytes[start..<end].withUnsafeBufferPointer { hash.update($0) }
                start = end
            }
            #expect(hash.hexDigest() == expected, "split \(split)")
        }
    }

    @Test("known digests: empty and abc")
    func knownDigests() {
        #expect(ContentHash.of(bytes: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ContentHash.of(bytes: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("shards: every participant in exactly one, stable whatever else is in the study")
    func shards() {
        let participants = (1...500).map { "sub-\($0)" }
        for count in [1, 2, 3, 7] {
            let shards = (1...count).map { Shard("\($0)/\(count)")! }
            for id in participants { #expect(shards.filter { $0.contains(id) }.count == 1) }
            let sizes = shards.map { shard in participants.filter(shard.contains).count }
            #expect(sizes.allSatisfy { $0 > 500 / count / 2 }, "\(sizes)")
        }
        #expect(Shard("0/3") == nil && Shard("4/3") == nil && Shard("1/0") == nil && Shard("a/b") == nil && Shard("1/3") != nil)
    }
}
