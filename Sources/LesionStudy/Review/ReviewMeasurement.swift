import LesionIO
import LesionKernels
import LesionLongitudinal
import LesionReview

/// The review's image features of a patient's visits, measured one visit at a time while a
/// longitudinal run holds that visit's lesions, so that reviewing costs no second pass.
///
/// Each visit gets its cortex, grey-matter and ventricle maps placed on the baseline grid
/// (`AnatomyMaps`, chosen when the measurement starts) and its `VisitImageFeatures`. The run calls
/// `observe` through `LongitudinalRun`'s `observe` hook; `review(of:)` then classifies the
/// follow-up visits of that run. `patient` and `explain` measure this way through
/// `PatientReview.patient`, a batch run through its own pass over the participant's visits.
public struct ReviewMeasurement: Sendable {
    public let rules: RulesFile
    public let clinical: ClinicalContext
    private let anatomy: AnatomyMaps
    private var cortexReader: AnatomyMaps.Reader
    private var greyMatterReader: AnatomyMaps.Reader
    private var ventricleReader: AnatomyMaps.Reader
    /// The visits measured so far, in visit order.
    public private(set) var imageFeatures: [VisitImageFeatures] = []
    public private(set) var cortex: [PatientReview.Anatomy?] = []
    public private(set) var greyMatter: [PatientReview.Anatomy?] = []
    public private(set) var ventricles: [PatientReview.Anatomy?] = []
    /// The last visit's T2 lesions and specks, against which the next visit's specks are new.
    private var footprint: BitMask?

    /// Starts measuring the visits of `folder`'s sessions (those the run compares, in visit
    /// order); a session with two files matching one anatomy map's role is refused here.
    public init(_ folder: PatientFolder, clinical: ClinicalContext, rules: RulesFile, reader: NIfTIReader) throws(ScanError) {
        self.rules = rules
        self.clinical = clinical
        anatomy = try AnatomyMaps.select(folder, rules: rules)
        cortexReader = AnatomyMaps.Reader(reader: reader)
        greyMatterReader = AnatomyMaps.Reader(reader: reader)
        ventricleReader = AnatomyMaps.Reader(reader: reader)
    }

    /// Measures visit `n` (0-based) from its lesions on the run's grid.
    public mutating func observe(_ n: Int, _ lesions: VisitLesions, grid: ReferenceGrid) throws(ScanError) {
        let cx = try cortexReader.place(anatomy.cortex[n], on: grid)
        let gm = try greyMatterReader.place(anatomy.greyMatter[n], on: grid)
        let ventricle = try ventricleReader.place(anatomy.ventricles[n], on: grid)
        imageFeatures.append(
            VisitImageFeatures.measure(
                lesions, cortex: cx?.mask, greyMatter: gm?.mask, ventricles: ventricle?.mask, previous: footprint,
                geometry: grid.geometry,
                parameters: rules.ruleSet.features))
        footprint = lesions.t2Specks == nil ? nil : VisitImageFeatures.footprint(lesions)
        cortex.append(cx.map(PatientReview.Anatomy.init))
        greyMatter.append(gm.map(PatientReview.Anatomy.init))
        ventricles.append(ventricle.map(PatientReview.Anatomy.init))
    }

    /// The review of `run`, every visit of which was measured.
    /// `leftOut`: sessions of the patient left out of `run` (a batch run's refused sessions); they
    /// make the patient urgent (`PatientDecision.coveringLeftOut`).
    public func review(of run: LongitudinalRun, leftOut: [String] = []) -> PatientReview {
        precondition(imageFeatures.count == run.visits.count, "every visit of the run is measured")
        return PatientReview(
            run: run, rules: rules, clinical: clinical, imageFeatures: imageFeatures, cortex: cortex, greyMatter: greyMatter,
            ventricles: ventricles, leftOut: leftOut)
    }
}
