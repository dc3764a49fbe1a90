import LesionIO

/// One visit's images that registration aligns: the reference series and the other series.
public struct RegistrationImages: Sendable, Equatable {
    /// The visit's reference series (FLAIR by default), registered to the baseline's.
    public var reference: String?
    /// The visit's other series (T1w, post-contrast T1w, T2w), each registered to the reference.
    public var others: [String]

    public init(reference: String? = nil, others: [String] = []) {
        self.reference = reference
        self.others = others
    }

    /// Every image, the reference first.
    public var all: [String] { (reference.map { [$0] } ?? []) + others }

    /// The session's files matching the settings' patterns. Two files matching the reference
    /// pattern are refused, naming both, unless exactly one is in the raw session folder.
    public static func select(_ session: Session, settings: RegistrationSettings) throws(ScanError) -> RegistrationImages {
        func stem(_ file: String) -> String {
            let name = file.split(separator: "/").last.map(String.init) ?? file
            return FileNamePattern.niftiStem(name) ?? name
        }
        var references = session.files.filter { settings.referenceImage.matches(stem($0)) }.sorted()
        if references.count > 1 {
            let raw = references.filter { $0.hasPrefix(session.folder + "/") }
            if raw.count == 1 { references = raw }
        }
        guard references.count <= 1 else {
            throw ScanError(
                references[0],
                "matches registration_qc.reference_image (\(settings.referenceImage)) together with \(references[1]): keep one reference series per session"
            )
        }
        let others = session.files.filter { file in
            file != references.first && settings.images.contains { $0.matches(stem(file)) }
        }.sorted()
        return RegistrationImages(reference: references.first, others: others)
    }
}
