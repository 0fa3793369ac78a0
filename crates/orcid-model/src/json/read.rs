//! A pull reader for ORCID's JSON that knows where it is (line and column), so that errors and
//! later validation can point at the file. The generated `FromJson` impls drive it.

use std::borrow::Cow;

use super::super::xml::{Mode, ReadError, SimpleType};

/// The kind of the next JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{`
    Object,
    /// `[`
    Array,
    /// `"..."`
    String,
    /// `-1.5e3`
    Number,
    /// `true`, `false`
    Bool,
    /// `null`
    Null,
}

/// A key of an object, with the byte offset of its opening quote.
pub struct Key<'a> {
    /// The unescaped key.
    pub name: Cow<'a, str>,
    /// Byte offset.
    pub pos: usize,
}

/// The reader.
pub struct JsonReader<'a> {
    src: &'a [u8],
    pos: usize,
    mode: Mode,
    /// Per open container: whether a member has been read yet.
    first: Vec<bool>,
    /// When recording (for validation): the path of the current value, one segment per open
    /// container (a key, or `[n]` for an array element), and where each path starts.
    trail: Option<Trail>,
}

/// Paths and their positions, recorded while reading.
#[derive(Default)]
struct Trail {
    segments: Vec<String>,
    positions: std::collections::HashMap<String, usize>,
}

impl Trail {
    fn path(&self) -> String {
        let mut out = String::new();
        for s in &self.segments {
            if !s.starts_with('[') && !out.is_empty() {
                out.push('/');
            }
            out.push_str(s);
        }
        out
    }
}

impl<'a> JsonReader<'a> {
    /// A reader over a whole document.
    pub fn new(src: &'a [u8], mode: Mode) -> Self {
        let mut r = JsonReader { src, pos: 0, mode, first: Vec::new(), trail: None };
        if r.src.starts_with(b"\xEF\xBB\xBF") {
            r.pos = 3;
        }
        r
    }

    /// Records where each value starts, by path (`work/external-ids/external-id[2]/external-id-type`,
    /// with `root` as the first segment), for [`JsonReader::positions`].
    pub fn record_positions(&mut self, root: &str) {
        self.trail = Some(Trail { segments: vec![root.to_owned()], positions: Default::default() });
    }

    /// The recorded positions: path → byte offset.
    pub fn positions(self) -> std::collections::HashMap<String, usize> {
        self.trail.map(|t| t.positions).unwrap_or_default()
    }

    /// The reading mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The current byte offset.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// An error at a byte offset.
    pub fn error_at(&self, pos: usize, message: impl Into<String>) -> ReadError {
        ReadError::at(self.src, pos, message.into())
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.src.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The kind of the next value.
    pub fn peek(&mut self) -> Result<Kind, ReadError> {
        self.skip_ws();
        match self.src.get(self.pos) {
            Some(b'{') => Ok(Kind::Object),
            Some(b'[') => Ok(Kind::Array),
            Some(b'"') => Ok(Kind::String),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            Some(b't' | b'f') => Ok(Kind::Bool),
            Some(b'n') => Ok(Kind::Null),
            Some(c) => Err(self.error_at(self.pos, format!("malformed JSON: unexpected `{}`", *c as char))),
            None => Err(self.error_at(self.pos, "malformed JSON: unexpected end of input")),
        }
    }

    /// Consumes `null` if it is next.
    pub fn null(&mut self) -> Result<bool, ReadError> {
        if self.peek()? == Kind::Null {
            self.literal("null")?;
            return Ok(true);
        }
        Ok(false)
    }

    fn literal(&mut self, word: &str) -> Result<(), ReadError> {
        if self.src[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error_at(self.pos, format!("malformed JSON: expected `{word}`")))
        }
    }

    fn expect_byte(&mut self, b: u8, what: &str) -> Result<(), ReadError> {
        self.skip_ws();
        if self.src.get(self.pos) == Some(&b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error_at(self.pos, format!("malformed JSON: expected {what}")))
        }
    }

    /// Opens an object; `what` names the expected value for the message when it is not one.
    pub fn begin_object(&mut self, what: &str) -> Result<usize, ReadError> {
        self.skip_ws();
        let pos = self.pos;
        if self.peek()? != Kind::Object {
            let found = self.describe()?;
            return Err(self.error_at(pos, format!("expected an object for {what}, found {found}")));
        }
        self.pos += 1;
        self.first.push(true);
        if let Some(t) = &mut self.trail {
            t.segments.push(String::new());
        }
        Ok(pos)
    }

    /// The next key of the object opened last, or `None` at its end.
    pub fn next_key(&mut self) -> Result<Option<Key<'a>>, ReadError> {
        self.skip_ws();
        let first = self.first.last_mut().expect("inside an object");
        if self.src.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            self.first.pop();
            if let Some(t) = &mut self.trail {
                t.segments.pop();
            }
            return Ok(None);
        }
        if !*first {
            self.expect_byte(b',', "`,` or `}`")?;
            self.skip_ws();
        }
        *self.first.last_mut().expect("inside an object") = false;
        let pos = self.pos;
        if self.src.get(self.pos) != Some(&b'"') {
            return Err(self.error_at(pos, "malformed JSON: expected a key"));
        }
        let name = self.string_raw()?;
        self.expect_byte(b':', "`:`")?;
        if let Some(t) = &mut self.trail {
            if let Some(top) = t.segments.last_mut() {
                top.clear();
                top.push_str(&name);
            }
            let path = t.path();
            t.positions.entry(path).or_insert(pos);
        }
        Ok(Some(Key { name, pos }))
    }

    /// Opens an array.
    pub fn begin_array(&mut self) -> Result<(), ReadError> {
        self.expect_byte(b'[', "`[`")?;
        self.first.push(true);
        if let Some(t) = &mut self.trail {
            t.segments.push("[0]".to_owned());
        }
        Ok(())
    }

    /// Whether the array opened last has another element (and moves to it).
    pub fn next_element(&mut self) -> Result<bool, ReadError> {
        self.skip_ws();
        if self.src.get(self.pos) == Some(&b']') {
            self.pos += 1;
            self.first.pop();
            if let Some(t) = &mut self.trail {
                t.segments.pop();
            }
            return Ok(false);
        }
        let first = self.first.last_mut().expect("inside an array");
        if !*first {
            self.expect_byte(b',', "`,` or `]`")?;
        }
        *self.first.last_mut().expect("inside an array") = false;
        self.skip_ws();
        let pos = self.pos;
        if let Some(t) = &mut self.trail {
            if let Some(top) = t.segments.last_mut() {
                let n: usize = top.trim_matches(['[', ']']).parse().unwrap_or(0) + 1;
                *top = format!("[{n}]");
            }
            let path = t.path();
            t.positions.entry(path).or_insert(pos);
        }
        Ok(true)
    }

    fn string_raw(&mut self) -> Result<Cow<'a, str>, ReadError> {
        let start = self.pos;
        self.pos += 1;
        let body_start = self.pos;
        let mut owned: Option<String> = None;
        loop {
            let Some(&b) = self.src.get(self.pos) else {
                return Err(self.error_at(start, "malformed JSON: unterminated string"));
            };
            match b {
                b'"' => {
                    let text = match owned {
                        Some(s) => Cow::Owned(s),
                        None => Cow::Borrowed(
                            std::str::from_utf8(&self.src[body_start..self.pos])
                                .map_err(|_| self.error_at(start, "malformed JSON: not UTF-8"))?,
                        ),
                    };
                    self.pos += 1;
                    return Ok(text);
                }
                b'\\' => {
                    let buf = owned.get_or_insert_with(|| {
                        String::from_utf8_lossy(&self.src[body_start..self.pos]).into_owned()
                    });
                    let esc = self.src.get(self.pos + 1).copied();
                    self.pos += 2;
                    match esc {
                        Some(b'"') => buf.push('"'),
                        Some(b'\\') => buf.push('\\'),
                        Some(b'/') => buf.push('/'),
                        Some(b'b') => buf.push('\u{8}'),
                        Some(b'f') => buf.push('\u{c}'),
                        Some(b'n') => buf.push('\n'),
                        Some(b'r') => buf.push('\r'),
                        Some(b't') => buf.push('\t'),
                        Some(b'u') => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) && self.src[self.pos..].starts_with(b"\\u") {
                                self.pos += 2;
                                let lo = self.hex4()?;
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF))
                            } else {
                                char::from_u32(hi)
                            };
                            buf.push(c.unwrap_or('\u{FFFD}'));
                        }
                        _ => return Err(self.error_at(self.pos - 2, "malformed JSON: bad escape")),
                    }
                }
                0..=0x1F => return Err(self.error_at(self.pos, "malformed JSON: control character in string")),
                _ => {
                    if let Some(buf) = owned.as_mut() {
                        // Copy the run of plain bytes up to the next quote or backslash.
                        let run_end = self.src[self.pos..]
                            .iter()
                            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                            .map_or(self.src.len(), |i| self.pos + i);
                        buf.push_str(
                            std::str::from_utf8(&self.src[self.pos..run_end])
                                .map_err(|_| self.error_at(start, "malformed JSON: not UTF-8"))?,
                        );
                        self.pos = run_end;
                    } else {
                        self.pos += 1;
                    }
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ReadError> {
        let digits = self.src.get(self.pos..self.pos + 4).and_then(|d| std::str::from_utf8(d).ok());
        match digits.and_then(|d| u32::from_str_radix(d, 16).ok()) {
            Some(value) => {
                self.pos += 4;
                Ok(value)
            }
            None => Err(self.error_at(self.pos, "malformed JSON: bad \\u escape")),
        }
    }

    fn number_raw(&mut self) -> Result<&'a str, ReadError> {
        let start = self.pos;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.src.get(self.pos) {
            self.pos += 1;
        }
        std::str::from_utf8(&self.src[start..self.pos]).map_err(|_| self.error_at(start, "malformed JSON number"))
    }

    fn describe(&mut self) -> Result<&'static str, ReadError> {
        Ok(match self.peek()? {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Bool => "true or false",
            Kind::Null => "null",
        })
    }

    /// The text of a scalar (string, number or boolean), for parsing as a simple type.
    pub fn scalar_text(&mut self, what: &str) -> Result<(Cow<'a, str>, usize), ReadError> {
        let pos = {
            self.skip_ws();
            self.pos
        };
        match self.peek()? {
            Kind::String => Ok((self.string_raw()?, pos)),
            Kind::Number => Ok((Cow::Borrowed(self.number_raw()?), pos)),
            Kind::Bool if self.src[self.pos..].starts_with(b"true") => {
                self.pos += 4;
                Ok((Cow::Borrowed("true"), pos))
            }
            Kind::Bool => {
                self.literal("false")?;
                Ok((Cow::Borrowed("false"), pos))
            }
            _ => {
                let found = self.describe()?;
                Err(self.error_at(pos, format!("expected a value for {what}, found {found}")))
            }
        }
    }

    /// A simple value written as a JSON scalar.
    pub fn simple<T: SimpleType>(&mut self, what: &str) -> Result<T, ReadError> {
        let (text, pos) = self.scalar_text(what)?;
        T::parse_json(&text).map_err(|msg| self.error_at(pos, format!("{what}: {msg}")))
    }

    /// Skips any value.
    pub fn skip(&mut self) -> Result<(), ReadError> {
        match self.peek()? {
            Kind::Object => {
                self.begin_object("")?;
                while self.next_key()?.is_some() {
                    self.skip()?;
                }
            }
            Kind::Array => {
                self.begin_array()?;
                while self.next_element()? {
                    self.skip()?;
                }
            }
            Kind::String => {
                self.string_raw()?;
            }
            Kind::Number => {
                self.number_raw()?;
            }
            Kind::Bool => {
                self.scalar_text("")?;
            }
            Kind::Null => self.literal("null")?,
        }
        Ok(())
    }

    /// A key the type does not have: an error in strict mode, skipped in lenient mode.
    pub fn unknown_key(&mut self, key: &Key<'_>, owner: &str) -> Result<(), ReadError> {
        if self.mode == Mode::Lenient {
            return self.skip();
        }
        Err(self.error_at(key.pos, format!("unknown key \"{}\" in {owner}", key.name)))
    }

    /// A required field.
    pub fn required<T>(&self, value: Option<T>, object_pos: usize, owner: &str, key: &str) -> Result<T, ReadError> {
        value.ok_or_else(|| self.error_at(object_pos, format!("{owner} is missing the required key \"{key}\"")))
    }

    /// After the document's value: only whitespace may follow.
    pub fn finish(&mut self) -> Result<(), ReadError> {
        self.skip_ws();
        if self.pos < self.src.len() {
            return Err(self.error_at(self.pos, "malformed JSON: content after the document"));
        }
        Ok(())
    }
}
