import Dispatch

extension GridPlacement {
    /// ``trilinear(_:outside:)`` reading a volume's stored values directly, each scaled by
    /// `scaling` as it is read: the same result bit for bit (the same products, sums and skipped
    /// zero weights, in the same order), without a closure call per neighbour.
    ///
    /// A scan's file on a reference grid is resampled this way: the FLAIR, T1w and post-contrast
    /// T1w of a raw visit on a 1 mm grid are some 33 million target voxels. `threads` share the
    /// target slices; each voxel depends on its own position only, so the result is the same for
    /// any number.
    ///
    /// With `within`, only the target voxels in that box (of target indices) are resampled, each
    /// as on the whole grid, bit for bit; the others are `outside`.
    @_specialize(where T == UInt8) @_specialize(where T == Int8) @_specialize(where T == UInt16)
    @_specialize(where T == Int16) @_specialize(where T == UInt32) @_specialize(where T == Int32)
    @_specialize(where T == UInt64) @_specialize(where T == Int64) @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func trilinear<T: ScanScalar>(
        stored: UnsafeBufferPointer<T>, scaling: IntensityScaling, outside: Double = .nan, threads: Int = 1,
        within: VoxelBox? = nil
    ) -> Volume<Double> {
        let s = source.size
        precondition(stored.count == s.voxelCount, "the stored values are not the source grid's")
        let (nx, ny) = (s.nx, s.ny)
        let plane = nx * ny
        let (lastI, lastJ, lastK) = (Double(s.nx - 1), Double(s.ny - 1), Double(s.nz - 1))
        let (lowestI, lowestJ, lowestK) = (max(0, s.nx - 2), max(0, s.ny - 2), max(0, s.nz - 2))
        let (endI, endJ, endK) = (Double(s.nx) - 0.5, Double(s.ny) - 0.5, Double(s.nz) - 0.5)
        let (slope, intercept) = (scaling.slope, scaling.intercept)
        let base = stored.baseAddress!
        // `corner` of `trilinear(_:outside:)`: the lower index, the upper and the fraction.
        @inline(__always) func corner(_ x: Double, _ last: Double, _ lowest: Int) -> (Int, Int, Double) {
            let clamped = min(max(x, 0), last)
            // `Int(_:)` truncates, which is `rounded(.down)` here (clamped ≥ 0) without a call to floor.
            let low = min(Int(clamped), lowest)
            return (low, min(low + 1, Int(last)), clamped - Double(low))
        }
        @inline(__always) func interpolate(_ u0: Double, _ u1: Double, _ u2: Double, _ value: (Int) -> Double) -> Double {
            guard u0 >= -0.5, u0 < endI, u1 >= -0.5, u1 < endJ, u2 >= -0.5, u2 < endK else { return outside }
            let (i0, i1, fi) = corner(u0, lastI, lowestI)
            let (j0, j1, fj) = corner(u1, lastJ, lowestJ)
            let (k0, k1, fk) = corner(u2, lastK, lowestK)
            @inline(__always) func along(_ row: Int) -> Double {
                let low = fi == 1 ? 0 : (1 - fi) * value(row + i0)
                let high = fi == 0 ? 0 : fi * value(row + i1)
                return low + high
            }
            @inline(__always) func across(_ k: Int) -> Double {
                let low = fj == 1 ? 0 : (1 - fj) * along(nx * j0 + plane * k)
                let high = fj == 0 ? 0 : fj * along(nx * j1 + plane * k)
                return low + high
            }
            return (fk == 1 ? 0 : (1 - fk) * across(k0)) + (fk == 0 ? 0 : fk * across(k1))
        }
        // One loop per case of `IntensityScaling.apply`, so its test is not made per value.
        if scaling.isIdentity {
            return rows(threads: threads, within: within, outside: outside) { u0, u1, u2 in
                interpolate(u0, u1, u2) { base[$0].doubleValue }
            }
        }
        return rows(threads: threads, within: within, outside: outside) { u0, u1, u2 in
            interpolate(u0, u1, u2) { base[$0].doubleValue * slope + intercept }
        }
    }

    /// ``nearest(_:outside:)`` reading a volume's stored values directly, each scaled by
    /// `scaling`: the same result bit for bit, for any number of `threads`.
    @_specialize(where T == UInt8) @_specialize(where T == Int8) @_specialize(where T == UInt16)
    @_specialize(where T == Int16) @_specialize(where T == UInt32) @_specialize(where T == Int32)
    @_specialize(where T == UInt64) @_specialize(where T == Int64) @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func nearest<T: ScanScalar>(
        stored: UnsafeBufferPointer<T>, scaling: IntensityScaling, outside: Double, threads: Int = 1
    ) -> Volume<Double> {
        let s = source.size
        precondition(stored.count == s.voxelCount, "the stored values are not the source grid's")
        let (nx, plane) = (s.nx, s.nx * s.ny)
        let (endI, endJ, endK) = (Double(s.nx) - 0.5, Double(s.ny) - 0.5, Double(s.nz) - 0.5)
        let (slope, intercept) = (scaling.slope, scaling.intercept)
        let base = stored.baseAddress!
        // `sourceVoxel`'s cell: the voxel whose centre is nearest, the upper edge excluded. The
        // position is at least -0.5, so truncating is rounding down, without a call to floor.
        @inline(__always) func cell(_ x: Double, _ n: Int) -> Int { min(n - 1, Int(x + 0.5)) }
        @inline(__always) func offset(_ u0: Double, _ u1: Double, _ u2: Double) -> Int? {
            guard u0 >= -0.5, u0 < endI, u1 >= -0.5, u1 < endJ, u2 >= -0.5, u2 < endK else { return nil }
            return cell(u0, s.nx) + nx * cell(u1, s.ny) + plane * cell(u2, s.nz)
        }
        if scaling.isIdentity {
            return rows(threads: threads) { u0, u1, u2 in offset(u0, u1, u2).map { base[$0].doubleValue } ?? outside }
        }
        return rows(threads: threads) { u0, u1, u2 in
            offset(u0, u1, u2).map { base[$0].doubleValue * slope + intercept } ?? outside
        }
    }

    /// A volume on the target grid whose voxels are `body` of their continuous source index, visited in
    /// storage order by `forEachTargetVoxel`, in `threads` runs of whole slices side by side; with
    /// `within`, only the voxels in that box (clamped to the grid), the others `outside`.
    @inline(__always)
    private func rows(
        threads: Int, within: VoxelBox? = nil, outside: Double = .nan, _ body: (Double, Double, Double) -> Double
    ) -> Volume<Double> {
        let size = target.size
        func span(_ low: Int, _ high: Int, _ n: Int) -> Range<Int> { max(0, min(low, n))..<max(0, min(high + 1, n)) }
        let (slices, rows, columns) =
            within.map { b in
                (span(b.lower.k, b.upper.k, size.nz), span(b.lower.j, b.upper.j, size.ny), span(b.lower.i, b.upper.i, size.nx))
            } ?? (0..<size.nz, 0..<size.ny, 0..<size.nx)
        let whole = slices.count == size.nz && rows.count == size.ny && columns.count == size.nx
        let parts = max(1, min(threads, slices.count))
        let voxels = [Double](uninitializedCapacity: size.voxelCount) { out, initialized in
            if !whole { out.initialize(repeating: outside) }
            nonisolated(unsafe) let out = out
            // Not escaping: `concurrentPerform` returns when every part is done.
            withoutActuallyEscaping(body) { body in
                nonisolated(unsafe) let body = body
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    let first = slices.lowerBound
                    let part = (first + slices.count * part / parts)..<(first + slices.count * (part + 1) / parts)
                    forEachTargetVoxel(slices: part, rows: rows, columns: columns) { offset, u in out[offset] = body(u.i, u.j, u.k) }
                }
            }
            initialized = size.voxelCount
        }
        return Volume(size: size, voxels: voxels)
    }
}
