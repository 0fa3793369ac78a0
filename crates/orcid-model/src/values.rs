//! Values that are data, not text: ORCID iDs, put-codes, and the values of enumerations this
//! version does not know.

use std::fmt;
use std::str::FromStr;

use crate::runtime::simple::SimpleType;

/// An ORCID iD: sixteen characters in four groups (`0000-0002-1825-0097`), the last one a
/// check digit (ISO 7064 mod 11-2, `X` for ten). Its format and check digit are checked when
/// it is made, so a value of this type is always a well-formed iD.
///
/// It reads from the bare iD or from its URI (`https://orcid.org/…`, `https://sandbox.orcid.org/…`,
/// `http://` too, with or without a trailing slash), and displays as the bare iD, which is what
/// API paths take.
///
/// ```
/// use orcid_model::OrcidId;
/// let id: OrcidId = "https://orcid.org/0000-0002-1825-0097".parse()?;
/// assert_eq!(id.to_string(), "0000-0002-1825-0097");
/// assert_eq!(id.uri(), "https://orcid.org/0000-0002-1825-0097");
/// assert!("0000-0002-1825-0098".parse::<OrcidId>().is_err()); // wrong check digit
/// # Ok::<(), orcid_model::OrcidIdError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrcidId([u8; 19]);

/// Why text is not an ORCID iD.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OrcidIdError {
    /// Not four groups of four digits (the last may end in `X`).
    #[error("{0:?} is not an ORCID iD: expected four groups of four digits like 0000-0002-1825-0097")]
    Format(String),
    /// The check digit does not match.
    #[error("{0:?} is not an ORCID iD: its check digit is wrong")]
    CheckDigit(String),
}

impl OrcidId {
    /// Reads an iD, bare or as a URI.
    pub fn parse(text: &str) -> Result<OrcidId, OrcidIdError> {
        let trimmed = text.trim();
        let bare = strip_uri(trimmed).unwrap_or(trimmed);
        let b = bare.as_bytes();
        let shape = b.len() == 19
            && b.iter().enumerate().all(|(i, &c)| match i {
                4 | 9 | 14 => c == b'-',
                18 => c.is_ascii_digit() || c == b'X' || c == b'x',
                _ => c.is_ascii_digit(),
            });
        if !shape {
            return Err(OrcidIdError::Format(text.to_owned()));
        }
        let mut id = [0u8; 19];
        id.copy_from_slice(b);
        id[18] = id[18].to_ascii_uppercase();
        if !checksum_ok(&id) {
            return Err(OrcidIdError::CheckDigit(text.to_owned()));
        }
        Ok(OrcidId(id))
    }

    /// The iD whose fifteen digits are `number` (below 10¹⁵), with its check digit: for test
    /// records and generated data.
    ///
    /// ```
    /// use orcid_model::OrcidId;
    /// assert_eq!(OrcidId::from_number(2_1825_009).unwrap().as_str(), "0000-0002-1825-0097");
    /// assert!(OrcidId::from_number(1_000_000_000_000_000).is_none());
    /// ```
    pub fn from_number(number: u64) -> Option<OrcidId> {
        if number >= 1_000_000_000_000_000 {
            return None;
        }
        let digits = format!("{number:015}");
        let mut id = [b'-'; 19];
        for (i, d) in digits.bytes().enumerate() {
            id[i + i / 4] = d;
        }
        id[18] = check_digit(digits.bytes());
        Some(OrcidId(id))
    }

    /// The bare iD (`0000-0002-1825-0097`).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII")
    }

    /// The iD's URI on the production registry, `https://orcid.org/…`.
    pub fn uri(&self) -> String {
        format!("https://orcid.org/{}", self.as_str())
    }

    /// The iD's URI on another registry host (`sandbox.orcid.org`).
    pub fn uri_on(&self, host: &str) -> String {
        format!("https://{host}/{}", self.as_str())
    }
}

/// `https://orcid.org/ID` and its variants, without the scheme and host.
fn strip_uri(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/')?;
    let host_ok = host.eq_ignore_ascii_case("orcid.org") || host.to_ascii_lowercase().ends_with(".orcid.org");
    host_ok.then(|| path.strip_suffix('/').unwrap_or(path))
}

/// The last character of an iD is the check digit (or X) of the fifteen before it.
fn checksum_ok(id: &[u8; 19]) -> bool {
    id[18] == check_digit(id.iter().take(18).copied().filter(|c| *c != b'-'))
}

/// ISO 7064 mod 11-2 over ASCII digits.
fn check_digit(digits: impl Iterator<Item = u8>) -> u8 {
    let total = digits.fold(0u32, |total, d| (total + u32::from(d - b'0')) * 2);
    match (12 - total % 11) % 11 {
        10 => b'X',
        check => b'0' + check as u8,
    }
}

/// Whether text is an ORCID iD with a correct check digit (bare, four groups).
pub fn orcid_checksum_ok(id: &str) -> bool {
    matches!(OrcidId::parse(id), Ok(parsed) if parsed.as_str() == id.trim())
}

impl FromStr for OrcidId {
    type Err = OrcidIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrcidId::parse(s)
    }
}

impl fmt::Display for OrcidId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for OrcidId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrcidId({})", self.as_str())
    }
}

impl TryFrom<&str> for OrcidId {
    type Error = OrcidIdError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        OrcidId::parse(s)
    }
}

/// An item's put-code: the number ORCID gives an item when it stores it, which names the item
/// in `/{orcid}/{section}/{put-code}` from then on.
///
/// ```
/// use orcid_model::PutCode;
/// let code: PutCode = "3000000000".parse()?;
/// assert_eq!(code.get(), 3_000_000_000);
/// assert_eq!(code.to_string(), "3000000000");
/// # Ok::<(), std::num::ParseIntError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct PutCode(i64);

impl PutCode {
    /// A put-code.
    pub const fn new(code: i64) -> PutCode {
        PutCode(code)
    }

    /// The number.
    pub const fn get(self) -> i64 {
        self.0
    }
}

impl From<i64> for PutCode {
    fn from(code: i64) -> Self {
        PutCode(code)
    }
}

impl From<PutCode> for i64 {
    fn from(code: PutCode) -> Self {
        code.0
    }
}

impl FromStr for PutCode {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim().parse().map(PutCode)
    }
}

impl fmt::Display for PutCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl SimpleType for PutCode {
    const VALUE: crate::runtime::schema::ValueKind = crate::runtime::schema::ValueKind::Integer;
    fn parse_xml(text: &str) -> Result<Self, String> {
        i64::parse_xml(text).map(PutCode)
    }
    fn write_xml(&self, out: &mut String) {
        self.0.write_xml(out)
    }
}

/// The value of an enumeration that this version of the model does not know, kept as it was
/// written so that it is written back unchanged.
///
/// It is opaque on purpose: a value that a later version knows moves to its own variant, so
/// code that looked inside `Unknown` would silently stop matching it. Compare the enum's
/// `as_str()` instead, which gives the same text in every version:
///
/// ```
/// use orcid_model::vocabulary::WorkType;
/// let kind = WorkType::from("hologram");
/// assert!(!kind.is_known());
/// assert_eq!(kind.as_str(), "hologram"); // not: match WorkType::Unknown(v) if ...
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(Box<str>);

impl UnknownValue {
    pub(crate) fn new(text: &str) -> UnknownValue {
        UnknownValue(text.into())
    }

    pub(crate) fn text(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orcid_ids_with_check_digits() {
        assert!(OrcidId::parse("0000-0002-1825-0097").is_ok());
        assert_eq!(OrcidId::parse("0000-0002-1694-233x").unwrap().as_str(), "0000-0002-1694-233X");
        assert_eq!(OrcidId::parse("http://sandbox.orcid.org/0000-0002-1825-0097/").unwrap().as_str(), "0000-0002-1825-0097");
        assert!(matches!(OrcidId::parse("0000-0002-1825-0098"), Err(OrcidIdError::CheckDigit(_))));
        assert!(matches!(OrcidId::parse("0000-0002-1825"), Err(OrcidIdError::Format(_))));
        assert!(matches!(OrcidId::parse("../0000-0002-1825-0097"), Err(OrcidIdError::Format(_))));
        assert!(matches!(OrcidId::parse("https://evil.example/0000-0002-1825-0097"), Err(OrcidIdError::Format(_))));
        assert!(orcid_checksum_ok("0000-0002-1694-233X"));
        assert!(!orcid_checksum_ok("0000-0002-1825-0098"));
    }
}

/// Which ORCID a build of this crate knows: the release, commit and date of ORCID/orcid-model
/// (its XSDs and Java lists) the model was generated from. A value outside this snapshot's lists
/// may be one a newer ORCID accepts.
///
/// ```
/// let s = orcid_model::ORCID_SNAPSHOT;
/// assert_eq!(s.to_string(), format!("ORCID/orcid-model {} ({}, {})", s.release, &s.commit[..7], s.date));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OrcidSnapshot {
    /// The release (`3.3.8`), or `unreleased` for a commit between releases.
    pub release: &'static str,
    /// The full commit.
    pub commit: &'static str,
    /// The commit's date, `YYYY-MM-DD` (or `unknown`).
    pub date: &'static str,
}

impl std::fmt::Display for OrcidSnapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let short = self.commit.get(..7).unwrap_or(self.commit);
        write!(f, "ORCID/orcid-model {} ({short}, {})", self.release, self.date)
    }
}
