//! `Serialize` straight into the serializer: each struct's generated `Write` hands its members
//! over one by one, and each goes to the serializer at once, in ORCID's JSON shapes, as
//! [`super::output::JsonOutput`] writes them (a list is written by walking its struct again
//! for the list's entries). Nothing is gathered on the way. A struct holding content the model
//! does not know goes through the token tape instead ([`super::tape`]), where the JSON writer
//! puts each piece back in its place.
//!
//! This repeats the JSON writer's shaping of lists (tagged and flattened ones too) and of
//! scalars, for the common case; the sample tests hold both to the same bytes.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::output::{JsonOutput, Output, Write};
use super::schema::{Member, MemberKind, Shape, StructSchema};
use super::simple::SimpleType;
use super::tape::Tape;
use super::unknown::UnknownContent;

/// `Serialize` for a model struct.
pub fn serialize<T: Write, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    Struct { value, flattened: false }.serialize(serializer)
}

/// `Serialize` for a document whose root holds a simple value, in its shape.
pub fn serialize_simple<T: SimpleType, S: Serializer>(value: &T, shape: Shape, serializer: S) -> Result<S::Ok, S::Error> {
    Scalar { value, shape }.serialize(serializer)
}

/// Whether a member repeats (is written as a list).
fn repeated(schema: &StructSchema, member: &Member) -> bool {
    member.field().is_some_and(|f| schema.repeated & (1 << f) != 0)
}

/// Whether a struct holds unknown content (a walk that looks at nothing else).
struct HasUnknown(bool);

impl<'v> Output<'v> for HasUnknown {
    fn begin(&mut self, _schema: &'static StructSchema, unknown: &'v UnknownContent) {
        self.0 = !unknown.is_empty();
    }
    fn simple<T: SimpleType>(&mut self, _member: usize, _value: &'v T) {}
    fn nested<T: Write>(&mut self, _member: usize, _value: &'v T) {}
    fn end(&mut self) {}
}

/// A struct to serialize: an object, or (a wrapper ORCID's JSON leaves out) its list alone.
struct Struct<'v, T> {
    value: &'v T,
    flattened: bool,
}

impl<T: Write> Serialize for Struct<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut probe = HasUnknown(false);
        self.value.write(&mut probe);
        if probe.0 {
            let tape = JsonOutput::with_sink(Tape::new(), false).flattened(self.flattened).document_into(self.value);
            return tape.serialize(serializer);
        }
        if self.flattened {
            // The wrapper's one list, straight (`[]` when it is empty).
            return List { value: self.value, start: 0 }.serialize(serializer);
        }
        let mut out =
            Object { map: serializer.serialize_map(None)?, value: self.value, schema: T::SCHEMA, index: 0, list: None, error: None };
        self.value.write(&mut out);
        match out.error {
            Some(e) => Err(e),
            None => out.map.end(),
        }
    }
}

/// Which list an entry belongs to: its member, or the struct's tagged list.
fn list_of(schema: &StructSchema, member: usize) -> Option<usize> {
    let m = &schema.members[member];
    match (repeated(schema, m), schema.json_tagged) {
        (false, _) => None,
        (true, Some(_)) => Some(usize::MAX),
        (true, None) => Some(member),
    }
}

/// Writes a struct's members as the entries of a map.
struct Object<'v, M: SerializeMap, T> {
    map: M,
    value: &'v T,
    schema: &'static StructSchema,
    /// The number of the member handed over next.
    index: usize,
    /// The list being written (its entries are skipped here: the list writes them).
    list: Option<usize>,
    error: Option<M::Error>,
}

impl<M: SerializeMap, T: Write> Object<'_, M, T> {
    /// Before member `member`: the member to write here; `None` for an entry of a list (the
    /// list is written at its first entry) or after an error.
    fn take(&mut self, member: usize) -> Option<&'static Member> {
        let index = self.index;
        self.index += 1;
        if self.error.is_some() {
            return None;
        }
        let list = list_of(self.schema, member);
        if list.is_some() && list == self.list {
            return None;
        }
        self.list = list;
        let m = &self.schema.members[member];
        if list.is_some() {
            let key = self.schema.json_tagged.unwrap_or(m.json_key);
            if let Err(e) = self.map.serialize_entry(key, &List { value: self.value, start: index }) {
                self.error = Some(e);
            }
            return None;
        }
        Some(m)
    }

    fn entry(&mut self, key: &str, value: &impl Serialize) {
        if let Err(e) = self.map.serialize_entry(key, value) {
            self.error = Some(e);
        }
    }
}

fn key(m: &'static Member) -> &'static str {
    if m.kind == MemberKind::Text { "value" } else { m.json_key }
}

impl<'v, M: SerializeMap, T: Write> Output<'v> for Object<'_, M, T> {
    fn begin(&mut self, _schema: &'static StructSchema, _unknown: &'v UnknownContent) {}

    fn simple<V: SimpleType>(&mut self, member: usize, value: &'v V) {
        if let Some(m) = self.take(member) {
            self.entry(key(m), &Scalar { value, shape: m.shape });
        }
    }

    fn nested<V: Write>(&mut self, member: usize, value: &'v V) {
        if let Some(m) = self.take(member) {
            self.entry(key(m), &Struct { value, flattened: m.shape == Shape::Flattened });
        }
    }

    fn end(&mut self) {}
}

/// The list whose first entry is the struct's `start`th member handed over: that run of
/// entries (of one member, or of any repeated member in a tagged list).
struct List<'v, T> {
    value: &'v T,
    start: usize,
}

impl<T: Write> Serialize for List<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = Entries {
            seq: serializer.serialize_seq(None)?,
            schema: T::SCHEMA,
            start: self.start,
            index: 0,
            list: None,
            done: false,
            error: None,
        };
        self.value.write(&mut out);
        match out.error {
            Some(e) => Err(e),
            None => out.seq.end(),
        }
    }
}

/// Writes one run of list entries as a sequence's elements.
struct Entries<Q: SerializeSeq> {
    seq: Q,
    schema: &'static StructSchema,
    start: usize,
    index: usize,
    /// The list of the run (known from its first entry).
    list: Option<usize>,
    done: bool,
    error: Option<Q::Error>,
}

impl<Q: SerializeSeq> Entries<Q> {
    /// Whether member `member`, handed over now, is an entry of the run.
    fn take(&mut self, member: usize) -> Option<&'static Member> {
        let index = self.index;
        self.index += 1;
        if index < self.start || self.done || self.error.is_some() {
            return None;
        }
        let list = list_of(self.schema, member);
        if index == self.start {
            self.list = list;
        } else if list.is_none() || list != self.list {
            self.done = true;
            return None;
        }
        Some(&self.schema.members[member])
    }

    fn element(&mut self, m: &'static Member, value: &impl Serialize) {
        let outcome = if self.schema.json_tagged.is_some() && self.list == Some(usize::MAX) {
            self.seq.serialize_element(&Tagged { key: m.json_key, value })
        } else {
            self.seq.serialize_element(value)
        };
        if let Err(e) = outcome {
            self.error = Some(e);
        }
    }
}

impl<'v, Q: SerializeSeq> Output<'v> for Entries<Q> {
    fn begin(&mut self, _schema: &'static StructSchema, _unknown: &'v UnknownContent) {}

    fn simple<V: SimpleType>(&mut self, member: usize, value: &'v V) {
        if let Some(m) = self.take(member) {
            self.element(m, &Scalar { value, shape: m.shape });
        }
    }

    fn nested<V: Write>(&mut self, member: usize, value: &'v V) {
        if let Some(m) = self.take(member) {
            self.element(m, &Struct { value, flattened: m.shape == Shape::Flattened });
        }
    }

    fn end(&mut self) {}
}

/// `{"employment-summary": {...}}`
struct Tagged<'a, V> {
    key: &'static str,
    value: &'a V,
}

impl<V: Serialize> Serialize for Tagged<'_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.key, self.value)?;
        map.end()
    }
}

/// A scalar as [`super::output::JsonSink::scalar`] writes it: a string, a number or boolean
/// as is, `{"value": ...}`, or epoch milliseconds.
struct Scalar<'v, V> {
    value: &'v V,
    shape: Shape,
}

impl<V: SimpleType> Serialize for Scalar<'_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let owned;
        let text = match self.value.as_text() {
            Some(text) => text,
            None => {
                let mut s = String::new();
                self.value.write_json(&mut s);
                owned = s;
                &owned
            }
        };
        match self.shape {
            Shape::Wrapped => Wrapped(Bare::Str(text)).serialize(serializer),
            Shape::Millis => match self.value.json_millis() {
                Some(ms) => Wrapped(Bare::Int(ms)).serialize(serializer),
                None => Wrapped(Bare::Str(text)).serialize(serializer),
            },
            Shape::Raw => Bare::raw(text).serialize(serializer),
            _ => serializer.serialize_str(text),
        }
    }
}

/// A bare JSON scalar.
enum Bare<'t> {
    Str(&'t str),
    Int(i64),
    Uint(u64),
    Float(f64),
    Bool(bool),
}

impl<'t> Bare<'t> {
    /// A value written as is when it is a JSON literal (as the JSON writer decides), else a
    /// string.
    fn raw(text: &'t str) -> Bare<'t> {
        match text {
            "true" => Bare::Bool(true),
            "false" => Bare::Bool(false),
            _ if super::output::is_json_number(text) => {
                if let Ok(n) = text.parse::<i64>() {
                    Bare::Int(n)
                } else if let Ok(n) = text.parse::<u64>() {
                    Bare::Uint(n)
                } else {
                    text.parse::<f64>().map_or(Bare::Str(text), Bare::Float)
                }
            }
            _ => Bare::Str(text),
        }
    }
}

impl Serialize for Bare<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Bare::Str(s) => serializer.serialize_str(s),
            Bare::Int(n) => serializer.serialize_i64(n),
            Bare::Uint(n) => serializer.serialize_u64(n),
            Bare::Float(n) => serializer.serialize_f64(n),
            Bare::Bool(b) => serializer.serialize_bool(b),
        }
    }
}

/// `{"value": ...}`
struct Wrapped<'t>(Bare<'t>);

impl Serialize for Wrapped<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("value", &self.0)?;
        map.end()
    }
}
