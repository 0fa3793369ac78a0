//! The content model at work: what both readers (XML and JSON) do with each member they meet,
//! in every mode. One place decides whether a child may come now, whether a struct is
//! complete, whether a value fits its type, and what each mode does with a problem.
//!
//! The generated `Read` impls drive an [`Input`]; the inputs keep a [`FrameCore`] per open
//! struct and report through a [`Core`], which applies the mode's policy: strict reading
//! stops at the first problem, lenient reading passes over what it can and keeps what it does
//! not know, validation records every problem with its path and position and goes on.

use std::borrow::Cow;

use super::schema::{Content, Member, MemberKind, SimpleSchema, StructSchema, shown};
use super::simple::SimpleType;
use super::unknown::UnknownBuilder;
use crate::{Mode, ReadError};

/// How deep elements or JSON values may nest. ORCID's deepest document nests about a dozen
/// levels; Jackson, ORCID's JSON parser, refuses more than 1,000 by default, and so do we, in
/// both forms, so that memory stays bounded whatever the input.
pub const MAX_DEPTH: usize = 1000;

/// How many attributes one element may have: Java's XML parser, which ORCID uses, refuses
/// more than 10,000 by default (`jdk.xml.elementAttributeLimit`).
pub const MAX_ATTRIBUTES: usize = 10_000;

/// How many problems one document's validation reports before it says how many more there are.
pub const MAX_PROBLEMS: usize = 1000;

/// The form of a document: the crate's one [`Format`](crate::Format), under the runtime's name.
pub use crate::format::Format as Form;

/// How a reader goes about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadMode {
    /// The XSD's rules: the first problem is an error.
    Strict,
    /// Skips (and keeps) what it does not know; only what stops a value being built fails.
    Lenient,
    /// Records every problem with its path, and keeps going as far as it can.
    Validate,
}

impl From<Mode> for ReadMode {
    fn from(mode: Mode) -> Self {
        match mode {
            Mode::Strict => ReadMode::Strict,
            Mode::Lenient => ReadMode::Lenient,
        }
    }
}

/// What is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// Not well-formed XML or not JSON.
    Malformed,
    /// Nested deeper than [`MAX_DEPTH`], or more attributes than [`MAX_ATTRIBUTES`].
    Limit,
    /// The root element is not an ORCID document.
    UnknownRoot,
    /// An element the type does not have.
    UnknownElement,
    /// An attribute the type does not have.
    UnknownAttribute,
    /// A JSON key the type does not have.
    UnknownKey,
    /// A child element before one that the schema puts first.
    Order,
    /// A child element (or JSON key) that may appear only once, twice.
    Repeated,
    /// A required child element (or JSON key) is missing.
    MissingElement,
    /// A required attribute is missing.
    MissingAttribute,
    /// A choice or optional sequence is not satisfied.
    Choice,
    /// Text where only elements may be.
    TextNotAllowed,
    /// An element where only text may be.
    ElementNotAllowed,
    /// A value breaks its XSD type (facets, or it does not parse).
    Value,
    /// A value not in an XSD enumeration.
    Enumeration,
    /// A value not on the ORCID list the field is bound to.
    Vocabulary,
    /// A JSON value of the wrong kind (an array for a single value, a string for an object).
    JsonShape,
    /// Not a problem: another spelling of a listed value, which ORCID accepts and stores as
    /// the listed one (`dataset` for `data-set`).
    Alias,
}

impl ProblemKind {
    /// Whether the problem stops reading in every mode (there is no telling what follows).
    pub fn is_fatal(self) -> bool {
        matches!(self, ProblemKind::Malformed | ProblemKind::Limit | ProblemKind::UnknownRoot)
    }
}

/// One problem found while reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong.
    pub kind: ProblemKind,
    /// Where, as a path of local names (`work/external-ids/external-id[2]/external-id-type`).
    pub path: String,
    /// Byte offset in the input.
    pub pos: usize,
    /// What is wrong and what to change.
    pub message: String,
    /// For a missing member: its local name.
    pub member: Option<&'static str>,
    /// For [`ProblemKind::Vocabulary`]: the list's name and the value.
    pub value: Option<(&'static str, String)>,
}

/// Where each element (and attribute, and JSON key) read in validation starts: the paths of
/// problems, and the positions of what ORCID's rules find on the typed item later.
#[derive(Debug, Default)]
pub struct Trail<'a> {
    entries: Vec<TrailEntry<'a>>,
}

#[derive(Debug)]
struct TrailEntry<'a> {
    /// The enclosing entry (`u32::MAX` for the root).
    parent: u32,
    name: Cow<'a, str>,
    attribute: bool,
    /// 1-based position among same-named siblings, for repeatable members; else 0.
    ordinal: u32,
    pos: u32,
}

impl<'a> Trail<'a> {
    /// Adds an entry; returns its index.
    pub fn push(&mut self, parent: Option<u32>, name: Cow<'a, str>, attribute: bool, ordinal: u32, pos: usize) -> u32 {
        let index = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        let pos = u32::try_from(pos).unwrap_or(u32::MAX);
        self.entries.push(TrailEntry { parent: parent.unwrap_or(u32::MAX), name, attribute, ordinal, pos });
        index
    }

    /// The path of an entry: local names from the root, `[n]` for repeatable ones, `@` for
    /// attributes.
    pub fn path(&self, index: u32) -> String {
        let mut chain = Vec::new();
        let mut at = index;
        while let Some(e) = self.entries.get(at as usize) {
            chain.push(e);
            at = e.parent;
        }
        let mut out = String::new();
        for e in chain.iter().rev() {
            if !out.is_empty() {
                out.push('/');
            }
            if e.attribute {
                out.push('@');
            }
            out.push_str(&e.name);
            if e.ordinal > 0 {
                out.push_str(&format!("[{}]", e.ordinal));
            }
        }
        out
    }

    /// The entries under `parent` named `name`, in document order: (entry, ordinal).
    pub fn children(&self, parent: u32, name: &str) -> Vec<(u32, u32)> {
        (0u32..)
            .zip(&self.entries)
            .filter(|(_, e)| e.parent == parent && !e.attribute && e.name == name)
            .map(|(i, e)| (i, e.ordinal))
            .collect()
    }

    /// The byte offset where the element a path names starts; for an element that is not
    /// there, where its nearest ancestor that is starts.
    pub fn position(&self, path: &str) -> usize {
        let mut parent = u32::MAX;
        let mut found = 0usize;
        let mut from = 0usize;
        for segment in path.split('/') {
            let (attribute, segment) = match segment.strip_prefix('@') {
                Some(rest) => (true, rest),
                None => (false, segment),
            };
            let (name, ordinal) = match segment.strip_suffix(']').and_then(|s| s.split_once('[')) {
                Some((name, n)) => (name, n.parse().unwrap_or(0)),
                None => (segment, 0),
            };
            let hit = self.entries[from.min(self.entries.len())..].iter().position(|e| {
                e.parent == parent
                    && e.name == name
                    && e.attribute == attribute
                    && (e.ordinal == ordinal || (ordinal <= 1 && e.ordinal <= 1))
            });
            match hit {
                Some(i) => {
                    let index = from + i;
                    found = self.entries[index].pos as usize;
                    parent = u32::try_from(index).unwrap_or(u32::MAX);
                    from = index + 1;
                }
                None => break,
            }
        }
        found
    }
}

/// The state every reader shares: the mode, and in validation the problems and the trail.
pub struct Core<'a> {
    /// How to read.
    pub mode: ReadMode,
    /// The form being read.
    pub form: Form,
    /// The whole input (for line and column).
    pub src: &'a [u8],
    /// Problems recorded in validation.
    pub problems: Vec<Problem>,
    /// Problems past [`MAX_PROBLEMS`], counted only.
    pub more_problems: usize,
    /// Positions, in validation.
    pub trail: Trail<'a>,
    /// The trail entry of the struct `enter` is about to read (set by `nested`).
    pub pending_trail: Option<u32>,
    /// Whether what the model does not know is kept (lenient reading) rather than skipped.
    pub keep_unknown: bool,
    /// For a root name two schemas define, which definition validation reads it as.
    pub root_choice: usize,
    /// Whether the root has a definition after `root_choice`.
    pub more_roots: bool,
    /// In validation, the trail entries of structs that could not be read (a required member
    /// missing or unreadable): their parents hold no value for them.
    pub dropped: Vec<u32>,
    /// In validation, a problem that stops reading was met (malformed input, a limit): what
    /// is open is not completed, so no problem follows from the early end.
    pub stopped: bool,
}

impl<'a> Core<'a> {
    /// A core for one document.
    pub fn new(src: &'a [u8], mode: ReadMode, form: Form) -> Core<'a> {
        let keep_unknown = mode == ReadMode::Lenient;
        Core {
            mode,
            form,
            src,
            problems: Vec::new(),
            more_problems: 0,
            trail: Trail::default(),
            pending_trail: None,
            keep_unknown,
            root_choice: 0,
            more_roots: false,
            dropped: Vec::new(),
            stopped: false,
        }
    }

    /// Whether nothing is on the trail yet (the next struct entered is the root).
    pub fn trail_is_empty(&self) -> bool {
        self.trail.entries.is_empty()
    }

    /// Whether positions and problems are recorded.
    pub fn validating(&self) -> bool {
        self.mode == ReadMode::Validate
    }

    /// A plain error at a byte offset.
    pub fn error(&self, pos: usize, message: impl Into<String>) -> ReadError {
        ReadError::at(self.src, pos, message.into())
    }

    /// Meets a problem: records it (validation), or turns it into the error that stops
    /// reading, or lets it pass. `Ok(())` means reading goes on.
    pub fn problem(&mut self, kind: ProblemKind, trail: Option<u32>, pos: usize, message: String) -> Result<(), ReadError> {
        self.problem_with(kind, trail, pos, message, None, None)
    }

    /// [`Core::problem`] with the member a problem is about (a missing one), or the list and
    /// value of a vocabulary problem.
    pub fn problem_with(
        &mut self,
        kind: ProblemKind,
        trail: Option<u32>,
        pos: usize,
        message: String,
        member: Option<&'static str>,
        value: Option<(&'static str, String)>,
    ) -> Result<(), ReadError> {
        match self.mode {
            ReadMode::Validate => {
                if self.problems.len() < MAX_PROBLEMS {
                    let path = trail.map(|t| self.trail.path(t)).unwrap_or_default();
                    self.problems.push(Problem { kind, path, pos, message, member, value });
                } else {
                    self.more_problems += 1;
                }
                if kind.is_fatal() {
                    self.stopped = true;
                    Err(ReadError::reported())
                } else {
                    Ok(())
                }
            }
            ReadMode::Strict => match kind {
                // ORCID's lists are its rules, not the XSD's: validation checks them.
                ProblemKind::Vocabulary => Ok(()),
                _ => Err(self.error(pos, message)),
            },
            ReadMode::Lenient if stops_lenient_reading(kind) => Err(self.error(pos, message)),
            ReadMode::Lenient => Ok(()),
        }
    }

    /// [`Core::problem`] with its message written only when the problem counts in this mode:
    /// lenient reading drops most problems (unknown content, values it keeps), and a document
    /// from a newer ORCID can hold many.
    pub fn problem_lazy(
        &mut self,
        kind: ProblemKind,
        trail: Option<u32>,
        pos: usize,
        message: impl FnOnce() -> String,
    ) -> Result<(), ReadError> {
        if self.mode == ReadMode::Lenient && !stops_lenient_reading(kind) {
            return Ok(());
        }
        // Beyond the problems kept, validation only counts: a message (some list every key a
        // type has) built for each of 500,000 unknown keys made validation quadratic in effect.
        if self.mode == ReadMode::Validate && self.problems.len() >= MAX_PROBLEMS && !kind.is_fatal() {
            self.more_problems += 1;
            return Ok(());
        }
        self.problem(kind, trail, pos, message())
    }

    /// A problem that stops reading in every mode.
    pub fn fatal(&mut self, kind: ProblemKind, trail: Option<u32>, pos: usize, message: String) -> ReadError {
        match self.problem(kind, trail, pos, message.clone()) {
            Err(e) => e,
            Ok(()) => self.error(pos, message),
        }
    }
}

/// How a message names what it is about; the text is made only when there is a message.
#[derive(Clone, Copy)]
pub enum Name<'s> {
    /// An element, by its name as written: `<work:title>`.
    Element(&'s str),
    /// An attribute (as written) of an element: ``attribute `put-code` of <work:work>``.
    Attribute(&'s str, &'s str),
    /// A JSON key: `"title"`.
    Key(&'s str),
    /// A struct in JSON, by its XSD type: `work:work`.
    Type(&'s str),
}

impl std::fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Name::Element(q) => write!(f, "<{q}>"),
            Name::Attribute(a, q) => write!(f, "attribute `{a}` of <{q}>"),
            Name::Key(k) => write!(f, "\"{k}\""),
            Name::Type(t) => f.write_str(t),
        }
    }
}

/// What a reader keeps for each open struct.
pub struct FrameCore {
    /// The struct's content model.
    pub schema: &'static StructSchema,
    /// Fields seen (bits over field indices).
    pub present: u64,
    /// Attributes seen (bits over member indices).
    pub attributes: u64,
    /// The furthest field seen, plus one (0: none yet): where unknown content is anchored.
    pub reached: usize,
    /// The member just returned by `next`.
    pub member: Option<usize>,
    /// Where the struct starts.
    pub pos: usize,
    /// Its trail entry (validation).
    pub trail: Option<u32>,
    /// The trail entry of the member just returned (validation).
    pub member_trail: Option<u32>,
    /// Which occurrence (0-based) of its member the member just returned is.
    pub occurrence: u32,
    /// Per repeatable member seen: how many so far (a few inline: structs hold few lists).
    counts: [(u16, u32); 4],
    /// Counts beyond the first four.
    more_counts: Vec<(usize, u32)>,
    /// What the struct holds that the model does not know (lenient reading).
    pub unknown: UnknownBuilder,
}

impl FrameCore {
    /// A frame for a struct starting at `pos`.
    pub fn new(schema: &'static StructSchema, pos: usize, trail: Option<u32>) -> FrameCore {
        FrameCore {
            schema,
            present: 0,
            attributes: 0,
            reached: 0,
            member: None,
            pos,
            trail,
            member_trail: None,
            occurrence: 0,
            counts: [(u16::MAX, 0); 4],
            more_counts: Vec::new(),
            unknown: UnknownBuilder::default(),
        }
    }

    /// Counts an occurrence of a repeatable member; returns its 0-based number.
    fn count(&mut self, index: usize) -> u32 {
        let key = u16::try_from(index).unwrap_or(u16::MAX - 1);
        for slot in &mut self.counts {
            if slot.0 == key {
                slot.1 += 1;
                return slot.1 - 1;
            }
            if slot.0 == u16::MAX {
                *slot = (key, 1);
                return 0;
            }
        }
        match self.more_counts.iter_mut().find(|(m, _)| *m == index) {
            Some((_, n)) => {
                *n += 1;
                *n - 1
            }
            None => {
                self.more_counts.push((index, 1));
                0
            }
        }
    }

    /// The member just returned and its occurrence: the owner of unknown pieces on it.
    pub fn owner(&self) -> (usize, u32) {
        (self.member.expect("a member was returned"), self.occurrence)
    }

    /// The member just returned.
    pub fn current(&self) -> &'static Member {
        &self.schema.members[self.member.expect("a member was returned")]
    }

    /// Whether a member that comes at most once has come already (an element or key; XML
    /// attributes cannot repeat).
    pub fn seen_before(&self, member: usize) -> bool {
        match self.schema.members[member].kind {
            MemberKind::Element { field } => {
                let bit = 1u64 << field;
                self.present & bit != 0 && self.schema.repeated & bit == 0
            }
            MemberKind::Attribute { .. } => self.attributes & (1u64 << member) != 0,
            MemberKind::Text => false,
        }
    }

    /// Whether the member's field may repeat.
    pub fn repeatable(&self, member: usize) -> bool {
        self.schema.members[member].field().is_some_and(|f| self.schema.repeated & (1 << f) != 0)
    }

    /// Meets member `index`, at `pos`, named `name` in messages: checks order (XML only) and
    /// repetition, marks it present, and in validation records where it is. The rare work (a
    /// problem, validation's trail) is out of line: this runs for every member.
    pub fn meet<'a>(&mut self, core: &mut Core<'a>, index: usize, pos: usize, name: Name<'_>) -> Result<(), ReadError> {
        let member = &self.schema.members[index];
        self.member = Some(index);
        let mut repeatable = false;
        // The checks first, without the trail; a problem is then recorded with it.
        let mut problem = None;
        match member.kind {
            MemberKind::Attribute { .. } => {
                let bit = 1u64 << index;
                if self.attributes & bit != 0 {
                    problem = Some(ProblemKind::Repeated);
                }
                self.attributes |= bit;
            }
            MemberKind::Element { field } => {
                let field = usize::from(field);
                let bit = 1u64 << field;
                repeatable = self.schema.repeated & bit != 0;
                if field + 1 < self.reached && core.form == Form::Xml {
                    problem = Some(ProblemKind::Order);
                } else if self.present & bit != 0 && !repeatable {
                    problem = Some(ProblemKind::Repeated);
                }
                self.present |= bit;
                self.reached = self.reached.max(field + 1);
            }
            MemberKind::Text => {}
        }
        // Occurrences matter for paths (validation) and for where kept pieces go (lenient).
        self.occurrence = if repeatable && core.mode != ReadMode::Strict { self.count(index) } else { 0 };
        if core.mode == ReadMode::Validate || problem.is_some() {
            return self.record_meeting(core, member, repeatable, problem, pos, name);
        }
        Ok(())
    }

    /// What [`FrameCore::meet`] found, recorded: the member's trail entry (validation) and
    /// its problem.
    #[inline(never)]
    fn record_meeting(
        &mut self,
        core: &mut Core<'_>,
        member: &'static Member,
        repeatable: bool,
        problem: Option<ProblemKind>,
        pos: usize,
        name: Name<'_>,
    ) -> Result<(), ReadError> {
        if core.mode == ReadMode::Validate {
            let ordinal = if repeatable { self.occurrence + 1 } else { 0 };
            self.member_trail = Some(core.trail.push(self.trail, Cow::Borrowed(member.local), member.is_attribute(), ordinal, pos));
        }
        match problem {
            None => Ok(()),
            Some(ProblemKind::Order) => {
                let before = self.schema.fields[self.reached - 1];
                core.problem(ProblemKind::Order, self.member_trail, pos, format!("{name} is out of order: it must come before <{before}>"))
            }
            Some(_) if member.is_attribute() => {
                core.problem(ProblemKind::Repeated, self.member_trail, pos, format!("{name} is given twice"))
            }
            Some(kind) => core.problem(kind, self.member_trail, pos, format!("{name} may appear only once here")),
        }
    }

    /// At the end of the struct: required attributes and fields, choices. `what` names the
    /// struct in messages; `missing` says how a missing member is named in this form.
    pub fn complete(&self, core: &mut Core<'_>, what: Name<'_>, missing: impl Fn(&Member) -> String) -> Result<(), ReadError> {
        let absent = self.schema.required_attributes & !self.attributes;
        for (i, m) in self.schema.members.iter().enumerate().filter(|_| absent != 0) {
            if absent & (1 << i) != 0 {
                let message = format!("{what} is missing the required {}", missing(m));
                core.problem_with(ProblemKind::MissingAttribute, self.trail, self.pos, message, Some(m.local), None)?;
            }
        }
        let absent = self.schema.required & !self.present;
        if absent != 0 {
            for field in (0..self.schema.fields.len()).filter(|f| absent & (1 << f) != 0) {
                let member = self.schema.members.iter().find(|m| m.field() == Some(field)).expect("a field has a member");
                let message = format!("{what} is missing the required {}", missing(member));
                core.problem_with(ProblemKind::MissingElement, self.trail, self.pos, message, Some(member.local), None)?;
            }
        }
        // Lenient reading lets a choice be (its problem would be dropped).
        if core.mode != ReadMode::Lenient
            && let Err(message) = self.schema.check_groups(self.present)
        {
            core.problem(ProblemKind::Choice, self.trail, self.pos, format!("{what}: {message}"))?;
        }
        Ok(())
    }

    /// The value of a required member, once the struct is read: `None` means it was there but
    /// could not be read, already reported (validation), or is missing.
    pub fn required<T>(&self, core: &Core<'_>, index: usize, value: Option<T>, what: Name<'_>) -> Result<T, ReadError> {
        match value {
            Some(v) => Ok(v),
            None if core.validating() => Err(ReadError::reported()),
            None => {
                let m = &self.schema.members[index];
                Err(core.error(self.pos, format!("{what} is missing the required <{}>", m.local)))
            }
        }
    }
}

/// What is wrong with a JSON string XML 1.0 cannot carry (U+0000, U+0008 ...: escapes in
/// JSON): ORCID cannot store it, and an XML form of the value would be malformed.
pub(crate) fn xml_unwritable(text: &str) -> Option<String> {
    if !text.bytes().any(|b| b < 0x20 || b == 0xEF) {
        return None;
    }
    let c = text.chars().find(|&c| !super::xml_in::is_xml_char(c))?;
    Some(format!("the character U+{:04X} cannot be written in XML, and ORCID refuses it", u32::from(c)))
}

/// Checks a simple value read as `text` for member `m` and parses it. `Ok(None)` means it
/// could not be read and reading goes on without it (its problem recorded, or, in lenient
/// reading, the text kept with the struct's unknown content).
pub fn simple_value<T: SimpleType>(
    core: &mut Core<'_>,
    frame: &mut FrameCore,
    text: &str,
    pos: usize,
    name: Name<'_>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Option<T>, ReadError> {
    let member = frame.current();
    let simple = match member.content {
        Content::Simple(s) => s,
        Content::Struct(_) => SimpleSchema::PLAIN,
    };
    let trail = frame.member_trail;
    if core.mode != ReadMode::Lenient
        && !simple.facets.is_empty()
        && let Err(message) = simple.facets.check(text)
    {
        core.problem(ProblemKind::Value, trail, pos, format!("{name}: {message}"))?;
    }
    // JSON can carry characters XML 1.0 cannot (U+0000, U+0008 ...: escapes); ORCID cannot
    // store them, and an XML form of the value would be malformed. (XML input never has them:
    // its reader refuses them.)
    if core.form == Form::Json
        && core.mode != ReadMode::Lenient
        && let Some(message) = xml_unwritable(text)
    {
        core.problem(ProblemKind::Value, trail, pos, format!("{name}: {message}"))?;
    }
    let value = match parse(text) {
        Ok(v) => v,
        Err(message) => {
            let required = match member.kind {
                MemberKind::Attribute { required } => required,
                MemberKind::Element { field } => frame.schema.required & (1 << field) != 0,
                MemberKind::Text => true,
            };
            if core.mode == ReadMode::Lenient && required {
                return Err(core.error(pos, format!("{name}: {message}")));
            }
            core.problem(ProblemKind::Value, trail, pos, format!("{name}: {message}"))?;
            if core.keep_unknown {
                // An attribute's value stands before the content wherever its key was met in
                // JSON (it is written there): anchored at the start, so that writing it and
                // reading it back keeps the same value.
                let anchor = if member.is_attribute() { 0 } else { frame.reached };
                frame.unknown.keep_value(frame.owner(), anchor, text);
            }
            return Ok(None);
        }
    };
    if !value.is_known() {
        let trimmed = text.trim_matches(super::is_xml_space);
        if let Some((xsd, values)) = T::ENUMERATION {
            core.problem_lazy(ProblemKind::Enumeration, trail, pos, || {
                let list = values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
                format!("{name}: {} is not a {xsd} value; expected one of {list}", shown(text))
            })?;
        } else if let Some(vocabulary) = simple.vocabulary
            && core.validating()
            && !vocabulary.accepts(trimmed)
        {
            let hint = match vocabulary.closest(trimmed) {
                Some(close) => format!("; did you mean {close:?}?"),
                None => String::new(),
            };
            // A build knows one snapshot of ORCID's lists; ORCID adds values (13 work types in 3.3.5).
            let message = format!(
                "{name}: {} is not on ORCID's {} list{hint}; this build knows {}, and a newer ORCID may accept it",
                shown(trimmed),
                vocabulary.name,
                crate::ORCID_SNAPSHOT
            );
            core.problem_with(ProblemKind::Vocabulary, trail, pos, message, None, Some((vocabulary.name, trimmed.to_owned())))?;
        }
    } else if core.validating()
        && let Some(vocabulary) = simple.vocabulary
        && !vocabulary.accepts(text)
    {
        let mut stored = String::new();
        value.write_xml(&mut stored);
        let message = format!("{name}: ORCID accepts {} as another spelling of {stored:?}", shown(text));
        core.problem_with(ProblemKind::Alias, trail, pos, message, None, Some((vocabulary.name, stored)))?;
    }
    Ok(Some(value))
}

/// A type read from ORCID XML or JSON: implemented by the generated code, driving an
/// [`Input`] member by member.
pub trait Read: Sized {
    /// Reads the struct at the input's position.
    fn read<'a, I: Input<'a>>(input: &mut I) -> Result<Self, ReadError>;
}

/// A boxed field (the generator boxes some large struct types) reads as its value.
impl<T: Read> Read for Box<T> {
    fn read<'a, I: Input<'a>>(input: &mut I) -> Result<Self, ReadError> {
        T::read(input).map(Box::new)
    }
}

/// A reader of one form (XML or JSON) that the generated code drives.
pub trait Input<'a>: Sized {
    /// What the reader keeps for an open struct.
    type Frame;

    /// Enters the struct at the current position.
    fn enter(&mut self, schema: &'static StructSchema) -> Result<Self::Frame, ReadError>;

    /// The next member of the struct: its index in the schema's members, or `None` at its end.
    /// Unknown members are handled here (an error, recorded, or kept).
    fn next(&mut self, frame: &mut Self::Frame) -> Result<Option<usize>, ReadError>;

    /// The simple value of the member just returned.
    fn simple<T: SimpleType>(&mut self, frame: &mut Self::Frame) -> Result<Option<T>, ReadError>;

    /// The struct value of the member just returned.
    fn nested<T: Read>(&mut self, frame: &mut Self::Frame) -> Result<Option<T>, ReadError>;

    /// Leaves the struct: checks what it requires, and hands over what it holds that the model
    /// does not know.
    fn leave(&mut self, frame: &mut Self::Frame) -> Result<super::unknown::Unknown, ReadError>;

    /// The value of a required member, once the struct is read.
    fn required<T>(&mut self, frame: &Self::Frame, member: usize, value: Option<T>) -> Result<T, ReadError>;
}

/// The problems lenient reading stops at: what makes a document unreadable, not what it can
/// read past (and keep).
fn stops_lenient_reading(kind: ProblemKind) -> bool {
    matches!(
        kind,
        ProblemKind::Malformed
            | ProblemKind::Limit
            | ProblemKind::UnknownRoot
            | ProblemKind::MissingElement
            | ProblemKind::MissingAttribute
            | ProblemKind::JsonShape
    )
}
