import Foundation
@testable import LesionIO
import Testing
import TestSupport

/// `NumberText` appends exactly the text of `JSON.number`, which is `Double.description` apart
/// from integers and non-finite values.
@Suite("Numbers appended as bytes")
struct NumberTextTests {
    static func text(_ x: Double) -> String {
        var bytes: [UInt8] = []
        NumberText.appendJSON(x, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func mismatches(_ values: [Double]) -> [String] {
        values.compactMap { x in
            let ours = text(x)
            return ours == JSON.number(x) ? nil : "\(x.bitPattern): \(ours) against \(JSON.number(x))"
        }
    }

    @Test("values written down")
    func written() {
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (1, "1"), (-42, "-42"), (0.1, "0.1"), (-0.30067015669615665, "-0.30067015669615665"),
            (123.456, "123.456"), (0.0001, "0.0001"), (0.00012, "0.00012"), (1e-5, "1e-05"), (2.5e-7, "2.5e-07"),
            (999_999_999_999_999, "999999999999999"), (1e15, "1000000000000000.0"), (123_456_789_012.375, "123456789012.375"),
            (1.0 / 3, "0.3333333333333333"), (2.0 / 3, "0.6666666666666666"), (.nan, "null"), (.infinity, "null"),
            (-.infinity, "null"), (Double(Float(0.8123457)), "0.8123456835746765"),
        ]
        for (x, expected) in cases { #expect(Self.text(x) == expected, "\(x)") }
    }

    @Test("integers", arguments: [Int64.min, -1_000_000_007, -1, 0, 9, 10, 99, 100, 65535, Int64.max])
    func integers(n: Int64) {
        var bytes: [UInt8] = []
        NumberText.append(n, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == String(n))
    }

    @Test("random values of every kind read as description prints them", arguments: 0..<6)
    func random(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(40 + seed))
        var values: [Double] = []
        for _ in 0..<2_000 {
            // Any bit pattern; the fast path's range; lesion-like figures; decimals with their
            // neighbours; and binary fractions, whose exact decimals end in 5 (ties).
            values.append(Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &rng)))
            values.append(Double.random(in: -300...300, using: &rng))
            values.append(pow(10, Double.random(in: -5...16, using: &rng)) * (Bool.random(using: &rng) ? 1 : -1))
            let decimal =
                Double(Int64.random(in: 1...99_999_999_999_999_999, using: &rng)) / pow(10, Double(Int.random(in: 1...17, using: &rng)))
            values += [decimal, decimal.nextUp, decimal.nextDown]
            values.append(Double(Int64.random(in: 1...(1 << 53), using: &rng)) * pow(2, -Double(Int.random(in: 1...60, using: &rng))))
        }
        let wrong = Self.mismatches(values)
        #expect(wrong.isEmpty, "\(wrong.count) differ, first \(wrong.prefix(5))")
    }

    @Test("powers of two and ten and their neighbours")
    func edges() {
        var values: [Double] = [1e-4, 1e15, 0.5, 0.25, 0.125]
        for e in -20...60 { values.append(pow(2, Double(e))) }
        for e in -6...16 { values.append(pow(10, Double(e))) }
        values += values.flatMap { [$0.nextUp, $0.nextDown, $0 * 1.5, -$0] }
        let wrong = Self.mismatches(values)
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }
}
