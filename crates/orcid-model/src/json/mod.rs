//! ORCID's JSON form: the runtime the generated `FromJson`/`ToJson` impls build on.
//!
//! ORCID's JSON comes from its Java classes, not from the XSD: some simple values are wrapped
//! as `{"value": ...}`, dates are epoch milliseconds, lists sit under the singular element name.
//! The generator knows which field has which shape (one table in `xtask/src/codegen/json.rs`);
//! the helpers here read and write each shape, forgiving where ORCID is: `null` for anything
//! optional, a bare string where a wrapper is expected, a single object where a list is.

mod read;
mod write;

pub use read::{JsonReader, Key, Kind};
pub use write::JsonWriter;

use crate::xml::{DateTime, ReadError, SimpleType};

/// A type read from ORCID's JSON.
pub trait FromJson: Sized {
    /// Reads the value at the reader's position.
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, ReadError>;
}

/// A type written as ORCID's JSON.
pub trait ToJson {
    /// Writes the value at the writer's position.
    fn to_json(&self, w: &mut JsonWriter);
}

/// A plain scalar (`"journal-article"`, `9266`, `true`); `null` is `None`.
pub fn read_plain<T: SimpleType>(r: &mut JsonReader<'_>, what: &str) -> Result<Option<T>, ReadError> {
    if r.null()? {
        return Ok(None);
    }
    r.simple(what).map(Some)
}

/// A wrapped scalar `{"value": ...}`; a bare scalar is accepted too, as ORCID does.
pub fn read_wrapped<T: SimpleType>(r: &mut JsonReader<'_>, what: &str) -> Result<Option<T>, ReadError> {
    if r.null()? {
        return Ok(None);
    }
    if r.peek()? != Kind::Object {
        return r.simple(what).map(Some);
    }
    let at = r.begin_object(what)?;
    let mut value = None;
    while let Some(key) = r.next_key()? {
        match key.name.as_ref() {
            "value" => value = read_plain(r, what)?,
            _ => r.unknown_key(&key, what)?,
        }
    }
    if value.is_none() {
        return Err(r.error_at(at, format!("{what} is missing the required key \"value\"")));
    }
    Ok(value)
}

/// A date-time as ORCID writes it, `{"value": <epoch milliseconds>}`. A bare number or an
/// `xs:dateTime` string is accepted too.
pub fn read_millis(r: &mut JsonReader<'_>, what: &str) -> Result<Option<DateTime>, ReadError> {
    if r.null()? {
        return Ok(None);
    }
    let wrapped = r.peek()? == Kind::Object;
    let mut value = None;
    let at = r.pos();
    if wrapped {
        r.begin_object(what)?;
        while let Some(key) = r.next_key()? {
            match key.name.as_ref() {
                "value" if !r.null()? => value = Some(date_time(r, what)?),
                "value" => {}
                _ => r.unknown_key(&key, what)?,
            }
        }
    } else {
        value = Some(date_time(r, what)?);
    }
    match value {
        Some(v) => Ok(Some(v)),
        None => Err(r.error_at(at, format!("{what} is missing the required key \"value\""))),
    }
}

fn date_time(r: &mut JsonReader<'_>, what: &str) -> Result<DateTime, ReadError> {
    let (text, pos) = r.scalar_text(what)?;
    if let Ok(millis) = text.parse::<i64>() {
        return Ok(DateTime::from_epoch_millis(millis));
    }
    DateTime::parse_xml(&text).map_err(|msg| r.error_at(pos, format!("{what}: {msg}")))
}

/// A nested object; `null` is `None`.
pub fn read_object<T: FromJson>(r: &mut JsonReader<'_>) -> Result<Option<T>, ReadError> {
    if r.null()? {
        return Ok(None);
    }
    T::from_json(r).map(Some)
}

/// A list: an array (its `null` entries skipped), `null` (empty), or a single value.
pub fn read_list<T>(
    r: &mut JsonReader<'_>,
    mut each: impl FnMut(&mut JsonReader<'_>) -> Result<Option<T>, ReadError>,
) -> Result<Vec<T>, ReadError> {
    let mut out = Vec::new();
    match r.peek()? {
        Kind::Null => {
            r.null()?;
        }
        Kind::Array => {
            r.begin_array()?;
            while r.next_element()? {
                out.extend(each(r)?);
            }
        }
        _ => out.extend(each(r)?),
    }
    Ok(out)
}

/// Writes a scalar as a JSON string.
pub fn write_string<T: SimpleType>(w: &mut JsonWriter, value: &T) {
    let mut text = w.take_scratch();
    value.write_json(&mut text);
    w.string(&text);
    w.give_back(text);
}

/// Writes a scalar as is: a number or a boolean (as a string when it is neither, so that
/// the output is always valid JSON).
pub fn write_raw<T: SimpleType>(w: &mut JsonWriter, value: &T) {
    let mut text = w.take_scratch();
    value.write_json(&mut text);
    let is_literal = text == "true" || text == "false" || text.parse::<f64>().is_ok_and(|n| n.is_finite());
    if is_literal { w.raw(&text) } else { w.string(&text) }
    w.give_back(text);
}

/// A list of single-key objects naming each entry's element: `[{"work": {...}}, {"error": {...}}]`.
/// `entry` reads the value under one key.
pub fn read_tagged_list(
    r: &mut JsonReader<'_>,
    what: &str,
    mut entry: impl FnMut(&mut JsonReader<'_>, &Key<'_>) -> Result<(), ReadError>,
) -> Result<(), ReadError> {
    read_list(r, |r| {
        if r.null()? {
            return Ok(None::<()>);
        }
        r.begin_object(what)?;
        while let Some(key) = r.next_key()? {
            entry(r, &key)?;
        }
        Ok(None)
    })?;
    Ok(())
}

/// Writes `{"value": "..."}`.
pub fn write_wrapped<T: SimpleType>(w: &mut JsonWriter, value: &T) {
    w.begin_object();
    w.key("value");
    write_string(w, value);
    w.end_object();
}

/// Writes `{"value": <epoch milliseconds>}` (the text itself when it is not a valid date-time).
pub fn write_millis(w: &mut JsonWriter, value: &DateTime) {
    w.begin_object();
    w.key("value");
    match value.epoch_millis() {
        Some(ms) => w.raw(&ms.to_string()),
        None => w.string(value.as_str()),
    }
    w.end_object();
}

/// serde support: every model type is `Serialize` and `Deserialize` as ORCID's JSON.
///
/// serde's data model has no place for ORCID's shapes, so these go through the JSON text:
/// serializing writes ORCID's JSON (as read, not for upload) and hands its values to the
/// serializer; deserializing takes any JSON value and reads it leniently, as an API response.
/// To check input strictly, use [`crate::Element::from_json_str`] with [`crate::Mode::Strict`].
#[cfg(feature = "serde")]
pub mod serde_support {
    use super::{FromJson, JsonReader, JsonWriter, ToJson};
    use crate::Mode;

    /// `Serialize` for a model type.
    pub fn serialize<T: ToJson, S: serde::Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::Serialize;
        let mut w = JsonWriter::new(false, false);
        value.to_json(&mut w);
        let json: serde_json::Value = serde_json::from_str(&w.finish()).map_err(serde::ser::Error::custom)?;
        json.serialize(serializer)
    }

    /// `Deserialize` for a model type.
    pub fn deserialize<'de, T: FromJson, D: serde::Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        use serde::Deserialize;
        let json = serde_json::Value::deserialize(deserializer)?.to_string();
        let mut r = JsonReader::new(json.as_bytes(), Mode::Lenient);
        T::from_json(&mut r).map_err(|e| serde::de::Error::custom(e.message))
    }
}
