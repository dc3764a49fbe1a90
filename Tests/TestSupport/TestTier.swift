import Foundation
import Testing

/// The test tiers: everything (CI, `bash .ci/test`) or the quick tier of the inner loop
/// (`bash .ci/test-quick`, which sets `LESIONTRACK_QUICK_TESTS=1`).
public enum TestTier {
    /// True in the quick tier: slow, large and browser tests are skipped.
    public static let quick = ProcessInfo.processInfo.environment["LESIONTRACK_QUICK_TESTS"] == "1"
}

extension Tag {
    /// Takes more than a few seconds on two cores: whole-study runs, large volumes, many seeds.
    @Tag public static var slow: Self
    /// Starts headless Chromium.
    @Tag public static var browser: Self
}

extension Trait where Self == ConditionTrait {
    /// Skipped in the quick tier; CI runs it.
    public static var fullTierOnly: Self {
        .enabled(if: !TestTier.quick, "left out of the quick tier (LESIONTRACK_QUICK_TESTS=1); CI runs it")
    }
}
