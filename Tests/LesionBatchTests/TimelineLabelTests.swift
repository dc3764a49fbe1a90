import Testing

@testable import LesionBatch

@Suite("Timeline labels")
struct TimelineLabelTests {
    @Test("without acquisition times the timeline labels the sessions visit 1, visit 2, … as every output numbers them")
    func visitNumbers() {
        let visits = ["ses-01", "ses-02"].enumerated().map { n, session in
            PatientReportData.Visit(
                visit: n + 1, sessionID: session, acquisitionTime: nil, t2Lesions: 3, t2VolumeMM3: 24, newT2: n == 0 ? nil : 0,
                enlargingT2: n == 0 ? nil : 0, newOrEnlargingT2: n == 0 ? nil : 0, confluentT2: nil, recurrentT2: nil,
                gdLesions: nil, t2File: "sub-01/\(session)/anat/t2.nii.gz")
        }
        let svg = TimelineSVG(visits: visits, therapy: []).svg
        #expect(svg.contains(">visit 1</text>") && svg.contains(">visit 2</text>") && !svg.contains(">visit 3</text>"))
    }
}
