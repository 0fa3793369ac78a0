//! Values of XSD simple types: how each reads from and writes to XML text.

use std::fmt;

use super::is_xml_space;

/// A value written as XML text (element content or attribute value).
pub trait SimpleType: Sized {
    /// Parses the lexical form. The caller has already checked the XSD facets.
    fn parse_xml(text: &str) -> Result<Self, String>;
    /// Appends the lexical form (unescaped).
    fn write_xml(&self, out: &mut String);
    /// Parses the form ORCID's JSON uses, where it differs from XML (history's creation method).
    fn parse_json(text: &str) -> Result<Self, String> {
        Self::parse_xml(text)
    }
    /// Appends the form ORCID's JSON uses.
    fn write_json(&self, out: &mut String) {
        self.write_xml(out)
    }
    /// The value's text, when it is kept as text and written the same in XML and JSON
    /// (strings, enumerations): writers use it without a copy.
    fn as_text(&self) -> Option<&str> {
        None
    }
    /// For enumerations: whether this version knows the value (an unknown one is kept as
    /// written). Everything else: true.
    fn is_known(&self) -> bool {
        true
    }
    /// For a date-time: milliseconds since the epoch (ORCID's JSON form).
    fn json_millis(&self) -> Option<i64> {
        None
    }
    /// For a date-time: the value for milliseconds since the epoch.
    fn from_json_millis(_millis: i64) -> Option<Self> {
        None
    }
    /// For an XSD enumeration: its XSD name and its values, so that an unknown value breaks
    /// the XSD (a vocabulary's unknown value breaks only ORCID's list).
    const ENUMERATION: Option<(&'static str, &'static [&'static str])> = None;
    /// What kind of value this is, for typed columns.
    const VALUE: super::schema::ValueKind = super::schema::ValueKind::Text;
}

impl SimpleType for String {
    fn parse_xml(text: &str) -> Result<Self, String> {
        Ok(text.to_owned())
    }
    fn write_xml(&self, out: &mut String) {
        out.push_str(self);
    }
    fn as_text(&self) -> Option<&str> {
        Some(self)
    }
}

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl SimpleType for $t {
            fn parse_xml(text: &str) -> Result<Self, String> {
                let t = text.trim_matches(is_xml_space);
                t.strip_prefix('+').unwrap_or(t).parse().map_err(|_| {
                    format!("expected a whole number between {} and {}, found {text:?}", <$t>::MIN, <$t>::MAX)
                })
            }
            fn write_xml(&self, out: &mut String) {
                out.push_str(&self.to_string());
            }
            const VALUE: super::schema::ValueKind = super::schema::ValueKind::Integer;
        }
    )*};
}
integer!(i32, i64);

impl SimpleType for bool {
    const VALUE: super::schema::ValueKind = super::schema::ValueKind::Boolean;
    fn parse_xml(text: &str) -> Result<Self, String> {
        match text.trim_matches(is_xml_space) {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(format!("expected true or false, found {text:?}")),
        }
    }
    fn write_xml(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

/// An `xs:dateTime`, kept exactly as written so that reading and writing changes nothing.
///
/// ```
/// use orcid_model::DateTime;
/// let t: DateTime = "2019-03-12T10:22:07.893Z".parse().unwrap();
/// assert_eq!(t.as_str(), "2019-03-12T10:22:07.893Z");
/// assert_eq!(t.epoch_millis(), Some(1552386127893));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DateTime(String);

impl DateTime {
    /// The lexical form, as read.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Milliseconds since 1970-01-01T00:00:00Z (ORCID's JSON form); `None` when not a valid
    /// `xs:dateTime`. A value without a time zone is taken as UTC.
    pub fn epoch_millis(&self) -> Option<i64> {
        parse_date_time(self.0.trim_matches(is_xml_space))
    }

    /// The `xs:dateTime` for milliseconds since the epoch, in UTC with milliseconds.
    pub fn from_epoch_millis(millis: i64) -> DateTime {
        let days = millis.div_euclid(86_400_000);
        let ms = millis.rem_euclid(86_400_000);
        let (y, m, d) = civil_from_days(days);
        let (hour, minute, second, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
        if !(0..=9999).contains(&y) {
            return DateTime(format!("{y:04}-{m:02}-{d:02}T{hour:02}:{minute:02}:{second:02}.{milli:03}Z"));
        }
        // Every date in a JSON answer comes through here: digits written in place, not by `format!`.
        let mut text = *b"0000-00-00T00:00:00.000Z";
        let mut put = |at: usize, width: usize, mut value: i64| {
            for i in (at..at + width).rev() {
                text[i] = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        put(0, 4, y);
        put(5, 2, m);
        put(8, 2, d);
        put(11, 2, hour);
        put(14, 2, minute);
        put(17, 2, second);
        put(20, 3, milli);
        DateTime(String::from_utf8_lossy(&text).into_owned())
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for DateTime {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        DateTime::parse_xml(s)
    }
}

impl SimpleType for DateTime {
    const VALUE: super::schema::ValueKind = super::schema::ValueKind::DateTime;
    fn parse_xml(text: &str) -> Result<Self, String> {
        // Whitespace around the value collapses (XSD `whiteSpace="collapse"`), so ORCID's
        // samples with a newline before `</common:created-date>` are valid.
        match parse_date_time(text.trim_matches(is_xml_space)) {
            Some(_) => Ok(DateTime(text.to_owned())),
            None => Err(format!("expected a date-time like 2024-05-01T12:00:00.000Z, found {text:?}")),
        }
    }
    fn write_xml(&self, out: &mut String) {
        out.push_str(&self.0);
    }
    fn json_millis(&self) -> Option<i64> {
        self.epoch_millis()
    }
    fn from_json_millis(millis: i64) -> Option<Self> {
        Some(DateTime::from_epoch_millis(millis))
    }
}

/// Parses `YYYY-MM-DDThh:mm:ss(.s+)?(Z|±hh:mm)?` to epoch milliseconds. (Byte by byte: every
/// item of a record carries dates, so this runs often.)
fn parse_date_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let number = |at: usize, n: usize| -> Option<i64> {
        let d = b.get(at..at + n)?;
        d.iter().all(u8::is_ascii_digit).then(|| d.iter().fold(0, |acc, &c| acc * 10 + i64::from(c - b'0')))
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, m, d) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let (hh, mm, ss) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    if hh > 24 || mm > 59 || ss > 59 || (hh == 24 && (mm, ss) != (0, 0)) {
        return None;
    }
    let mut at = 19;
    let mut millis = 0;
    if b.get(at) == Some(&b'.') {
        let start = at + 1;
        at = start + b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
        if at == start {
            return None;
        }
        // The first three digits, padded with zeros.
        millis = (start..start + 3).fold(0, |acc, k| acc * 10 + if k < at { i64::from(b[k] - b'0') } else { 0 });
    }
    let offset_min = match &b[at..] {
        [] | [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] if [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()) => {
            let (oh, om) = (i64::from((h1 - b'0') * 10 + (h2 - b'0')), i64::from((m1 - b'0') * 10 + (m2 - b'0')));
            if oh > 14 || om > 59 {
                return None;
            }
            if *sign == b'-' { -(oh * 60 + om) } else { oh * 60 + om }
        }
        _ => return None,
    };
    let days = days_from_civil(y, m, d);
    Some(((days * 24 + hh) * 60 + mm - offset_min) * 60_000 + ss * 1000 + millis)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days-from-civil algorithm.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// A part of a fuzzy date (year, month or day), kept as written: ORCID sends `05`, not `5`.
///
/// ```
/// use orcid_model::DatePart;
/// let month = DatePart::from(5u16);
/// assert_eq!(month.as_str(), "05");
/// assert_eq!(month.number(), Some(5));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DatePart(String);

impl DatePart {
    /// The lexical form, as read.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The number, when the text is one.
    pub fn number(&self) -> Option<u16> {
        self.0.trim_matches(is_xml_space).parse().ok()
    }
}

impl From<u16> for DatePart {
    /// Years are written with four digits, months and days with two.
    fn from(n: u16) -> Self {
        DatePart(if n > 31 { format!("{n:04}") } else { format!("{n:02}") })
    }
}

impl fmt::Debug for DatePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for DatePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl SimpleType for DatePart {
    fn parse_xml(text: &str) -> Result<Self, String> {
        // The range is a facet of the XSD type, checked by the reader in strict mode.
        match text.trim_matches(is_xml_space).parse::<u16>() {
            Ok(_) => Ok(DatePart(text.to_owned())),
            Err(_) => Err(format!("expected a number, found {text:?}")),
        }
    }
    fn write_xml(&self, out: &mut String) {
        out.push_str(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_epoch_millis_both_ways() {
        let t = DateTime::parse_xml("2017-01-17T11:55:44.542-06:00\n\t").unwrap();
        assert_eq!(t.as_str(), "2017-01-17T11:55:44.542-06:00\n\t");
        assert_eq!(t.epoch_millis(), Some(1_484_675_744_542));
        assert_eq!(DateTime::from_epoch_millis(1_484_675_744_542).as_str(), "2017-01-17T17:55:44.542Z");
        assert_eq!(DateTime::from_epoch_millis(0).as_str(), "1970-01-01T00:00:00.000Z");
        assert_eq!(DateTime::from_epoch_millis(-1).as_str(), "1969-12-31T23:59:59.999Z");
        assert_eq!(DateTime::from_epoch_millis(253_402_300_799_999).as_str(), "9999-12-31T23:59:59.999Z");
        assert_eq!(DateTime::from_epoch_millis(253_402_300_800_000).as_str(), "10000-01-01T00:00:00.000Z");
        // Every value written reads back as the same instant.
        for millis in (-62_135_596_800_000i64..253_402_300_799_999).step_by(9_876_543_210_987) {
            assert_eq!(DateTime::from_epoch_millis(millis).epoch_millis(), Some(millis), "{millis}");
        }
        assert!(DateTime::parse_xml("2017-02-30T00:00:00Z").is_err());
        assert!(DateTime::parse_xml("yesterday").is_err());
    }

    #[test]
    fn integers_beyond_i32_and_date_parts_keep_padding() {
        assert_eq!(i64::parse_xml(" 3000000000 ").unwrap(), 3_000_000_000);
        assert!(i32::parse_xml("3000000000").is_err());
        let p = DatePart::parse_xml("05").unwrap();
        let mut out = String::new();
        p.write_xml(&mut out);
        assert_eq!(out, "05");
    }

    #[test]
    fn date_times_to_epoch_milliseconds() {
        let cases = [
            ("1970-01-01T00:00:00", Some(0)),
            ("1970-01-01T00:00:00Z", Some(0)),
            ("2024-02-29T12:34:56.789Z", Some(1_709_210_096_789)),
            ("2024-02-29T12:34:56.7Z", Some(1_709_210_096_700)),
            ("2024-02-29T12:34:56.78912+01:30", Some(1_709_210_096_789 - 90 * 60_000)),
            ("2024-02-29T12:34:56-05:00", Some(1_709_210_096_000 + 5 * 3_600_000)),
            ("2024-01-01T24:00:00Z", Some(1_704_153_600_000)),
            ("2023-02-29T00:00:00Z", None),
            ("2024-13-01T00:00:00Z", None),
            ("2024-01-01T24:00:01Z", None),
            ("2024-01-01T00:00:00.Z", None),
            ("2024-01-01T00:00:00+15:00", None),
            ("2024-01-01T00:00:00+0100", None),
            ("2024-01-01 00:00:00", None),
            ("24-01-01T00:00:00", None),
            ("2024-1-01T00:00:00", None),
        ];
        for (text, millis) in cases {
            assert_eq!(parse_date_time(text), millis, "{text}");
        }
    }
}
