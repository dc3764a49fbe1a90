import Foundation
import LesionIO
import LesionStudy
import Testing
import TestSupport

@Suite("Registration keys of the pipeline file, and elastix's share of the cores")
struct RegistrationSettingsTests {
    func parse(_ yaml: String) throws -> Pipeline {
        try PipelineFile.parse(Array(yaml.utf8), path: "p.yaml").pipeline
    }

    @Test("the default is auto with the documented thresholds; each key is read")
    func keys() throws {
        #expect(Pipeline.standard.registration.mode == .auto)
        #expect(try PipelineFile.load(CommandRunner.repositoryRoot + "/Pipelines/default.yaml").pipeline == .standard)
        let pipeline = try parse(
            """
            registration: rigid
            registration_qc:
              reference_image: "*_T2w"
              images: ["*_T1w"]
              min_correlation: 0.8
              max_mirror_advantage: 0.05
            """)
        #expect(pipeline.registration.mode == .rigid)
        #expect(pipeline.registration.referenceImage.text == "*_T2w")
        #expect(pipeline.registration.images.map(\.text) == ["*_T1w"])
        #expect(pipeline.registration.minimumCorrelation == 0.8)
        #expect(pipeline.registration.maximumMirrorAdvantage == 0.05)
        #expect(try parse("registration: none\n").registration.mode == .none)
        #expect(Pipeline.standard.registration.template == "auto")
        #expect(try parse("registration_qc:\n  template: auto\n").registration.template == "auto")
        #expect(try parse("registration_qc:\n  template: /kits/mni\n").registration.template == "/kits/mni")
        #expect(try parse("registration_qc:\n  template: none\n").registration.template == nil)
        #expect(Pipeline.standard.registration.templateTransform == .bspline)
        #expect(try parse("registration_qc:\n  template_transform: affine\n").registration.templateTransform == .affine)
        #expect(try parse("registration_qc:\n  template_transform: bspline\n").registration.templateTransform == .bspline)
    }

    @Test(
        "bad values are refused with the line",
        arguments: [
            ("registration: sometimes\n", "line 1: registration must be auto, rigid or none, not sometimes"),
            ("registration_qc:\n  min_correlation: 1.5\n", "line 2: registration_qc.min_correlation"),
            ("registration_qc:\n  max_consistency: 1\n", "line 2: "),
            (
                "registration_qc:\n  template_transform: syn\n",
                "line 2: registration_qc.template_transform must be affine or bspline, not syn"
            ),
            ("registration_qc:\n  images: \"*_T1w\"\n", "line 2: registration_qc.images must be a list of patterns"),
        ])
    func refused(yaml: String, message: String) {
        do {
            _ = try parse(yaml)
            Issue.record("accepted: \(yaml)")
        } catch let error as ScanError {
            #expect(error.problem.hasPrefix(message), "\(error.problem)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("jobs × elastix threads never exceed the CPUs the process may run on")
    func threads() {
        let cores = Processors.usable
        for jobs in 1...(2 * cores + 1) {
            let context = RegistrationContext.sharing(jobs: jobs, transformsFolder: nil)
            #expect(context.threads >= 1)
            #expect(jobs * context.threads <= max(cores, jobs))
        }
        #expect(RegistrationContext.sharing(jobs: 1, transformsFolder: nil).threads == cores)
    }
}
