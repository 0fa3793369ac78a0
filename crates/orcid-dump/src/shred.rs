//! Documents into rows: the model's own writer walks a value member by member (its `Output`
//! interface, the one the XML and JSON writers use) and this fills the columns the layout
//! derived for each member.

use std::sync::OnceLock;

use orcid_model::__private::{Output, SimpleType, StructSchema, Write};
use orcid_model::{Document, UnknownContent};

use crate::layout::{ColumnKind, Keys, Layout, Target};

/// The kinds of document a dump reads, each with its layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocKind {
    /// A record (the summaries file), or its placeholder.
    Record,
    /// A work.
    Work,
    /// A funding.
    Funding,
    /// A peer review.
    PeerReview,
    /// A research resource.
    ResearchResource,
    /// One of the seven affiliation types (its name in `kind`).
    Affiliation(&'static str),
}

impl DocKind {
    /// The kind's name, as counted and as JSON Lines folders are named.
    pub fn name(self) -> &'static str {
        match self {
            DocKind::Record => "record",
            DocKind::Work => "work",
            DocKind::Funding => "funding",
            DocKind::PeerReview => "peer-review",
            DocKind::ResearchResource => "research-resource",
            DocKind::Affiliation(kind) => kind,
        }
    }

    /// The kind of a document this dump knows, and its value to walk.
    pub(crate) fn of(doc: &Document) -> Option<(DocKind, &dyn Walk)> {
        Some(match doc {
            Document::Record(v) => (DocKind::Record, v as &dyn Walk),
            Document::Work(v) => (DocKind::Work, v),
            Document::Funding(v) => (DocKind::Funding, v),
            Document::PeerReview(v) => (DocKind::PeerReview, v),
            Document::ResearchResource(v) => (DocKind::ResearchResource, v),
            Document::Employment(v) => (DocKind::Affiliation("employment"), v),
            Document::Education(v) => (DocKind::Affiliation("education"), v),
            Document::Distinction(v) => (DocKind::Affiliation("distinction"), v),
            Document::InvitedPosition(v) => (DocKind::Affiliation("invited-position"), v),
            Document::Membership(v) => (DocKind::Affiliation("membership"), v),
            Document::Qualification(v) => (DocKind::Affiliation("qualification"), v),
            Document::Service(v) => (DocKind::Affiliation("service"), v),
            _ => return None,
        })
    }
}

/// A model value the shredder can walk (object-safe: the writer is generic).
pub(crate) trait Walk {
    fn walk(&self, shredder: &mut Shredder<'_>);
    /// How many pieces of unknown content the value holds.
    fn count_unknown(&self) -> usize;
}

impl<T: Write> Walk for T {
    fn walk(&self, shredder: &mut Shredder<'_>) {
        self.write(shredder);
    }

    fn count_unknown(&self) -> usize {
        let mut count = UnknownCount(0);
        self.write(&mut count);
        count.0
    }
}

/// Counts unknown content, writing nothing.
struct UnknownCount(usize);

impl<'v> Output<'v> for UnknownCount {
    fn begin(&mut self, _schema: &'static StructSchema, unknown: &'v UnknownContent) {
        self.0 += unknown.len();
    }
    fn simple<T: SimpleType>(&mut self, _member: usize, _value: &'v T) {}
    fn nested<T: Write>(&mut self, _member: usize, value: &'v T) {
        value.write(self);
    }
    fn end(&mut self) {}
}

fn layout_of<T: Write>(name: &str, keys: Keys, skip: &[&str]) -> Layout {
    Layout::derive(name, T::SCHEMA, keys, skip)
}

/// Every layout, once.
pub(crate) fn layouts() -> &'static [(DocKind, Layout)] {
    static LAYOUTS: OnceLock<Vec<(DocKind, Layout)>> = OnceLock::new();
    LAYOUTS.get_or_init(|| {
        use orcid_model::*;
        // A record's activities come whole from the activities files: its summaries of them
        // are left out here (they are in the JSON Lines).
        vec![
            (DocKind::Record, layout_of::<record::Record>("record", Keys::Record, &["activities-summary"])),
            (DocKind::Work, layout_of::<work::Work>("work", Keys::Item, &[])),
            (DocKind::Funding, layout_of::<funding::Funding>("funding", Keys::Item, &[])),
            (DocKind::PeerReview, layout_of::<peer_review::PeerReview>("peer_review", Keys::Item, &[])),
            (DocKind::ResearchResource, layout_of::<research_resource::ResearchResource>("research_resource", Keys::Item, &[])),
            affiliation::<employment::Employment>("employment"),
            affiliation::<education::Education>("education"),
            affiliation::<distinction::Distinction>("distinction"),
            affiliation::<invited_position::InvitedPosition>("invited-position"),
            affiliation::<membership::Membership>("membership"),
            affiliation::<qualification::Qualification>("qualification"),
            affiliation::<service::Service>("service"),
        ]
    })
}

/// An affiliation type's layout: rows of the one `affiliation` table, with `kind`.
fn affiliation<T: Write>(kind: &'static str) -> (DocKind, Layout) {
    (DocKind::Affiliation(kind), layout_of::<T>("affiliation", Keys::Affiliation, &[]))
}

/// The layout of a kind.
pub(crate) fn layout(kind: DocKind) -> &'static Layout {
    &layouts().iter().find(|(k, _)| *k == kind).expect("every kind has a layout").1
}

/// A fuzzy date: year, and month and day when given.
pub type DateParts = (i32, Option<u8>, Option<u8>);

/// The values of one column.
#[derive(Debug, Clone)]
pub enum Values {
    /// Text.
    Text(Vec<Option<String>>),
    /// Whole numbers.
    Integer(Vec<Option<i64>>),
    /// Booleans.
    Boolean(Vec<Option<bool>>),
    /// Epoch milliseconds.
    Timestamp(Vec<Option<i64>>),
    /// (year, month, day).
    FuzzyDate(Vec<Option<DateParts>>),
}

impl Values {
    fn new(kind: ColumnKind) -> Values {
        match kind {
            ColumnKind::Text => Values::Text(Vec::new()),
            ColumnKind::Integer => Values::Integer(Vec::new()),
            ColumnKind::Boolean => Values::Boolean(Vec::new()),
            ColumnKind::Timestamp => Values::Timestamp(Vec::new()),
            ColumnKind::FuzzyDate => Values::FuzzyDate(Vec::new()),
        }
    }

    fn push_null(&mut self) {
        match self {
            Values::Text(v) => v.push(None),
            Values::Integer(v) | Values::Timestamp(v) => v.push(None),
            Values::Boolean(v) => v.push(None),
            Values::FuzzyDate(v) => v.push(None),
        }
    }

    fn append(&mut self, other: &mut Values) {
        match (self, other) {
            (Values::Text(a), Values::Text(b)) => a.append(b),
            (Values::Integer(a), Values::Integer(b)) | (Values::Timestamp(a), Values::Timestamp(b)) => a.append(b),
            (Values::Boolean(a), Values::Boolean(b)) => a.append(b),
            (Values::FuzzyDate(a), Values::FuzzyDate(b)) => a.append(b),
            _ => debug_assert!(false, "columns of one table have one type"),
        }
    }

    /// Sets row `row` from a value's text (parsed for the column's type; a value that does
    /// not parse is left null, and so is text in a number column).
    fn set_text(&mut self, row: usize, text: String) {
        match self {
            Values::Text(v) => v[row] = Some(text),
            Values::Integer(v) => v[row] = text.trim().parse().ok(),
            Values::Boolean(v) => v[row] = Some(text.trim() == "true"),
            Values::Timestamp(_) | Values::FuzzyDate(_) => {}
        }
    }
}

/// Rows of one table.
#[derive(Debug, Clone)]
pub struct Rows {
    /// One per column, in the table's order.
    pub columns: Vec<Values>,
    /// How many rows.
    pub len: usize,
}

impl Rows {
    /// No rows yet, of `table`'s columns.
    pub fn new(table: &crate::layout::Table) -> Rows {
        Rows { columns: table.columns.iter().map(|c| Values::new(c.kind)).collect(), len: 0 }
    }

    /// Moves `other`'s rows to the end of these.
    pub fn append(&mut self, other: &mut Rows) {
        for (a, b) in self.columns.iter_mut().zip(&mut other.columns) {
            a.append(b);
        }
        self.len += std::mem::take(&mut other.len);
    }
}

/// Rows of every table, by table name (the tables of [`crate::layout::tables`]).
#[derive(Debug, Default)]
pub struct Batch {
    /// (table name, its rows).
    pub tables: Vec<(String, Rows)>,
}

impl Batch {
    fn rows(&mut self, table: &crate::layout::Table) -> &mut Rows {
        match self.tables.iter().position(|(n, _)| *n == table.name) {
            Some(i) => &mut self.tables[i].1,
            None => {
                self.tables.push((table.name.clone(), Rows::new(table)));
                &mut self.tables.last_mut().expect("just pushed").1
            }
        }
    }
}

/// The keys of a document's rows.
pub(crate) struct DocKeys<'k> {
    pub orcid: &'k str,
    pub put_code: Option<i64>,
    /// A record's state or an affiliation's kind.
    pub third: Option<&'k str>,
}

/// Adds the rows of one document to `batch`; returns how many pieces of unknown content it
/// holds.
pub(crate) fn shred(kind: DocKind, value: &dyn Walk, keys: &DocKeys<'_>, batch: &mut Batch) -> usize {
    let layout = layout(kind);
    let mut shredder =
        Shredder { layout, batch, keys, frames: Vec::new(), next: None, ordinals: vec![0; layout.tables.len()], unknown: 0, date: None };
    shredder.next = Some(Place { node: 0, table: 0, row: shredder.new_row(0, None) });
    value.walk(&mut shredder);
    shredder.unknown
}

/// A placeholder (`<error>` in place of a record): its row in the root table only.
pub(crate) fn placeholder_row(keys: &DocKeys<'_>, batch: &mut Batch) {
    let layout = layout(DocKind::Record);
    let mut shredder =
        Shredder { layout, batch, keys, frames: Vec::new(), next: None, ordinals: vec![0; layout.tables.len()], unknown: 0, date: None };
    shredder.new_row(0, None);
}

/// Where a struct's members go: its node, its table (in the layout), its row.
#[derive(Debug, Clone, Copy)]
struct Place {
    node: usize,
    table: usize,
    row: usize,
}

pub(crate) struct Shredder<'s> {
    layout: &'static Layout,
    batch: &'s mut Batch,
    keys: &'s DocKeys<'s>,
    frames: Vec<Place>,
    /// Where the next struct goes.
    next: Option<Place>,
    /// Rows so far per table, for ordinals.
    ordinals: Vec<i64>,
    unknown: usize,
    /// The fuzzy date being read: (table, row, column, year, month, day).
    date: Option<(usize, usize, usize, [Option<i64>; 3])>,
}

impl Shredder<'_> {
    fn rows(&mut self, table: usize) -> &mut Rows {
        self.batch.rows(&self.layout.tables[table])
    }

    /// Starts a row of `table` with its keys; returns its index.
    fn new_row(&mut self, table: usize, parent: Option<Place>) -> usize {
        let ordinal = self.ordinals[table];
        self.ordinals[table] += 1;
        let parent_ordinal = parent.filter(|p| p.table != 0).map(|p| self.ordinal_of(p));
        let (keys, layout_keys) = (self.keys, self.layout.keys);
        // The key columns' values, in the table's order (see `Layout::derive`).
        let mut texts: Vec<Option<&str>> = vec![Some(keys.orcid)];
        let mut numbers: Vec<Option<i64>> = Vec::new();
        match (table == 0, layout_keys) {
            (true, Keys::Record) => texts.push(keys.third),
            (true, Keys::Item) => numbers.push(keys.put_code),
            (true, Keys::Affiliation) => {
                numbers.push(keys.put_code);
                texts.push(keys.third);
            }
            (false, Keys::Record) => {}
            (false, Keys::Item | Keys::Affiliation) => numbers.push(keys.put_code),
        }
        if table != 0 {
            numbers.push(Some(ordinal));
            if parent_ordinal.is_some() {
                numbers.push(parent_ordinal);
            }
        }
        let rows = self.rows(table);
        for column in &mut rows.columns {
            column.push_null();
        }
        let row = rows.len;
        rows.len += 1;
        let (mut texts, mut numbers) = (texts.into_iter(), numbers.into_iter());
        for column in rows.columns.iter_mut().take(1 + 4) {
            match column {
                Values::Text(v) => match texts.next() {
                    Some(t) => v[row] = t.map(str::to_owned),
                    None => break,
                },
                Values::Integer(v) => match numbers.next() {
                    Some(n) => v[row] = n,
                    None => break,
                },
                _ => break,
            }
        }
        row
    }

    /// The ordinal of a child row (its value in the `ordinal` column).
    fn ordinal_of(&mut self, place: Place) -> i64 {
        let table = &self.layout.tables[place.table];
        let Some(index) = table.columns.iter().position(|c| c.name == "ordinal") else { return 0 };
        match &self.rows(place.table).columns[index] {
            Values::Integer(v) => v[place.row].unwrap_or(0),
            _ => 0,
        }
    }
}

impl<'v> Output<'v> for Shredder<'_> {
    fn begin(&mut self, _schema: &'static StructSchema, unknown: &'v UnknownContent) {
        self.unknown += unknown.len();
        let place = self.next.take().unwrap_or(Place { node: usize::MAX, table: 0, row: 0 });
        self.frames.push(place);
    }

    fn simple<T: SimpleType>(&mut self, member: usize, value: &'v T) {
        let Some(&place) = self.frames.last() else { return };
        let Some(node) = self.layout.nodes.get(place.node) else { return };
        match node.members.get(member).copied().unwrap_or(Target::Skip) {
            Target::Column(column) => {
                if let Some(ms) = value.json_millis() {
                    if let Values::Timestamp(v) = &mut self.rows(place.table).columns[column] {
                        v[place.row] = Some(ms);
                    }
                    return;
                }
                let mut text = String::new();
                value.write_xml(&mut text);
                self.rows(place.table).columns[column].set_text(place.row, text);
            }
            Target::DatePart(part) => {
                let mut text = String::new();
                value.write_xml(&mut text);
                if let Some((_, _, _, parts)) = &mut self.date {
                    parts[usize::from(part)] = text.trim().parse().ok();
                }
            }
            Target::ChildValue { table, column } => {
                let row = self.new_row(table, Some(place));
                let mut text = String::new();
                value.write_xml(&mut text);
                self.rows(table).columns[column].set_text(row, text);
            }
            _ => {}
        }
    }

    fn nested<T: Write>(&mut self, member: usize, value: &'v T) {
        let Some(&place) = self.frames.last() else { return };
        let Some(node) = self.layout.nodes.get(place.node) else { return };
        match node.members.get(member).copied().unwrap_or(Target::Skip) {
            Target::Flatten(node) => {
                self.next = Some(Place { node, ..place });
                value.write(self);
            }
            Target::Date { column, node } => {
                self.date = Some((place.table, place.row, column, [None; 3]));
                self.next = Some(Place { node, ..place });
                value.write(self);
                if let Some((table, row, column, [Some(year), month, day])) = self.date.take()
                    && let Values::FuzzyDate(v) = &mut self.rows(table).columns[column]
                {
                    let part = |p: Option<i64>| p.and_then(|p| u8::try_from(p).ok());
                    v[row] = i32::try_from(year).ok().map(|y| (y, part(month), part(day)));
                }
            }
            Target::Child { table, node } => {
                let row = self.new_row(table, Some(place));
                self.next = Some(Place { node, table, row });
                value.write(self);
            }
            // Left out: not walked at all.
            _ => {}
        }
    }

    fn end(&mut self) {
        self.frames.pop();
    }
}
