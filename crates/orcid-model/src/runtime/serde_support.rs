//! serde support: every model type is `Serialize` and `Deserialize` as ORCID's JSON.
//!
//! serde's data model has no place for ORCID's shapes, so these go through the JSON text:
//! serializing writes ORCID's JSON (as read, not for upload) and hands its values to the
//! serializer; deserializing takes any JSON value and reads it leniently, as an API response.
//! To check input strictly, use [`crate::Element::from_json_str`] with [`crate::Mode::Strict`].

use super::content::{Read, ReadMode};
use super::output::{JsonOutput, Write};

/// `Serialize` for a model type.
pub fn serialize<T: Write, S: serde::Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::Serialize;
    let json = JsonOutput::new(false, false).document(value);
    let json: serde_json::Value = serde_json::from_str(&json).map_err(serde::ser::Error::custom)?;
    json.serialize(serializer)
}

/// `Deserialize` for a model type.
pub fn deserialize<'de, T: Read, D: serde::Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    use serde::Deserialize;
    let json = serde_json::Value::deserialize(deserializer)?.to_string();
    crate::document::read_json::<T>(json.as_bytes(), ReadMode::Lenient).map_err(|e| serde::de::Error::custom(e.message))
}
