import LesionIO

/// The files of one visit and the pipeline source each is read by.
public struct VisitInputs: Sendable {
    /// `ses-<label>`; nil for a pair given on the command line.
    public let session: String?
    public let acquisitionTime: String?
    public let t2File: String
    public let t2Source: LesionSource
    public let gdFile: String?
    public let gdSource: LesionSource?
    /// The pre-contrast image of an image Gd source, when the session has one.
    public let preContrastFile: String?
    public let brainMaskFile: String?
    /// The session's T1w for a `lesion-growth` T2 source, when it has one.
    public var t1File: String?
    /// The session's images that registration uses: its reference series (`registration_qc.reference_image`)
    /// and its other series (`registration_qc.images`); empty for a pair given as files.
    public var registrationImages = RegistrationImages()

    public init(
        session: String?, acquisitionTime: String?, t2File: String, t2Source: LesionSource, gdFile: String?,
        gdSource: LesionSource?, preContrastFile: String?, brainMaskFile: String?, templateBrainMask: Bool = false
    ) throws(ScanError) {
        self.session = session
        self.acquisitionTime = acquisitionTime
        self.t2File = t2File
        self.t2Source = t2Source
        self.gdFile = gdFile
        self.gdSource = gdSource
        self.preContrastFile = preContrastFile
        self.brainMaskFile = brainMaskFile
        for (file, source) in [(t2File, t2Source), (gdFile, gdSource)] where source?.kind.needsAnatomy == true && !templateBrainMask {
            throw ScanError(
                file!,
                "kind \(source!.kind.rawValue) needs the patient's anatomy (white matter, cortex, ventricles) from the template kit, and registration_qc.template is none: set it to auto (the kit .ci/install-template builds) or a kit's folder"
            )
        }
        for (file, source) in [(t2File, t2Source), (gdFile, gdSource)]
        where source?.kind == .image && brainMaskFile == nil && !templateBrainMask {
            throw ScanError(
                file!,
                "an intensity threshold needs a brain mask (z-scores are relative to the brain), and this visit has none: refused rather than guessed (add a brain mask, or drop the image source from the pipeline file)"
            )
        }
    }

    /// Chooses each session's files by the pipeline's patterns.
    ///
    /// - T2: the first source in `t2_sources` that matches a file in *every* session, so all
    ///   visits are compared like with like; refused when no source is in every session.
    /// - Gd: per session, the first source in `gd_sources` with a match; none means no Gd count.
    /// - Brain mask: the file matching `inputs.brain_mask`, if any.
    /// Two files matching one role in a session are refused, naming both.
    public static func select(_ patient: PatientFolder, pipeline: Pipeline) throws(ScanError) -> [VisitInputs] {
        func matches(_ session: Session, _ test: (String) -> Bool, role: String) throws(ScanError) -> String? {
            let found = session.files.filter { test(FileNamePattern.niftiStem(Self.fileName($0))!) }
            guard found.count <= 1 else {
                throw ScanError(found[0], "matches \(role) together with \(found[1]): keep one file per role and session")
            }
            return found.first
        }
        func sourceName(_ key: String, _ n: Int, _ source: LesionSource) -> String {
            "\(key)[\(n + 1)] (\(source.pattern))"
        }

        var t2Choice: (index: Int, files: [String])?
        var offered: [[Int]] = Array(repeating: [], count: patient.sessions.count)
        for (n, source) in pipeline.t2Sources.enumerated() {
            var files: [String] = []
            for (s, session) in patient.sessions.enumerated() {
                if let file = try matches(session, source.matches(stem:), role: sourceName("t2_sources", n, source)) {
                    files.append(file)
                    offered[s].append(n)
                }
            }
            if t2Choice == nil && files.count == patient.sessions.count { t2Choice = (n, files) }
        }
        guard let t2Choice else {
            if let s = offered.firstIndex(where: \.isEmpty) {
                let patterns = pipeline.t2Sources.map(\.pattern.text).joined(separator: ", ")
                throw ScanError(patient.sessions[s].folder, "no T2 lesion map or image: no file matches \(patterns)")
            }
            let kinds = patient.sessions.indices.map {
                "\(patient.sessions[$0].label): \(pipeline.t2Sources[offered[$0][0]].kind.rawValue)"
            }
            throw ScanError(
                patient.subjectFolder,
                "no T2 source is in every session (\(kinds.joined(separator: ", "))): visits are compared like with like, so give every session the same kind of file"
            )
        }

        var visits: [VisitInputs] = []
        for (s, session) in patient.sessions.enumerated() {
            var gd: (file: String, source: LesionSource)?
            for (n, source) in pipeline.gdSources.enumerated() where gd == nil {
                if let file = try matches(session, source.matches(stem:), role: sourceName("gd_sources", n, source)) {
                    gd = (file, source)
                }
            }
            var preContrast: String?
            if let gd, gd.source.preContrast != nil {
                preContrast = try matches(session, gd.source.matchesPreContrast(stem:), role: "pre_contrast (\(gd.source.preContrast!))")
            }
            let brainMask = try matches(session, pipeline.brainMask.matches, role: "inputs.brain_mask (\(pipeline.brainMask))")
            var visit = try VisitInputs(
                session: session.label, acquisitionTime: session.acquisitionTime, t2File: t2Choice.files[s],
                t2Source: pipeline.t2Sources[t2Choice.index], gdFile: gd?.file, gdSource: gd?.source,
                preContrastFile: preContrast, brainMaskFile: brainMask,
                templateBrainMask: pipeline.registration.template != nil)
            if visit.t2Source.t1Image != nil {
                visit.t1File = try matches(session, visit.t2Source.matchesT1Image(stem:), role: "t1_image (\(visit.t2Source.t1Image!))")
            }
            visit.registrationImages = try RegistrationImages.select(session, settings: pipeline.registration)
            visits.append(visit)
        }
        return visits
    }

    /// The source a file given by name is read with: the first of `sources` whose pattern matches
    /// its stem, else the first `mask` source (a plain lesion mask).
    public static func source(for file: String, in sources: [LesionSource]) -> LesionSource? {
        let stem = FileNamePattern.niftiStem(fileName(file)) ?? fileName(file)
        return sources.first { $0.matches(stem: stem) } ?? sources.first { $0.kind == .mask }
    }

    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
