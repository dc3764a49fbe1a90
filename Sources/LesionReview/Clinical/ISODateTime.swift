/// A calendar date or date-time in the ISO 8601 forms BIDS tables use, for time differences.
///
/// Accepted: `YYYY-MM-DD` (midnight) and `YYYY-MM-DDThh:mm[:ss[.ffffff]]`, optionally ending in
/// `Z`. Times carry no zone, so two values are compared as if in one zone, as BIDS `acq_time`
/// columns are. Days are checked against the month (leap years included): `2023-02-29` is refused.
/// The proleptic Gregorian calendar; the day count is Howard Hinnant's `days_from_civil`.
public struct ISODateTime: Sendable, Equatable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00 of the same (unstated) zone.
    public let secondsSinceEpoch: Double
    /// The text it was read from.
    public let text: String

    public static let secondsPerDay = 86_400.0

    /// Nil when the text is not one of the accepted forms or names a day that does not exist.
    public init?(_ text: String) {
        let chars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= chars.count else { return nil }
            var value = 0
            for c in chars[range] {
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard chars.count >= 10, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year)
        else { return nil }
        var seconds = 0.0
        if chars.count > 10 {
            var end = chars.count
            if chars[end - 1] == UInt8(ascii: "Z") { end -= 1 }
            guard chars[10] == UInt8(ascii: "T"), end >= 16, chars[13] == UInt8(ascii: ":"),
                let hour = number(11..<13), let minute = number(14..<16), hour < 24, minute < 60
            else { return nil }
            seconds = Double(hour * 3600 + minute * 60)
            if end > 16 {
                guard end >= 19, chars[16] == UInt8(ascii: ":"), let second = number(17..<19), second < 60 else { return nil }
                seconds += Double(second)
                if end > 19 {
                    guard chars[19] == UInt8(ascii: "."), end > 20, end <= 26, let fraction = number(20..<end) else { return nil }
                    var scale = 1.0
                    for _ in 20..<end { scale *= 10 }
                    seconds += Double(fraction) / scale
                }
            }
        }
        self.secondsSinceEpoch = Double(Self.daysFromCivil(year: year, month: month, day: day)) * Self.secondsPerDay + seconds
        self.text = text
    }

    public var description: String { text }

    public static func < (a: ISODateTime, b: ISODateTime) -> Bool { a.secondsSinceEpoch < b.secondsSinceEpoch }

    public static func == (a: ISODateTime, b: ISODateTime) -> Bool { a.secondsSinceEpoch == b.secondsSinceEpoch }

    /// `self − earlier` in days (fractional when times differ; negative when `earlier` is later).
    public func days(since earlier: ISODateTime) -> Double {
        (secondsSinceEpoch - earlier.secondsSinceEpoch) / Self.secondsPerDay
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the given civil date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
