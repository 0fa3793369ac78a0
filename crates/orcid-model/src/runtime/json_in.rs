//! Reading ORCID's JSON: a pull reader with RFC 8259's grammar exactly (numbers, escapes,
//! surrogate pairs, literals), that knows where it is for messages, nests at most
//! [`MAX_DEPTH`] deep and never recurses on what the input controls.
//!
//! ORCID's JSON comes from its Java classes, not from the XSD: some simple values are wrapped
//! as `{"value": ...}`, dates are epoch milliseconds, lists sit under the singular element
//! name. The schema tables say which member has which shape; this reader forgives where ORCID
//! does: `null` for anything optional, a bare scalar where a wrapper is expected, a single
//! value where a list is.

use std::borrow::Cow;

use super::content::{Core, Form, FrameCore, Input, MAX_DEPTH, Name, ProblemKind, Read, ReadMode, simple_value};
use super::schema::{MemberKind, Shape, StructSchema};
use super::simple::{DateTime, SimpleType};
use super::unknown::Unknown;
use crate::ReadError;

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

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Bool => "true or false",
            Kind::Null => "null",
        }
    }
}

/// The grammar: a pull reader over UTF-8 text.
#[derive(Clone)]
pub struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    /// Per open container: (whether it is an object, whether no member has been read yet).
    open: Vec<(bool, bool)>,
    /// The key or scalar read last, as [`Lexer::text`] gives it: where it starts, the span of
    /// its text, and whether that text is `unescaped` instead (it had escapes). Kept here
    /// rather than handed back as a `Cow` through `Result` and `Option`: copying one out
    /// through those layers stalls the processor (a store that cannot be forwarded to the
    /// wider load after it) and cost more than lexing the key.
    token_at: usize,
    token: (usize, usize),
    escaped: bool,
    /// The unescaped text of the last string with escapes (reused).
    unescaped: String,
}

/// A grammar error: where and what.
pub struct SyntaxError {
    /// Byte offset.
    pub pos: usize,
    /// What is wrong.
    pub message: String,
}

/// A lexer's answer. The error is boxed so that answers fit in registers: the lexer is called
/// for every token, and an answer returned through memory costs more than the token.
pub type Syntax<T> = Result<T, Box<SyntaxError>>;

/// The bytes that end a run of plain characters in a string: `"`, `\` and control characters.
static STRING_STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

fn syntax<T>(pos: usize, message: impl Into<String>) -> Syntax<T> {
    Err(Box::new(SyntaxError { pos, message: format!("malformed JSON: {}", message.into()) }))
}

impl<'a> Lexer<'a> {
    /// A reader over text (a leading byte-order mark is skipped, as ORCID's parser does).
    pub fn new(src: &'a str) -> Lexer<'a> {
        let pos = if src.starts_with('\u{FEFF}') { 3 } else { 0 };
        Lexer { src, pos, open: Vec::new(), token_at: pos, token: (pos, pos), escaped: false, unescaped: String::new() }
    }

    /// The current byte offset.
    pub fn pos(&self) -> usize {
        self.pos
    }

    fn skip_ws(&mut self) {
        let bytes = self.src.as_bytes();
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The kind of the next value, at its position.
    pub fn peek(&mut self) -> Syntax<Kind> {
        self.skip_ws();
        match self.src.as_bytes().get(self.pos) {
            Some(b'{') => Ok(Kind::Object),
            Some(b'[') => Ok(Kind::Array),
            Some(b'"') => Ok(Kind::String),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            Some(b't' | b'f') => Ok(Kind::Bool),
            Some(b'n') => Ok(Kind::Null),
            Some(_) => {
                let c = self.src[self.pos..].chars().next().unwrap_or('?');
                syntax(self.pos, format!("unexpected {c:?} where a value should be"))
            }
            None => syntax(self.pos, "unexpected end of input where a value should be"),
        }
    }

    /// Consumes `null` if it is next.
    pub fn null(&mut self) -> Syntax<bool> {
        if self.peek()? == Kind::Null {
            self.literal("null")?;
            return Ok(true);
        }
        Ok(false)
    }

    fn literal(&mut self, word: &str) -> Syntax<()> {
        if self.src[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            syntax(self.pos, format!("expected `{word}`"))
        }
    }

    fn expect_byte(&mut self, b: u8, what: &str) -> Syntax<()> {
        self.skip_ws();
        if self.src.as_bytes().get(self.pos) == Some(&b) {
            self.pos += 1;
            Ok(())
        } else if self.pos >= self.src.len() {
            syntax(self.pos, format!("unexpected end of input; expected {what}"))
        } else {
            syntax(self.pos, format!("expected {what}"))
        }
    }

    fn open(&mut self, b: u8) -> Syntax<()> {
        if self.open.len() >= MAX_DEPTH {
            return Err(Box::new(SyntaxError {
                pos: self.pos,
                message: format!("values nest deeper than {MAX_DEPTH} levels, more than ORCID's JSON parser allows"),
            }));
        }
        self.expect_byte(b, if b == b'{' { "`{`" } else { "`[`" })?;
        self.open.push((b == b'{', true));
        Ok(())
    }

    /// Marks the container open now as having a member.
    fn take_first(&mut self) {
        if let Some(top) = self.open.last_mut() {
            top.1 = false;
        }
    }

    /// Whether the container open last is of the kind asked for (an object or an array) and
    /// has no member yet. A reader asking in the wrong place is an error, not a panic.
    fn open_container(&self, object: bool) -> Syntax<bool> {
        match self.open.last() {
            Some(&(is_object, first)) if is_object == object => Ok(first),
            _ => syntax(self.pos, if object { "a key read outside an object" } else { "an element read outside an array" }),
        }
    }

    /// Opens an object.
    pub fn begin_object(&mut self) -> Syntax<()> {
        self.open(b'{')
    }

    /// Reads the next key of the object opened last (and its `:`): its text is
    /// [`Lexer::text`], where it starts [`Lexer::text_pos`]. `false` at the object's end.
    pub fn next_key(&mut self) -> Syntax<bool> {
        self.skip_ws();
        let first = self.open_container(true)?;
        if self.src.as_bytes().get(self.pos) == Some(&b'}') {
            self.pos += 1;
            self.open.pop();
            return Ok(false);
        }
        if !first {
            self.expect_byte(b',', "`,` or `}`")?;
            self.skip_ws();
        }
        self.take_first();
        let pos = self.pos;
        if self.src.as_bytes().get(self.pos) != Some(&b'"') {
            return if self.pos >= self.src.len() {
                syntax(pos, "unexpected end of input; expected a key")
            } else {
                syntax(pos, "expected a key")
            };
        }
        self.string()?;
        self.expect_byte(b':', "`:`")?;
        Ok(true)
    }

    /// The text of the key or scalar read last (a string unescaped, a number or literal as
    /// written).
    pub fn text(&self) -> Cow<'a, str> {
        if self.escaped {
            Cow::Owned(self.unescaped.clone())
        } else {
            Cow::Borrowed(self.src.get(self.token.0..self.token.1).unwrap_or(""))
        }
    }

    /// Where the key or scalar read last starts.
    pub fn text_pos(&self) -> usize {
        self.token_at
    }

    /// Sets what [`Lexer::text`] gives: the input from `from` to `to`.
    fn set_token(&mut self, at: usize, from: usize, to: usize) {
        self.token_at = at;
        self.token = (from, to);
        self.escaped = false;
    }

    /// Opens an array.
    pub fn begin_array(&mut self) -> Syntax<()> {
        self.open(b'[')
    }

    /// Whether the array opened last has another element (and moves to it).
    pub fn next_element(&mut self) -> Syntax<bool> {
        self.skip_ws();
        let first = self.open_container(false)?;
        if self.src.as_bytes().get(self.pos) == Some(&b']') {
            self.pos += 1;
            self.open.pop();
            return Ok(false);
        }
        if !first {
            self.expect_byte(b',', "`,` or `]`")?;
        }
        self.take_first();
        self.skip_ws();
        Ok(true)
    }

    /// Reads a string, at its opening quote, as the token [`Lexer::text`] gives.
    fn string(&mut self) -> Syntax<()> {
        let start = self.pos;
        self.pos += 1;
        let bytes = self.src.as_bytes();
        let mut escaped = false;
        let mut run_start = self.pos;
        loop {
            // Up to the next quote, backslash or control character: a table per byte beats a
            // vector search on the short strings JSON is mostly made of.
            let mut at = self.pos;
            // Eight bytes at a time past runs with nothing to stop at (long titles, citations).
            while let Some(chunk) = bytes.get(at..at + 8) {
                if super::output::needs_escape(u64::from_le_bytes(chunk.try_into().expect("eight bytes"))) {
                    break;
                }
                at += 8;
            }
            let end = match bytes[at..].iter().position(|&b| STRING_STOP[usize::from(b)]) {
                Some(i) => at + i,
                None => return syntax(start, "unterminated string"),
            };
            match bytes[end] {
                b'"' => {
                    self.pos = end + 1;
                    if escaped {
                        self.unescaped.push_str(&self.src[run_start..end]);
                        self.token_at = start;
                        self.escaped = true;
                    } else {
                        self.set_token(start, run_start, end);
                    }
                    return Ok(());
                }
                b'\\' => {}
                b => return syntax(end, format!("the control character U+{b:04X} must be escaped in a string")),
            }
            if !escaped {
                escaped = true;
                self.unescaped.clear();
            }
            self.unescaped.push_str(&self.src[run_start..end]);
            self.pos = end + 1;
            let esc = bytes.get(self.pos).copied();
            self.pos += 1;
            match esc {
                Some(b'"') => self.unescaped.push('"'),
                Some(b'\\') => self.unescaped.push('\\'),
                Some(b'/') => self.unescaped.push('/'),
                Some(b'b') => self.unescaped.push('\u{8}'),
                Some(b'f') => self.unescaped.push('\u{c}'),
                Some(b'n') => self.unescaped.push('\n'),
                Some(b'r') => self.unescaped.push('\r'),
                Some(b't') => self.unescaped.push('\t'),
                Some(b'u') => {
                    let at = self.pos - 2;
                    let unit = self.hex4()?;
                    let c = match unit {
                        0xD800..=0xDBFF => {
                            if !self.src[self.pos..].starts_with("\\u") {
                                return syntax(at, "a \\u escape of a leading surrogate must be followed by one of a trailing surrogate");
                            }
                            self.pos += 2;
                            let low = self.hex4()?;
                            if !(0xDC00..=0xDFFF).contains(&low) {
                                return syntax(at, "a \\u escape of a leading surrogate must be followed by one of a trailing surrogate");
                            }
                            char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                        }
                        0xDC00..=0xDFFF => return syntax(at, "a \\u escape of a trailing surrogate without a leading one"),
                        _ => char::from_u32(unit),
                    };
                    self.unescaped.push(c.unwrap_or('\u{FFFD}'));
                }
                Some(_) => return syntax(self.pos - 2, "bad escape"),
                None => return syntax(start, "unterminated string"),
            }
            run_start = self.pos;
        }
    }

    fn hex4(&mut self) -> Syntax<u32> {
        let digits = self.src.as_bytes().get(self.pos..self.pos + 4);
        match digits.filter(|d| d.iter().all(u8::is_ascii_hexdigit)) {
            Some(d) => {
                self.pos += 4;
                Ok(d.iter().fold(0, |n, &b| n * 16 + char::from(b).to_digit(16).unwrap_or(0)))
            }
            None => syntax(self.pos, "bad \\u escape (four hex digits)"),
        }
    }

    /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, exactly.
    fn number(&mut self) -> Syntax<()> {
        let start = self.pos;
        let bytes = self.src.as_bytes();
        let digits = |at: usize| bytes[at..].iter().take_while(|b| b.is_ascii_digit()).count();
        let mut at = start;
        if bytes.get(at) == Some(&b'-') {
            at += 1;
        }
        match bytes.get(at) {
            Some(b'0') => at += 1,
            Some(b'1'..=b'9') => at += digits(at),
            _ => return syntax(start, "a number needs digits"),
        }
        if bytes.get(at) == Some(&b'.') {
            let n = digits(at + 1);
            if n == 0 {
                return syntax(at, "a decimal point needs digits after it");
            }
            at += 1 + n;
        }
        if let Some(b'e' | b'E') = bytes.get(at) {
            at += 1;
            if let Some(b'+' | b'-') = bytes.get(at) {
                at += 1;
            }
            let n = digits(at);
            if n == 0 {
                return syntax(at, "an exponent needs digits");
            }
            at += n;
        }
        self.pos = at;
        Ok(())
    }

    /// Reads a scalar (string, number, boolean or `null`): its text is [`Lexer::text`], where
    /// it starts [`Lexer::text_pos`].
    pub fn scalar(&mut self) -> Syntax<Kind> {
        let kind = self.peek()?;
        let pos = self.pos;
        match kind {
            Kind::String => self.string()?,
            Kind::Number => self.number()?,
            Kind::Bool if self.src[self.pos..].starts_with("true") => self.pos += 4,
            Kind::Bool => self.literal("false")?,
            Kind::Null => self.literal("null")?,
            Kind::Object | Kind::Array => return syntax(pos, "expected a scalar"),
        }
        if kind != Kind::String {
            self.set_token(pos, pos, self.pos);
        }
        Ok(kind)
    }

    /// Reads the scalar at `pos` again as the token (where later keys took its place), then
    /// goes on where reading was.
    pub fn reread_scalar(&mut self, pos: usize) -> Syntax<()> {
        let resume = std::mem::replace(&mut self.pos, pos);
        let read = self.scalar();
        self.pos = resume;
        read.map(|_| ())
    }

    /// Skips a value of any kind, without recursion; returns where it starts and ends.
    pub fn skip(&mut self) -> Syntax<(usize, usize)> {
        let start = {
            self.skip_ws();
            self.pos
        };
        let base = self.open.len();
        loop {
            match self.peek()? {
                Kind::Object => self.begin_object()?,
                Kind::Array => self.begin_array()?,
                _ => {
                    self.scalar()?;
                }
            }
            // Move on to the next value inside what the skip opened, closing what ends.
            loop {
                if self.open.len() == base {
                    return Ok((start, self.pos));
                }
                let in_object = self.in_object();
                let more = if in_object { self.next_key()? } else { self.next_element()? };
                if more {
                    break;
                }
            }
        }
    }

    /// Whether the container opened last is an object.
    fn in_object(&self) -> bool {
        self.open.last().is_some_and(|c| c.0)
    }

    /// After the document's value: only whitespace may follow.
    pub fn finish(&mut self) -> Syntax<()> {
        self.skip_ws();
        if self.pos < self.src.len() {
            return syntax(self.pos, "content after the document's value");
        }
        Ok(())
    }
}

/// Where the JSON reader takes its tokens from: JSON text ([`Lexer`]), or a value a serde
/// deserializer handed over ([`super::tape::TapeSource`]). Positions are byte offsets in text
/// and token numbers in a tape; they only go back into the same source.
pub trait Source<'a>: Clone {
    /// Where the next token starts.
    fn pos(&self) -> usize;
    /// The kind of the next value.
    fn peek(&mut self) -> Syntax<Kind>;
    /// Consumes `null` if it is next.
    fn null(&mut self) -> Syntax<bool>;
    /// Opens an object.
    fn begin_object(&mut self) -> Syntax<()>;
    /// Reads the next key of the object opened last; `false` at its end.
    fn next_key(&mut self) -> Syntax<bool>;
    /// The text of the key or scalar read last.
    fn text(&self) -> Cow<'a, str>;
    /// Where the key or scalar read last starts.
    fn text_pos(&self) -> usize;
    /// Opens an array.
    fn begin_array(&mut self) -> Syntax<()>;
    /// Whether the array opened last has another element.
    fn next_element(&mut self) -> Syntax<bool>;
    /// Reads a scalar as the token.
    fn scalar(&mut self) -> Syntax<Kind>;
    /// Makes the scalar at `pos` the token again.
    fn reread_scalar(&mut self, pos: usize) -> Syntax<()>;
    /// Skips a value; returns where it starts and ends.
    fn skip(&mut self) -> Syntax<(usize, usize)>;
    /// The JSON text of the values from `from` to `to` (a span [`Source::skip`] gave).
    fn raw(&self, from: usize, to: usize) -> Cow<'a, str>;
    /// After the document's value: nothing else may follow.
    fn finish(&mut self) -> Syntax<()>;
}

impl<'a> Source<'a> for Lexer<'a> {
    fn pos(&self) -> usize {
        Lexer::pos(self)
    }
    fn peek(&mut self) -> Syntax<Kind> {
        Lexer::peek(self)
    }
    fn null(&mut self) -> Syntax<bool> {
        Lexer::null(self)
    }
    fn begin_object(&mut self) -> Syntax<()> {
        Lexer::begin_object(self)
    }
    fn next_key(&mut self) -> Syntax<bool> {
        Lexer::next_key(self)
    }
    fn text(&self) -> Cow<'a, str> {
        Lexer::text(self)
    }
    fn text_pos(&self) -> usize {
        Lexer::text_pos(self)
    }
    fn begin_array(&mut self) -> Syntax<()> {
        Lexer::begin_array(self)
    }
    fn next_element(&mut self) -> Syntax<bool> {
        Lexer::next_element(self)
    }
    fn scalar(&mut self) -> Syntax<Kind> {
        Lexer::scalar(self)
    }
    fn reread_scalar(&mut self, pos: usize) -> Syntax<()> {
        Lexer::reread_scalar(self, pos)
    }
    fn skip(&mut self) -> Syntax<(usize, usize)> {
        Lexer::skip(self)
    }
    fn raw(&self, from: usize, to: usize) -> Cow<'a, str> {
        Cow::Borrowed(&self.src[from..to])
    }
    fn finish(&mut self) -> Syntax<()> {
        Lexer::finish(self)
    }
}

/// How a JSON frame reads its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    /// An object: keys name the members.
    Object,
    /// A wrapper the JSON leaves out (see [`Shape::Flattened`]): the value at hand is the
    /// list of the struct's one member.
    Flattened,
}

/// Where a frame is in a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    /// Not in one.
    None,
    /// In the array of this member.
    Member(usize),
    /// In the array of the struct's tagged list.
    Tagged,
    /// In one entry object of the tagged list.
    TaggedEntry,
    /// In the one entry object the tagged list's key holds instead of an array.
    TaggedSingle,
}

/// What a reader holds for an open struct.
pub struct JsonFrame {
    core: FrameCore,
    kind: FrameKind,
    list: List,
    /// Whether the struct's end was read.
    ended: bool,
    /// Where the value of the member just returned starts.
    value_pos: usize,
    /// Whether the struct's text value (its `"value"` key) was met.
    text_seen: bool,
}

/// The JSON reader the generated code drives.
pub struct JsonInput<'a, S: Source<'a> = Lexer<'a>> {
    core: Core<'a>,
    lex: S,
    /// Whether the next `enter` reads a flattened list rather than an object.
    flattened: bool,
}

impl<'a> JsonInput<'a> {
    /// A reader over a whole document (UTF-8 text).
    pub fn new(src: &'a str, mode: ReadMode) -> JsonInput<'a> {
        JsonInput { core: Core::new(src.as_bytes(), mode, Form::Json), lex: Lexer::new(src), flattened: false }
    }
}

impl<'a, S: Source<'a>> JsonInput<'a, S> {
    /// A reader over another source of tokens (no text: messages carry no line).
    pub fn with_source(source: S, mode: ReadMode) -> JsonInput<'a, S> {
        JsonInput { core: Core::new(b"", mode, Form::Json), lex: source, flattened: false }
    }

    /// Reads the value at hand as a `T` through a fresh reader, leaving this one where it is
    /// (for a document kind two schemas define: each is tried in turn).
    pub fn try_as<T: Read>(&self) -> Result<T, ReadError> {
        let mut fresh = JsonInput { core: Core::new(self.core.src, self.core.mode, Form::Json), lex: self.lex.clone(), flattened: false };
        let value = T::read(&mut fresh)?;
        fresh.finish()?;
        Ok(value)
    }

    /// The shared state (mode, problems, trail).
    pub fn core(&mut self) -> &mut Core<'a> {
        &mut self.core
    }

    /// Hands over the shared state once reading is done.
    pub fn into_core(self) -> Core<'a> {
        self.core
    }

    /// How this reader reads.
    pub fn mode(&self) -> ReadMode {
        self.core.mode
    }

    /// Skips the value at hand (after a fresh reader has read it).
    pub fn skip_value(&mut self) -> Result<(), ReadError> {
        self.skip().map(|_| ())
    }

    /// A grammar error: it stops reading in every mode.
    fn malformed(&mut self, e: SyntaxError) -> ReadError {
        let kind = if e.message.contains("nest deeper") { ProblemKind::Limit } else { ProblemKind::Malformed };
        self.core.fatal(kind, None, e.pos, e.message)
    }

    /// The kind of the next value.
    pub fn peek(&mut self) -> Result<Kind, ReadError> {
        self.lex.peek().map_err(|e| self.malformed(*e))
    }

    /// After the document's value: only whitespace may follow.
    pub fn finish(&mut self) -> Result<(), ReadError> {
        self.lex.finish().map_err(|e| self.malformed(*e))
    }

    /// Skips a value; returns where it starts and ends.
    fn skip(&mut self) -> Result<(usize, usize), ReadError> {
        self.lex.skip().map_err(|e| self.malformed(*e))
    }

    /// Reads a document whose root is a simple value (`title`, `created-date` ...).
    pub fn root_simple<T: SimpleType>(&mut self, what: &str, facets: &'static super::schema::Facets, millis: bool) -> Result<T, ReadError> {
        let (text, pos) = match self.scalar_or_wrapped(None, Name::Key(what))? {
            true => (self.lex.text(), self.lex.text_pos()),
            false => (Cow::Borrowed(""), self.lex.pos()),
        };
        let text = if millis { millis_text(&text) } else { text };
        if self.core.mode != ReadMode::Lenient
            && let Err(message) = facets.check(&text)
        {
            self.core.problem(ProblemKind::Value, None, pos, format!("{what}: {message}"))?;
        }
        if self.core.mode != ReadMode::Lenient
            && let Some(message) = super::content::xml_unwritable(&text)
        {
            self.core.problem(ProblemKind::Value, None, pos, format!("{what}: {message}"))?;
        }
        T::parse_json(&text).map_err(|message| self.core.fatal(ProblemKind::Value, None, pos, format!("{what}: {message}")))
    }

    /// Reads a scalar, or a `{"value": scalar}` wrapper around one (other keys in the wrapper
    /// go to `frame` as unknown, when there is one): `true` with the scalar as the lexer's
    /// token, `false` for `null`.
    fn scalar_or_wrapped(&mut self, mut frame: Option<&mut JsonFrame>, what: Name<'_>) -> Result<bool, ReadError> {
        match self.peek()? {
            Kind::Null => {
                self.lex.null().map_err(|e| self.malformed(*e))?;
                Ok(false)
            }
            Kind::Object => {
                let at = self.lex.pos();
                self.lex.begin_object().map_err(|e| self.malformed(*e))?;
                // Where the value is, and whether a key read after it took the lexer's token.
                let mut value: Option<usize> = None;
                let mut token_taken = false;
                while self.lex.next_key().map_err(|e| self.malformed(*e))? {
                    let (key, key_pos) = (self.lex.text(), self.lex.text_pos());
                    token_taken = true;
                    if key == "value" {
                        if self.peek()? == Kind::Null {
                            self.lex.null().map_err(|e| self.malformed(*e))?;
                        } else {
                            self.scalar(what)?;
                            value = Some(self.lex.text_pos());
                            token_taken = false;
                        }
                        continue;
                    }
                    let trail = frame.as_ref().and_then(|f| f.core.member_trail);
                    let message = || format!("unknown key \"{key}\" in {what} (expected \"value\")");
                    self.core.problem_lazy(ProblemKind::UnknownKey, trail, key_pos, message)?;
                    let (from, to) = self.skip()?;
                    if self.core.keep_unknown
                        && let Some(f) = frame.as_deref_mut()
                    {
                        let owner = f.core.owner();
                        let raw = self.lex.raw(from, to);
                        f.core.unknown.keep_member_key(owner, &key, &raw);
                    }
                }
                match value {
                    Some(pos) if token_taken => self.lex.reread_scalar(pos).map_err(|e| self.malformed(*e))?,
                    Some(_) => {}
                    None => {
                        let trail = frame.as_ref().and_then(|f| f.core.member_trail);
                        self.core.problem(
                            ProblemKind::MissingElement,
                            trail,
                            at,
                            format!("{what} is missing the required key \"value\""),
                        )?;
                    }
                }
                Ok(value.is_some())
            }
            Kind::Array => {
                let pos = self.lex.pos();
                let trail = frame.as_ref().and_then(|f| f.core.member_trail);
                self.core.problem(ProblemKind::JsonShape, trail, pos, format!("expected a value for {what}, found an array"))?;
                self.skip()?;
                Ok(false)
            }
            _ => self.scalar(what).map(|()| true),
        }
    }

    /// Reads a scalar as the lexer's token; an object or array is fatal.
    fn scalar(&mut self, what: Name<'_>) -> Result<(), ReadError> {
        match self.peek()? {
            Kind::Object | Kind::Array => {
                let pos = self.lex.pos();
                let found = self.peek()?.describe();
                Err(self.core.fatal(ProblemKind::JsonShape, None, pos, format!("expected a value for {what}, found {found}")))
            }
            _ => self.lex.scalar().map(|_| ()).map_err(|e| self.malformed(*e)),
        }
    }

    /// Meets a member whose value is next: a `null` is as good as absent; a list member
    /// takes an array (or one value); anything else one value.
    fn member_value(&mut self, f: &mut JsonFrame, index: usize, key_pos: usize, key: &str) -> Result<bool, ReadError> {
        let schema = f.core.schema;
        let member = &schema.members[index];
        let kind = self.peek()?;
        if kind == Kind::Null {
            self.lex.null().map_err(|e| self.malformed(*e))?;
            return Ok(false);
        }
        let list = f.core.repeatable(index) || member.shape == Shape::Flattened;
        if kind == Kind::Array && f.core.repeatable(index) {
            self.lex.begin_array().map_err(|e| self.malformed(*e))?;
            f.list = List::Member(index);
            return Ok(false);
        }
        if self.core.keep_unknown && f.core.seen_before(index) {
            // Lenient reading: a second of a member that comes once is kept as it is, where it
            // is, rather than read over the first.
            self.keep_or_skip(f, key)?;
            return Ok(false);
        }
        if kind == Kind::Array && !list {
            let message = format!("\"{key}\" in {} holds one value, not an array", schema.name);
            let trail = f.core.trail;
            self.core.problem(ProblemKind::JsonShape, trail, key_pos, message)?;
            self.keep_or_skip(f, key)?;
            return Ok(false);
        }
        f.core.meet(&mut self.core, index, key_pos, Name::Key(key))?;
        f.value_pos = self.lex.pos();
        Ok(true)
    }

    /// Skips the value of `key`, keeping it (lenient reading) with the struct's unknown
    /// content, in place.
    fn keep_or_skip(&mut self, f: &mut JsonFrame, key: &str) -> Result<(), ReadError> {
        let (from, to) = self.skip()?;
        if self.core.keep_unknown {
            let raw = self.lex.raw(from, to);
            f.core.unknown.keep_json_key(f.core.reached, key, &raw);
        }
        Ok(())
    }

    /// The next entry of the list of member `index` being read (`null` entries skipped), met;
    /// `false` at the list's end.
    fn list_entry(&mut self, f: &mut JsonFrame, index: usize) -> Result<bool, ReadError> {
        loop {
            if !self.lex.next_element().map_err(|e| self.malformed(*e))? {
                return Ok(false);
            }
            if self.peek()? == Kind::Null {
                self.lex.null().map_err(|e| self.malformed(*e))?;
                continue;
            }
            let pos = self.lex.pos();
            f.core.meet(&mut self.core, index, pos, Name::Key(f.core.schema.members[index].json_key))?;
            f.value_pos = pos;
            return Ok(true);
        }
    }

    /// [`Input::next`] for a wrapper the JSON leaves out: its one member, once per element of
    /// the list (out of line: the common path stays small).
    #[inline(never)]
    fn next_flattened(&mut self, f: &mut JsonFrame) -> Result<Option<usize>, ReadError> {
        let schema = f.core.schema;
        loop {
            if f.ended {
                return Ok(None);
            }
            match f.list {
                List::Member(index) => {
                    if self.list_entry(f, index)? {
                        return Ok(Some(index));
                    }
                    f.ended = true;
                    return Ok(None);
                }
                // Not started (a flattened wrapper holds no tagged list).
                _ => {
                    let index = schema.members.iter().position(|m| m.field().is_some()).expect("a flattened wrapper holds a list");
                    match self.peek()? {
                        Kind::Array => {
                            self.lex.begin_array().map_err(|e| self.malformed(*e))?;
                            f.list = List::Member(index);
                        }
                        _ => {
                            // One value where a list is: the list of one.
                            f.ended = true;
                            let pos = self.lex.pos();
                            f.core.meet(&mut self.core, index, pos, Name::Key(schema.members[index].json_key))?;
                            f.value_pos = pos;
                            return Ok(Some(index));
                        }
                    }
                }
            }
        }
    }
}

impl<'a, S: Source<'a>> Input<'a> for JsonInput<'a, S> {
    type Frame = JsonFrame;

    fn enter(&mut self, schema: &'static StructSchema) -> Result<JsonFrame, ReadError> {
        let pos = {
            let _ = self.peek()?;
            self.lex.pos()
        };
        let trail = if self.core.validating() && self.core.trail_is_empty() {
            let root = schema.name.rsplit(':').next().unwrap_or(schema.name);
            Some(self.core.trail.push(None, Cow::Owned(root.to_owned()), false, 0, pos))
        } else {
            self.core.pending_trail.take()
        };
        let mut frame = JsonFrame {
            core: FrameCore::new(schema, pos, trail),
            kind: FrameKind::Object,
            list: List::None,
            ended: false,
            value_pos: pos,
            text_seen: false,
        };
        if std::mem::take(&mut self.flattened) {
            frame.kind = FrameKind::Flattened;
            return Ok(frame);
        }
        match self.peek()? {
            Kind::Object => {
                self.lex.begin_object().map_err(|e| self.malformed(*e))?;
                Ok(frame)
            }
            other => Err(self.core.fatal(
                ProblemKind::JsonShape,
                trail,
                pos,
                format!("expected an object for {}, found {}", schema.name, other.describe()),
            )),
        }
    }

    fn next(&mut self, f: &mut JsonFrame) -> Result<Option<usize>, ReadError> {
        let schema = f.core.schema;
        if f.kind == FrameKind::Flattened {
            return self.next_flattened(f);
        }
        loop {
            if f.ended {
                return Ok(None);
            }
            match f.list {
                List::Member(index) => {
                    if self.list_entry(f, index)? {
                        return Ok(Some(index));
                    }
                    f.list = List::None;
                }
                List::Tagged => {
                    if !self.lex.next_element().map_err(|e| self.malformed(*e))? {
                        f.list = List::None;
                        continue;
                    }
                    if self.peek()? == Kind::Null {
                        self.lex.null().map_err(|e| self.malformed(*e))?;
                        continue;
                    }
                    if self.peek()? != Kind::Object {
                        let pos = self.lex.pos();
                        let tagged = schema.json_tagged.unwrap_or_default();
                        let message = format!("each entry of \"{tagged}\" is an object naming its kind");
                        self.core.problem(ProblemKind::JsonShape, f.core.trail, pos, message)?;
                        self.skip()?;
                        continue;
                    }
                    self.lex.begin_object().map_err(|e| self.malformed(*e))?;
                    f.list = List::TaggedEntry;
                }
                List::TaggedEntry | List::TaggedSingle | List::None => {
                    if !self.lex.next_key().map_err(|e| self.malformed(*e))? {
                        match f.list {
                            List::TaggedEntry => {
                                f.list = List::Tagged;
                                continue;
                            }
                            List::TaggedSingle => {
                                f.list = List::None;
                                continue;
                            }
                            _ => {}
                        }
                        f.ended = true;
                        return Ok(None);
                    }
                    let (key, key_pos) = (self.lex.text(), self.lex.text_pos());
                    let in_entry = matches!(f.list, List::TaggedEntry | List::TaggedSingle);
                    if !in_entry && schema.json_tagged == Some(key.as_ref()) {
                        match self.peek()? {
                            Kind::Null => {
                                self.lex.null().map_err(|e| self.malformed(*e))?;
                            }
                            Kind::Array => {
                                self.lex.begin_array().map_err(|e| self.malformed(*e))?;
                                f.list = List::Tagged;
                            }
                            _ => {
                                self.lex.begin_object().map_err(|e| self.malformed(*e))?;
                                f.list = List::TaggedSingle;
                            }
                        }
                        continue;
                    }
                    if !in_entry && schema.json_null_keys.contains(&key.as_ref()) && self.peek()? == Kind::Null {
                        self.lex.null().map_err(|e| self.malformed(*e))?;
                        continue;
                    }
                    let text = if key == "value" && !in_entry { schema.text_member() } else { None };
                    let index = text.or_else(|| schema.json_member(&key));
                    // In a tagged list's entry only its repeated members; outside, the others.
                    let index = index.filter(|&i| schema.json_tagged.is_none() || in_entry == f.core.repeatable(i));
                    match index {
                        Some(index) => {
                            if self.member_value(f, index, key_pos, &key)? {
                                return Ok(Some(index));
                            }
                        }
                        None => {
                            let message = || format!("unknown key \"{key}\" in {}{}", schema.name, schema.expected_keys());
                            let trail = if self.core.validating() {
                                Some(self.core.trail.push(f.core.trail, Cow::Owned(key.clone().into_owned()), false, 0, key_pos))
                            } else {
                                None
                            };
                            self.core.problem_lazy(ProblemKind::UnknownKey, trail, key_pos, message)?;
                            self.keep_or_skip(f, &key)?;
                        }
                    }
                }
            }
        }
    }

    fn simple<T: SimpleType>(&mut self, f: &mut JsonFrame) -> Result<Option<T>, ReadError> {
        let member = f.core.current();
        f.text_seen |= member.kind == MemberKind::Text;
        let what = Name::Key(member.json_key);
        let read = match member.shape {
            Shape::Wrapped | Shape::Millis => self.scalar_or_wrapped(Some(f), what)?,
            _ => match self.peek()? {
                Kind::Object | Kind::Array => {
                    let pos = self.lex.pos();
                    let found = self.peek()?.describe();
                    self.core.problem(
                        ProblemKind::JsonShape,
                        f.core.member_trail,
                        pos,
                        format!("expected a value for {what}, found {found}"),
                    )?;
                    self.skip()?;
                    false
                }
                _ => {
                    self.lex.scalar().map_err(|e| self.malformed(*e))?;
                    true
                }
            },
        };
        if !read {
            return Ok(None);
        }
        let (text, pos) = (self.lex.text(), self.lex.text_pos());
        if member.shape == Shape::Millis
            && let Some(value) = text.parse::<i64>().ok().and_then(T::from_json_millis)
        {
            return Ok(Some(value));
        }
        simple_value(&mut self.core, &mut f.core, &text, pos, what, T::parse_json)
    }

    fn nested<T: Read>(&mut self, f: &mut JsonFrame) -> Result<Option<T>, ReadError> {
        let member = f.core.current();
        if member.shape == Shape::Flattened {
            self.flattened = true;
        } else if self.peek()? != Kind::Object {
            let pos = self.lex.pos();
            let found = self.peek()?.describe();
            let message = format!("expected an object for \"{}\", found {found}", member.json_key);
            self.core.problem(ProblemKind::JsonShape, f.core.member_trail, pos, message)?;
            self.skip()?;
            return Ok(None);
        }
        self.core.pending_trail = f.core.member_trail;
        match T::read(self) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_reported() && !self.core.stopped => {
                self.core.dropped.extend(f.core.member_trail);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    fn leave(&mut self, f: &mut JsonFrame) -> Result<Unknown, ReadError> {
        while !f.ended {
            // A struct that stopped early (it cannot, but stay safe): finish its object.
            if self.next(f)?.is_some() {
                self.skip()?;
            }
        }
        let what = Name::Type(f.core.schema.name);
        f.core.complete(&mut self.core, what, |m| format!("key \"{}\"", m.json_key))?;
        Ok(std::mem::take(&mut f.core.unknown).finish_in_written_order(f.core.schema))
    }

    fn required<T>(&mut self, f: &JsonFrame, member: usize, value: Option<T>) -> Result<T, ReadError> {
        // A text value never met is missing: say so (XML always has a text, maybe empty, and
        // the struct's other required parts are checked when it ends).
        if value.is_none() && !f.text_seen && f.core.schema.members[member].kind == MemberKind::Text && self.core.validating() {
            let message = format!("{} is missing the required key \"value\"", f.core.schema.name);
            self.core.problem(ProblemKind::MissingElement, f.core.trail, f.core.pos, message)?;
        }
        f.core.required(&self.core, member, value, Name::Type(f.core.schema.name))
    }
}

/// A date-time as ORCID's JSON writes it, epoch milliseconds, as `xs:dateTime` text; other
/// text as it is.
fn millis_text(text: &str) -> Cow<'_, str> {
    match text.parse::<i64>() {
        Ok(ms) => Cow::Owned(DateTime::from_epoch_millis(ms).as_str().to_owned()),
        Err(_) => Cow::Borrowed(text),
    }
}
