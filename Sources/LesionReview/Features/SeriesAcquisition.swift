/// What one series of a visit could show: how much of the baseline's brain it covered and how
/// coarse its voxels were, on the grid it was compared on.
///
/// A count of zero is evidence of no activity only from a series that could have shown a lesion:
/// one covering the whole brain at the resolution readers count on. From anything less, zero is
/// unknown (`FeatureParameters.zeroCountLimitation`), and a count above zero only a lower bound
/// (`FeatureParameters.lowerBoundLimitation`), so missing data never lowers urgency.
public struct SeriesAcquisition: Sendable, Equatable {
    /// The file the series' lesions came from.
    public let file: String
    /// The share (0 to 1) of the baseline's brain (of its field of view, without a brain mask on
    /// the grid) inside this file's field of view; 1 on the baseline's own grid.
    public let coverage: Double
    /// The largest voxel side in mm of this file and of the grid it was compared on.
    public let coarsestVoxelMM: Double
    /// The series whose intensities decided which of this file's findings are kept (a Gd+
    /// region is kept when the visit's FLAIR is bright over it), and its largest voxel side in mm;
    /// nil when none did. A coarse one dilutes a small lesion by partial volume, so it limits a
    /// zero like this file's own voxels.
    public let checkFile: String?
    public let checkVoxelMM: Double?

    public init(file: String, coverage: Double, coarsestVoxelMM: Double, checkFile: String? = nil, checkVoxelMM: Double? = nil) {
        self.file = file
        self.coverage = coverage
        self.coarsestVoxelMM = coarsestVoxelMM
        self.checkFile = checkFile
        self.checkVoxelMM = checkVoxelMM
    }
}

/// The series of one visit whose counts the review reads.
public struct VisitAcquisition: Sendable, Equatable {
    /// The T2/FLAIR lesions' series; nil when not recorded (then nothing is limited).
    public var t2: SeriesAcquisition?
    /// The Gd+ lesions' series; nil without a Gd source or when not recorded.
    public var gd: SeriesAcquisition?

    public init(t2: SeriesAcquisition? = nil, gd: SeriesAcquisition? = nil) {
        self.t2 = t2
        self.gd = gd
    }
}

extension FeatureParameters {
    /// Why a zero count from `series` is not evidence of no lesion, or nil when it is: the series
    /// covers less than `zeroCountMinimumCoverage` of the brain, or a voxel side exceeds
    /// `zeroCountMaximumVoxelMM`.
    public func zeroCountLimitation(of series: SeriesAcquisition?) -> String? {
        limits(of: series).map { "none found, but \($0.limits) (\($0.file)): a lesion there could be missed" }
    }

    /// Why a count from `series` is only a lower bound, or nil when it is not: the same limits as
    /// `zeroCountLimitation`, which could hide more lesions than the series shows.
    public func lowerBoundLimitation(of series: SeriesAcquisition?) -> String? {
        limits(of: series).map { "\($0.limits) (\($0.file)): more lesions there could be missed" }
    }

    /// The limits of `series`, joined, and its file's name; nil when it has none.
    private func limits(of series: SeriesAcquisition?) -> (limits: String, file: String)? {
        guard let series else { return nil }
        var limits: [String] = []
        if series.coverage < zeroCountMinimumCoverage {
            limits.append(
                "it covers \(Self.percent(series.coverage)) of the baseline's brain, under features.zero_counts.min_coverage \(Self.percent(zeroCountMinimumCoverage))"
            )
        }
        if series.coarsestVoxelMM > zeroCountMaximumVoxelMM {
            limits.append(
                "its voxels (or the grid it is compared on) are \(Self.millimetres(series.coarsestVoxelMM)) mm thick, over features.zero_counts.max_voxel_mm \(Self.millimetres(zeroCountMaximumVoxelMM))"
            )
        }
        if let check = series.checkFile, let voxel = series.checkVoxelMM, voxel > zeroCountMaximumVoxelMM {
            let name = check.split(separator: "/").last.map(String.init) ?? check
            limits.append(
                "its findings were checked on \(name), whose voxels are \(Self.millimetres(voxel)) mm thick, over features.zero_counts.max_voxel_mm \(Self.millimetres(zeroCountMaximumVoxelMM)) (partial volume there can drop a small lesion)"
            )
        }
        guard !limits.isEmpty else { return nil }
        return (limits.joined(separator: " and "), series.file.split(separator: "/").last.map(String.init) ?? series.file)
    }

    static func percent(_ share: Double) -> String {
        let tenths = (share * 1000).rounded(.down) / 10
        return (tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)) + " %"
    }

    static func millimetres(_ mm: Double) -> String {
        let hundredths = (mm * 100).rounded() / 100
        return hundredths == hundredths.rounded() ? String(Int(hundredths)) : String(hundredths)
    }
}
