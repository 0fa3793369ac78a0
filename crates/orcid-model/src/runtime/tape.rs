//! A JSON value as a flat list of tokens, for serde support with no JSON text in between.
//!
//! Writing, the JSON writer's shaping fills a tape ([`JsonSink`]) that then drives a serde
//! `Serializer`; reading, a serde `Deserializer` fills a tape that the JSON reader then reads
//! ([`Source`]). So both ways run the same schema tables, shapes and unknown-content handling
//! as ORCID's JSON text does, and give the same values. (serde's data model cannot be driven
//! member by member from outside: a map's values must be `Serialize` values, and a visitor
//! is called by the deserializer, so one flat buffer stands between them.)

use std::borrow::Cow;

use super::content::MAX_DEPTH;
use super::json_in::{Kind, Source, Syntax, SyntaxError};
use super::output::{JsonSink, JsonWriter};

/// Where a number's text is in the tape's text.
type Span = (u32, u32);

/// A key's or string's text: in the tape's text, or lent by the deserializer's input.
#[derive(Debug, Clone, Copy)]
enum Text<'de> {
    Own(Span),
    Lent(&'de str),
}

/// One token.
#[derive(Debug, Clone, Copy)]
enum Token<'de> {
    /// `{`: the index of its [`Token::End`] and how many keys it has.
    Object {
        end: u32,
        len: u32,
    },
    /// `[`: the index of its [`Token::End`] and how many elements it has.
    Array {
        end: u32,
        len: u32,
    },
    /// `}` or `]`.
    End,
    Key(Text<'de>),
    Str(Text<'de>),
    /// A number as written.
    Number(Span),
    Bool(bool),
    Null,
}

/// A JSON value as tokens, with the text of keys, strings and numbers in one buffer.
#[derive(Debug, Default)]
pub struct Tape<'de> {
    tokens: Vec<Token<'de>>,
    text: String,
    /// The containers open while the tape is filled.
    open: Vec<usize>,
}

impl<'de> Tape<'de> {
    /// An empty tape, sized for a typical item (it grows as needed).
    pub fn new() -> Tape<'de> {
        Tape { tokens: Vec::with_capacity(256), text: String::with_capacity(4096), open: Vec::new() }
    }

    fn span(&mut self, text: &str) -> Span {
        let from = self.text.len();
        self.text.push_str(text);
        (from as u32, self.text.len() as u32)
    }

    fn str_at(&self, (from, to): Span) -> &str {
        &self.text[from as usize..to as usize]
    }

    fn text_of<'s>(&'s self, text: &Text<'s>) -> &'s str {
        match *text {
            Text::Own(span) => self.str_at(span),
            Text::Lent(s) => s,
        }
    }

    /// Counts a member of the container open now.
    fn count(&mut self) {
        if let Some(&at) = self.open.last()
            && let Token::Object { len, .. } | Token::Array { len, .. } = &mut self.tokens[at]
        {
            *len += 1;
        }
    }

    fn begin(&mut self, token: Token<'de>) {
        self.open.push(self.tokens.len());
        self.tokens.push(token);
    }

    fn close(&mut self) {
        let end = self.tokens.len() as u32;
        if let Some(at) = self.open.pop()
            && let Token::Object { end: e, .. } | Token::Array { end: e, .. } = &mut self.tokens[at]
        {
            *e = end;
        }
        self.tokens.push(Token::End);
    }

    /// The index after the value at `at`.
    fn after(&self, at: usize) -> usize {
        match self.tokens[at] {
            Token::Object { end, .. } | Token::Array { end, .. } => end as usize + 1,
            _ => at + 1,
        }
    }

    /// Writes the values from `from` to `to` into another sink.
    fn replay(&self, from: usize, to: usize, sink: &mut impl JsonSink) {
        let mut in_array: Vec<bool> = Vec::new();
        for token in &self.tokens[from..to] {
            if in_array.last() == Some(&true) && !matches!(token, Token::End) {
                sink.element();
            }
            match *token {
                Token::Object { .. } => {
                    sink.begin_object();
                    in_array.push(false);
                }
                Token::Array { .. } => {
                    sink.begin_array();
                    in_array.push(true);
                }
                Token::End => {
                    if in_array.pop() == Some(true) {
                        sink.end_array();
                    } else {
                        sink.end_object();
                    }
                }
                Token::Key(text) => sink.key(self.text_of(&text)),
                Token::Str(text) => sink.string(self.text_of(&text)),
                Token::Number(span) => sink.raw(self.str_at(span)),
                Token::Bool(b) => sink.raw(if b { "true" } else { "false" }),
                Token::Null => sink.raw("null"),
            }
        }
    }
}

impl JsonSink for Tape<'_> {
    fn begin_object(&mut self) {
        self.begin(Token::Object { end: 0, len: 0 });
    }

    fn end_object(&mut self) {
        self.close();
    }

    fn begin_array(&mut self) {
        self.begin(Token::Array { end: 0, len: 0 });
    }

    fn end_array(&mut self) {
        self.close();
    }

    fn element(&mut self) {
        self.count();
    }

    fn key(&mut self, key: &str) {
        self.count();
        let span = self.span(key);
        self.tokens.push(Token::Key(Text::Own(span)));
    }

    fn string(&mut self, s: &str) {
        let span = self.span(s);
        self.tokens.push(Token::Str(Text::Own(span)));
    }

    fn raw(&mut self, text: &str) {
        let token = match text {
            "true" => Token::Bool(true),
            "false" => Token::Bool(false),
            "null" => Token::Null,
            number => Token::Number(self.span(number)),
        };
        self.tokens.push(token);
    }
}

/// The tape's value from token `at`, as a serde value.
struct Value<'t> {
    tape: &'t Tape<'t>,
    at: usize,
}

impl serde::Serialize for Value<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeMap, SerializeSeq};
        let tape = self.tape;
        match tape.tokens[self.at] {
            Token::Object { end, len } => {
                let mut map = serializer.serialize_map(Some(len as usize))?;
                let mut at = self.at + 1;
                while at < end as usize {
                    let Token::Key(key) = tape.tokens[at] else { return Err(S::Error::custom("a key was expected")) };
                    map.serialize_entry(tape.text_of(&key), &Value { tape, at: at + 1 })?;
                    at = tape.after(at + 1);
                }
                map.end()
            }
            Token::Array { end, len } => {
                let mut seq = serializer.serialize_seq(Some(len as usize))?;
                let mut at = self.at + 1;
                while at < end as usize {
                    seq.serialize_element(&Value { tape, at })?;
                    at = tape.after(at);
                }
                seq.end()
            }
            Token::Str(text) => serializer.serialize_str(tape.text_of(&text)),
            Token::Number(span) => {
                // Whole numbers (put-codes, epoch milliseconds) exactly; others as serde's
                // data model has them, a double.
                let text = tape.str_at(span);
                if let Ok(n) = text.parse::<i64>() {
                    serializer.serialize_i64(n)
                } else if let Ok(n) = text.parse::<u64>() {
                    serializer.serialize_u64(n)
                } else {
                    serializer.serialize_f64(text.parse::<f64>().map_err(S::Error::custom)?)
                }
            }
            Token::Bool(b) => serializer.serialize_bool(b),
            Token::Null => serializer.serialize_unit(),
            Token::Key(_) | Token::End => Err(S::Error::custom("a value was expected")),
        }
    }
}

impl<'de> Tape<'de> {
    /// Drives `serializer` with the value the tape holds.
    pub fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&Value { tape: self, at: 0 }, serializer)
    }

    /// Fills a tape from any self-describing deserializer.
    pub fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Tape<'de>, D::Error> {
        let mut tape = Tape::new();
        serde::de::DeserializeSeed::deserialize(Fill { tape: &mut tape, depth: 0 }, deserializer)?;
        Ok(tape)
    }
}

/// Fills a tape with one value (a serde seed and visitor).
struct Fill<'t, 'de> {
    tape: &'t mut Tape<'de>,
    depth: usize,
}

impl<'de> serde::de::DeserializeSeed<'de> for Fill<'_, 'de> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Fill<'_, 'de> {
    fn push<E>(self, token: Token<'de>) -> Result<(), E> {
        self.tape.tokens.push(token);
        Ok(())
    }

    /// A number, written straight into the tape's text.
    fn number<E>(self, value: impl std::fmt::Display) -> Result<(), E> {
        use std::fmt::Write as _;
        let from = self.tape.text.len();
        let _ = write!(self.tape.text, "{value}");
        let span = (from as u32, self.tape.text.len() as u32);
        self.push(Token::Number(span))
    }

    /// Opens a container, as deep as ORCID's JSON parser allows.
    fn open<E: serde::de::Error>(&mut self, token: Token<'de>) -> Result<(), E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom(format!("values nest deeper than {MAX_DEPTH} levels, more than ORCID's JSON parser allows")));
        }
        self.tape.begin(token);
        Ok(())
    }
}

impl<'de> serde::de::Visitor<'de> for Fill<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.push(Token::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.number(v)
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.number(v)
    }

    fn visit_i128<E>(self, v: i128) -> Result<(), E> {
        self.number(v)
    }

    fn visit_u128<E>(self, v: u128) -> Result<(), E> {
        self.number(v)
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<(), E> {
        if !v.is_finite() {
            return Err(E::custom("a number JSON cannot hold (NaN or infinite)"));
        }
        // `{:?}` writes the shortest text that reads back as `v` (`1e300`, not 301 digits).
        self.number(format_args!("{v:?}"))
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        let span = self.tape.span(v);
        self.push(Token::Str(Text::Own(span)))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<(), E> {
        self.push(Token::Str(Text::Lent(v)))
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.push(Token::Null)
    }

    fn visit_none<E>(self) -> Result<(), E> {
        self.push(Token::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_newtype_struct<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        self.open(Token::Array { end: 0, len: 0 })?;
        while seq.next_element_seed(Fill { tape: self.tape, depth: self.depth + 1 })?.is_some() {
            self.tape.count();
        }
        self.tape.close();
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.open(Token::Object { end: 0, len: 0 })?;
        while map.next_key_seed(Key { tape: self.tape })?.is_some() {
            map.next_value_seed(Fill { tape: self.tape, depth: self.depth + 1 })?;
        }
        self.tape.close();
        Ok(())
    }
}

/// Fills a tape with one key.
struct Key<'t, 'de> {
    tape: &'t mut Tape<'de>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Key<'_, 'de> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Key<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        JsonSink::key(self.tape, v);
        Ok(())
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<(), E> {
        self.tape.count();
        self.tape.tokens.push(Token::Key(Text::Lent(v)));
        Ok(())
    }
}

/// Reads a tape as the JSON reader reads text: positions are token numbers.
#[derive(Clone)]
pub struct TapeSource<'t> {
    tape: &'t Tape<'t>,
    at: usize,
    /// The key or scalar read last.
    token: usize,
}

impl<'t> TapeSource<'t> {
    /// A reader from the tape's start.
    pub fn new(tape: &'t Tape<'t>) -> TapeSource<'t> {
        TapeSource { tape, at: 0, token: 0 }
    }

    /// Opens the container of `kind` that is next.
    fn enter(&mut self, kind: Kind, expected: &str) -> Syntax<()> {
        if self.peek()? != kind {
            return self.error(expected);
        }
        self.at += 1;
        Ok(())
    }

    fn error<T>(&self, message: &str) -> Syntax<T> {
        Err(Box::new(SyntaxError { pos: self.at, message: message.to_owned() }))
    }
}

impl<'t> Source<'t> for TapeSource<'t> {
    fn pos(&self) -> usize {
        self.at
    }

    fn peek(&mut self) -> Syntax<Kind> {
        match self.tape.tokens.get(self.at) {
            Some(Token::Object { .. }) => Ok(Kind::Object),
            Some(Token::Array { .. }) => Ok(Kind::Array),
            Some(Token::Str(_)) => Ok(Kind::String),
            Some(Token::Number(_)) => Ok(Kind::Number),
            Some(Token::Bool(_)) => Ok(Kind::Bool),
            Some(Token::Null) => Ok(Kind::Null),
            Some(Token::Key(_) | Token::End) | None => self.error("a value was expected"),
        }
    }

    fn null(&mut self) -> Syntax<bool> {
        let null = self.peek()? == Kind::Null;
        if null {
            self.at += 1;
        }
        Ok(null)
    }

    fn begin_object(&mut self) -> Syntax<()> {
        self.enter(Kind::Object, "an object was expected")
    }

    fn next_key(&mut self) -> Syntax<bool> {
        match self.tape.tokens.get(self.at) {
            Some(Token::Key(_)) => {
                self.token = self.at;
                self.at += 1;
                Ok(true)
            }
            Some(Token::End) => {
                self.at += 1;
                Ok(false)
            }
            _ => self.error("a key was expected"),
        }
    }

    fn text(&self) -> Cow<'t, str> {
        let tape: &'t Tape<'t> = self.tape;
        match tape.tokens.get(self.token) {
            Some(Token::Key(text) | Token::Str(text)) => Cow::Borrowed(tape.text_of(text)),
            Some(Token::Number(span)) => Cow::Borrowed(tape.str_at(*span)),
            Some(Token::Bool(true)) => Cow::Borrowed("true"),
            Some(Token::Bool(false)) => Cow::Borrowed("false"),
            Some(Token::Null) => Cow::Borrowed("null"),
            _ => Cow::Borrowed(""),
        }
    }

    fn text_pos(&self) -> usize {
        self.token
    }

    fn begin_array(&mut self) -> Syntax<()> {
        self.enter(Kind::Array, "an array was expected")
    }

    fn next_element(&mut self) -> Syntax<bool> {
        match self.tape.tokens.get(self.at) {
            Some(Token::End) => {
                self.at += 1;
                Ok(false)
            }
            Some(Token::Key(_)) | None => self.error("an element was expected"),
            Some(_) => Ok(true),
        }
    }

    fn scalar(&mut self) -> Syntax<Kind> {
        let kind = self.peek()?;
        if matches!(kind, Kind::Object | Kind::Array) {
            return self.error("a scalar was expected");
        }
        self.token = self.at;
        self.at += 1;
        Ok(kind)
    }

    fn reread_scalar(&mut self, pos: usize) -> Syntax<()> {
        self.token = pos;
        Ok(())
    }

    fn skip(&mut self) -> Syntax<(usize, usize)> {
        self.peek()?;
        let from = self.at;
        self.at = self.tape.after(from);
        Ok((from, self.at))
    }

    fn raw(&self, from: usize, to: usize) -> Cow<'t, str> {
        let mut writer = JsonWriter::new(false);
        self.tape.replay(from, to, &mut writer);
        Cow::Owned(writer.finish())
    }

    fn finish(&mut self) -> Syntax<()> {
        if self.at < self.tape.tokens.len() {
            return self.error("content after the document's value");
        }
        Ok(())
    }
}
