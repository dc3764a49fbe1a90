import Foundation
import LesionBatch
import LesionIO
import LesionStudy
import Testing
import TestSupport

@Suite("lesiontrack slurm and status without a cluster: files written, refusals, shard states")
struct SlurmCommandTests {
    @Test("--dry-run prints the three scripts and writes nothing")
    func dryRun() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = folder + "/out"
        let result = try CommandRunner.run([
            "slurm", Fixtures.path("study"), out, "participant", "--shards", "2", "--mem", "900", "--dry-run",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let headers = result.stdout.split(separator: "\n").filter { $0.hasPrefix("==> ") }
        #expect(headers == ["array.sbatch", "merge.sbatch", "submit.sh"].map { "==> \(out)/slurm/\($0) <==" })
        #expect(result.stdout.contains("\n#SBATCH --array=0-1\n#SBATCH --cpus-per-task=1\n#SBATCH --mem=900\n"))
        // The scripts name the program that wrote them.
        let program = URL(fileURLWithPath: CommandRunner.binary).resolvingSymlinksInPath().path
        #expect(result.stdout.contains("\nexec \(program) run \(Fixtures.path("study")) "))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("without --submit or --dry-run: the scripts, the log folder and one folder per shard, nothing else")
    func writes() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = folder + "/out"
        let result = try CommandRunner.run(["slurm", Fixtures.path("study"), out, "participant", "--shards", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == ["array.sbatch", "merge.sbatch", "submit.sh"].map { "\(out)/slurm/\($0)\n" }.joined())
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: out + "/slurm").sorted() == [
                "array.sbatch", "logs", "merge.sbatch", "shard-1-of-3", "shard-2-of-3", "shard-3-of-3", "submit.sh",
            ])
        // The memory estimate of the example study: sub-02's 32×32×16 baseline and 64×64×32 uint8 visit.
        #expect(try String(contentsOfFile: out + "/slurm/array.sbatch", encoding: .utf8).contains("\n#SBATCH --mem=576\n"))
        let status = try CommandRunner.run(["status", out])
        #expect(status.status == 0)
        #expect(
            status.stdout
                == "shard\tstate\tparticipants\terrors\n1/3\tnot started\t0\t0\n2/3\tnot started\t0\t0\n3/3\tnot started\t0\t0\n\nshard\tparticipant_id\tsession_id\tstage\tfile\tmessage\n"
        )
        let required = try CommandRunner.run(["status", out, "--require-done"])
        #expect(required.status == 1)
        #expect(required.stderr.contains("shards 1/3 (not started), 2/3 (not started), 3/3 (not started) did not complete"))
    }

    @Test("a shard whose folder lock is held is running; one whose run completed is done, and leaves the array")
    func states() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = folder + "/out"
        #expect(try CommandRunner.run(["slurm", study, out, "participant", "--shards", "2"]).status == 0)
        let run = try BatchSupport.run(study, out + "/slurm/shard-1-of-2", ["--shard", "1/2", "--no-report"])
        #expect(run.status <= 1, "\(run.stderr)")
        let fd = open(out + "/slurm/shard-2-of-2/.lesiontrack.lock", O_RDWR | O_CREAT, 0o644)
        #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        let status = try CommandRunner.run(["status", out])
        let participants = (try FileManager.default.contentsOfDirectory(atPath: study)).filter {
            $0.hasPrefix("sub-") && Shard("1/2")!.contains($0)
        }.count
        #expect(status.stdout.hasPrefix("shard\tstate\tparticipants\terrors\n1/2\tdone\t\(participants)\t"))
        #expect(status.stdout.contains("\n2/2\trunning\t0\t0\n"))
        let refused = try CommandRunner.run(["slurm", study, out, "participant", "--shards", "2", "--submit"])
        #expect(refused.status != 0 && refused.stderr.contains("shard 2/2 is running"))
        close(fd)
        let again = try CommandRunner.run(["slurm", study, out, "participant", "--shards", "2", "--dry-run"])
        #expect(again.stdout.contains("\n#SBATCH --array=1\n"))
        let all = try CommandRunner.run(["slurm", study, out, "participant", "--shards", "2", "--all-shards", "--dry-run"])
        #expect(all.stdout.contains("\n#SBATCH --array=0-1\n"))
    }

    @Test(
        "refused: both modes at once, white space on an #SBATCH line, a missing study, the study as output, a status folder with no shards")
    func refusals() throws {
        let study = Fixtures.path("study")
        let both = try CommandRunner.run(["slurm", study, "/tmp/x", "participant", "--shards", "2", "--submit", "--dry-run"])
        #expect(both.status == 64 && both.stderr.contains("--submit and --dry-run exclude each other"))
        let spaced = try CommandRunner.run(["slurm", study, "/tmp/x", "participant", "--shards", "2", "--partition", "a b", "--dry-run"])
        #expect(spaced.status == 64 && spaced.stderr.contains("--partition a b holds white space"))
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missing = try CommandRunner.run([
            "slurm", folder + "/no-study", folder + "/out", "participant", "--shards", "2", "--mem", "900",
        ])
        #expect(missing.status == 65 && missing.stderr == "lesiontrack: \(folder)/no-study: no such folder\n")
        let itself = try CommandRunner.run(["slurm", study, study, "participant", "--shards", "2", "--dry-run"])
        #expect(itself.status == 73 && itself.stderr.contains("is the study folder itself"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
        let status = try CommandRunner.run(["status", folder])
        #expect(status.status == 65 && status.stderr.contains("\(folder): no slurm/ folder here"))
    }

    @Test("the memory estimate reads the example study's headers: sub-02's grids are the largest")
    func memoryEstimate() throws {
        let bytes = try TaskMemory.largestParticipantBytes(
            study: Fixtures.path("study"), pipeline: try PipelineFile.builtIn().pipeline, reader: NIfTIReader())
        #expect(bytes == 80 * 32 * 32 * 16 + 2 * 64 * 64 * 32)
    }
}
