/// LesionTrack's version, recorded in every output.
public enum LesionTrackVersion {
    public static let current = "0.1.0"
}
