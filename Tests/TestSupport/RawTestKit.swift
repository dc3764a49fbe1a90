import Foundation

/// Where the raw-scan tests find what `.ci/install` provides: the peers' private Python
/// environment (numpy, nibabel for `Fixtures/generate_raw.py`) and the template kit.
public enum RawTestKit {
    /// `$LESIONTRACK_PEERS_VENV/bin/python`, default `~/.cache/lesiontrack-peer-venv/bin/python`.
    public static var python: String {
        (ProcessInfo.processInfo.environment["LESIONTRACK_PEERS_VENV"] ?? NSHomeDirectory() + "/.cache/lesiontrack-peer-venv")
            + "/bin/python"
    }

    /// The template kit: `LESIONTRACK_TEMPLATE`, else where `.ci/install-template` puts it.
    public static var template: String {
        if let given = ProcessInfo.processInfo.environment["LESIONTRACK_TEMPLATE"] { return given }
        if getuid() == 0 { return "/usr/local/share/lesiontrack/template" }
        return (ProcessInfo.processInfo.environment["XDG_DATA_HOME"] ?? NSHomeDirectory() + "/.local/share")
            + "/lesiontrack/template"
    }
}
