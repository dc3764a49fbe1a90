extension LesionLabelling {
    /// The labelling without the lesions whose reader's length (`ReaderLength`) is under
    /// `floor.minimumReaderLengthMM`; the rest keep their order and are numbered 1…N again.
    ///
    /// A lesion whose centre-to-centre extent already reaches the floor passes, and one whose extent
    /// plus the voxel's largest possible width (the sum of its edge lengths) stays under it fails,
    /// without looking at its voxels; only the others, all small, are measured from their runs.
    /// Both kernels call this last, so they drop the same lesions.
    public func keepingReaderLength(affine: Affine) -> LesionLabelling {
        let minimum = floor.minimumReaderLengthMM
        guard minimum > 0, !lesions.isEmpty else { return self }
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
        guard keep.dropFirst().contains(false) else { return self }
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
