//! Strict reading through serde.

use std::ops::{Deref, DerefMut};

use crate::runtime::content::{Read, ReadMode};
use crate::runtime::output::Write;

/// A model value that serde reads strictly: where the plain `Deserialize` of a model type
/// reads as an API response does (leniently, keeping what it does not know), `Strict<T>`
/// refuses what [`crate::Mode::Strict`] refuses (an unknown key, a value outside its facets,
/// a required member missing), with the native reader's message as the serde error. It
/// serializes as `T`. (ORCID's own lists, such as work types, are checked by validation, as
/// with the native reader.)
///
/// ```
/// use orcid_model::{Strict, work::Work};
///
/// let json = r#"{"title": {"title": {"value": "On the Nature of Things"}}, "type": "book"}"#;
/// let work: Strict<Work> = serde_json::from_str(json)?;
/// assert_eq!(work.title.title, "On the Nature of Things");
///
/// let newer = r#"{"title": {"title": {"value": "On the Nature of Things"}}, "type": "book", "colour": "blue"}"#;
/// assert!(serde_json::from_str::<Strict<Work>>(newer).is_err());
/// // The lenient reading keeps the key it does not know, and writes it back.
/// let work: Work = serde_json::from_str(newer)?;
/// assert!(serde_json::to_string(&work)?.ends_with(r#""colour":"blue"}"#));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Strict<T>(pub T);

impl<T> Strict<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Strict<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Strict<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<'de, T: Read> serde::Deserialize<'de> for Strict<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::runtime::serde_support::read(deserializer, ReadMode::Strict).map(Strict)
    }
}

impl<T: Write> serde::Serialize for Strict<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::runtime::serde_support::serialize(&self.0, serializer)
    }
}
