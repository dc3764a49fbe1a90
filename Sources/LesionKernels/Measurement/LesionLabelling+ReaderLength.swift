extension LesionLabelling {
    /// Whether each label (index label; 0 unused) reaches `minimum`; nil when every lesion does
    /// because the floor is off or there is no lesion.
    private func readerLengthKeeps(_ minimum: Double, affine: Affine) -> [Bool]? {
        guard minimum > 0, !lesions.isEmpty else { return nil }
        let m = affine.rows
        var widest = 0.0
        for c in 0..<3 {
            let edge = SIMD3(m[0][c], m[1][c], m[2][c])
            widest += (edge * edge).sum().squareRoot()
        }
        var keep = [Bool](repeating: true, count: lesions.count + 1)
        var undecided = [Bool](repeating: false, count: lesions.count + 1)
        var anyUndecided = false
        for lesion in lesions where !ReaderLength.passes(lesion.largestExtentMM, floor: minimum) {
            if ReaderLength.passes(lesion.largestExtentMM + widest, floor: minimum) {
                undecided[lesion.label] = true
                anyUndecided = true
            } else {
                keep[lesion.label] = false
            }
        }
        if anyUndecided {
            var voxels = [[VoxelIndex]](repeating: [], count: lesions.count + 1)
            for row in 0..<(size.ny * size.nz) {
                let j = row % size.ny, k = row / size.ny
                for n in runs.rowBegin[row]..<runs.rowBegin[row + 1] where undecided[Int(runs.labels[n])] {
                    for i in Int(runs.starts[n])...Int(runs.ends[n]) { voxels[Int(runs.labels[n])].append(VoxelIndex(i, j, k)) }
                }
            }
            for label in keep.indices where undecided[label] {
                keep[label] = ReaderLength.passes(ReaderLength.of(voxels[label], affine: affine), floor: minimum)
            }
        }
        return keep
    }

    /// The labelling without the lesions whose reader's length (`ReaderLength`) is under
    /// `floor.minimumReaderLengthMM`; the rest keep their order and are numbered 1…N again.
    ///
    /// A lesion whose centre-to-centre extent already reaches the floor passes, and one whose extent
    /// plus the voxel's largest possible width (the sum of its edge lengths) stays under it fails,
    /// without looking at its voxels; only the others, all small, are measured from their runs.
    /// Both kernels call this last, so they drop the same lesions.
    public func keepingReaderLength(affine: Affine) -> LesionLabelling {
        guard let keep = readerLengthKeeps(floor.minimumReaderLengthMM, affine: affine), keep.dropFirst().contains(false) else {
            return self
        }
        return selecting(keep)
    }

    /// The lesions `keepingReaderLength` drops — reader's length under `minimum` — alone and
    /// numbered 1…M in their order: the specks a reader does not count, which the review still
    /// looks at as punctate foci. Its runs carry 0 for every other lesion; its lesions did not
    /// pass the floor, so it does not meet `LesionLabelling`'s invariants.
    public func underReaderLength(_ minimum: Double, affine: Affine) -> LesionLabelling {
        let keep = readerLengthKeeps(minimum, affine: affine) ?? [Bool](repeating: true, count: lesions.count + 1)
        return selecting(keep.map { !$0 })
    }

    /// The lesions whose `keep[label]` is true, renumbered 1…N in their order.
    private func selecting(_ keep: [Bool]) -> LesionLabelling {
        var remap = [Int32](repeating: 0, count: lesions.count + 1)
        var kept: [Lesion] = []
        for lesion in lesions where keep[lesion.label] {
            var renumbered = lesion
            renumbered.label = kept.count + 1
            remap[lesion.label] = Int32(renumbered.label)
            kept.append(renumbered)
        }
        var relabelled = runs
        relabelled.labels = runs.labels.map { remap[Int($0)] }
        return LesionLabelling(
            runs: relabelled, lesions: kept, foregroundVoxels: foregroundVoxels, componentsBeforeFloor: componentsBeforeFloor,
            connectivity: connectivity, floor: floor)
    }
}
