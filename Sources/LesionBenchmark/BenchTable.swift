import LesionKernels

/// The benchmark's printed table and JSON.
public enum BenchTable {
    public static let header =
        pad("volume", 10) + pad("conn", 5) + pad("step", 52) + lpad("median ms", 11)
        + lpad("MVx/s", 9) + lpad("× ref", 8) + "  note"

    public static func line(_ row: KernelBenchmark.Row) -> String {
        pad(row.volume, 10) + pad(row.connectivity.map(String.init) ?? "-", 5) + pad(row.step, 52)
            + lpad(number(row.medianMS), 11) + lpad(number(row.megavoxelsPerSecond), 9)
            + lpad(row.speedup.map { number($0) } ?? "-", 8) + "  " + row.note
    }

    public static func number(_ x: Double) -> String {
        let digits = x >= 100 ? 0 : x >= 10 ? 1 : 2
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (x * scale).rounded() / scale
        if digits == 0 { return String(Int(rounded)) }
        var text = String(rounded)
        let decimals = text.split(separator: ".").last?.count ?? 0
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
        return text
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
    static func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s }

    static func quote(_ s: String) -> String {
        "\"" + s.replacingQuotes() + "\""
    }

    public static func json(
        results: [(String, GridSize, KernelBenchmark.Result)], machine: MachineInfo, options: KernelBenchmark.Options
    ) -> String {
        var out = "{\n  \"machine\": \(quote(machine.summary)),\n  \"cores\": \(machine.cores),\n"
        out += "  \"repetitions\": \(options.repetitions),\n  \"reference_repetitions\": \(options.referenceRepetitions),\n"
        out += "  \"threads\": \(options.threads),\n  \"volumes\": [\n"
        out += results.map { name, size, result in
            var v = "    {\"name\": \(quote(name)), \"dims\": [\(size.nx), \(size.ny), \(size.nz)], "
            v += "\"disagreements\": [" + result.disagreements.map(quote).joined(separator: ", ") + "],\n     \"rows\": [\n"
            v += result.rows.map { row in
                "       {\"connectivity\": \(row.connectivity.map(String.init) ?? "null"), \"step\": \(quote(row.step)), "
                    + "\"median_ms\": \(row.medianMS), \"mvox_per_s\": \(row.megavoxelsPerSecond), "
                    + "\"speedup_vs_reference\": \(row.speedup.map { "\($0)" } ?? "null"), \"note\": \(quote(row.note))}"
            }.joined(separator: ",\n")
            return v + "\n     ]}"
        }.joined(separator: ",\n")
        return out + "\n  ]\n}\n"
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        var out = ""
        for c in self {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.append(c)
            }
        }
        return out
    }
}
