import LesionIO
import LesionStudy

/// The memory a cluster task asks for, from the batch's own estimate of a participant's peak.
///
/// Each participant's visits are chosen by the pipeline and their headers read (no voxels); its
/// peak is `BatchContext.peakBytes` of its baseline grid and largest input, the bound the batch
/// reserves before it reads voxels. A task running `jobs` participants at once needs `jobs`
/// times the largest peak of the study, plus `overheadMB` for the program, its runtime and
/// SQLite. Participants whose files cannot be chosen or read are left out here: the run itself
/// reports them as error rows.
public enum TaskMemory {
    /// MiB a task needs beyond its participants' volumes.
    public static let overheadMB = 512

    /// The largest estimated peak, in bytes, of one participant of the study.
    public static func largestParticipantBytes(study: String, pipeline: Pipeline, reader: NIfTIReader) throws(ScanError) -> Int {
        var largest = 0
        for participant in try StudyFolder.participants(of: study) {
            guard let folder = try? PatientFolder.open(FileSystem.join(study, participant), searchDerivatives: pipeline.searchDerivatives),
                let visits = try? VisitInputs.select(folder, pipeline: pipeline), !visits.isEmpty
            else { continue }
            var referenceVoxels = 0, largestInput = 0
            for (n, visit) in visits.enumerated() {
                for file in [visit.t2File, visit.gdFile, visit.preContrastFile, visit.brainMaskFile].compactMap({ $0 }) {
                    guard let header = try? reader.readHeader(file) else { continue }
                    if n == 0 && file == visit.t2File { referenceVoxels = header.grid.voxelCount }
                    largestInput = max(largestInput, header.grid.voxelCount * (header.datatype.bytesPerVoxel ?? 8))
                }
            }
            largest = max(largest, BatchContext.peakBytes(referenceVoxels: referenceVoxels, largestInputBytes: largestInput))
        }
        return largest
    }

    /// The MiB to request for a task of `jobs` participants at once, rounded up to 64 MiB.
    public static func requestMB(largestParticipantBytes: Int, jobs: Int) -> Int {
        let volumesMB = (max(1, jobs) * largestParticipantBytes + (1 << 20) - 1) >> 20
        return (overheadMB + volumesMB + 63) / 64 * 64
    }

    /// The MiB a task's run may reserve for volumes (`lesiontrack run --memory-mb`) out of `requestMB`.
    public static func budgetMB(requestMB: Int) -> Int { max(64, requestMB - overheadMB) }
}
