/// Orders labels as people read them: runs of digits compare as numbers, so `ses-2` comes
/// before `ses-10`. Other characters compare by Unicode scalar value; a full tie falls back to
/// plain byte order, so the order is total.
public enum NaturalOrder {
    public static func precedes(_ a: String, _ b: String) -> Bool {
        let x = chunks(a), y = chunks(b)
        for (p, q) in zip(x, y) where p != q {
            switch (p, q) {
            case (.number(let m), .number(let n)):
                // Numerically, without overflow: by length once leading zeros are dropped, then
                // digit by digit; equal numbers put fewer leading zeros first.
                let mt = m.drop { $0 == "0" }, nt = n.drop { $0 == "0" }
                if mt.count != nt.count { return mt.count < nt.count }
                if !mt.elementsEqual(nt) { return mt.lexicographicallyPrecedes(nt) }
                return m.count < n.count
            case (.number, .text): return true
            case (.text, .number): return false
            case (.text(let s), .text(let t)): return s.lexicographicallyPrecedes(t)
            }
        }
        if x.count != y.count { return x.count < y.count }
        return Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
    }

    private enum Chunk: Equatable {
        case number([Unicode.Scalar])
        case text([Unicode.Scalar])
    }

    private static func chunks(_ s: String) -> [Chunk] {
        var result: [Chunk] = []
        var current: [Unicode.Scalar] = []
        var inDigits = false
        for scalar in s.unicodeScalars {
            let digit = ("0"..."9").contains(scalar)
            if digit != inDigits && !current.isEmpty {
                result.append(inDigits ? .number(current) : .text(current))
                current = []
            }
            inDigits = digit
            current.append(scalar)
        }
        if !current.isEmpty { result.append(inDigits ? .number(current) : .text(current)) }
        return result
    }
}
