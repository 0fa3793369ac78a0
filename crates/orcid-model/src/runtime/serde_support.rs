//! serde support: every model type is `Serialize` and `Deserialize` as ORCID's JSON.
//!
//! Both ways run over the model's schema tables, with no JSON text in between: serializing
//! hands each struct's members to the serializer in ORCID's shapes ([`super::serde_ser`]),
//! giving exactly the values [`crate::Element::to_json_string`] writes (as read, not for
//! upload); deserializing fills a token tape ([`super::tape`]) from any self-describing
//! format's value and runs the JSON reader over it, reading as an API response (leniently,
//! keeping what the model does not know), or strictly through [`crate::Strict`].

use super::content::{Read, ReadMode};
use super::json_in::JsonInput;
use super::output::Write;
use super::tape::{Tape, TapeSource};

/// `Serialize` for a model type.
pub fn serialize<T: Write, S: serde::Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    super::serde_ser::serialize(value, serializer)
}

/// `Deserialize` for a model type, read leniently.
pub fn deserialize<'de, T: Read, D: serde::Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    read(deserializer, ReadMode::Lenient)
}

/// Reads a model type from any self-describing deserializer, in `mode`.
pub(crate) fn read<'de, T: Read, D: serde::Deserializer<'de>>(deserializer: D, mode: ReadMode) -> Result<T, D::Error> {
    read_with(deserializer, mode, |input| T::read(input))
}

/// Fills a tape from `deserializer` and runs `read` over it as the JSON reader.
pub(crate) fn read_with<'de, T, D: serde::Deserializer<'de>>(
    deserializer: D,
    mode: ReadMode,
    read: impl for<'t> FnOnce(&mut JsonInput<'t, TapeSource<'t>>) -> Result<T, crate::ReadError>,
) -> Result<T, D::Error> {
    use serde::de::Error;
    let tape = Tape::deserialize(deserializer)?;
    let mut input = JsonInput::with_source(TapeSource::new(&tape), mode);
    let value = read(&mut input).map_err(|e| D::Error::custom(e.message))?;
    input.finish().map_err(|e| D::Error::custom(e.message))?;
    Ok(value)
}
