//! The tables: derived from the model's schema tables, not kept by hand, so that a re-pinned
//! model brings its new fields as new columns.
//!
//! Each kind of document is one root table keyed by the iD (and put-code); every member that
//! repeats becomes a child table (`work_external_id`, `record_keyword`), keyed the same plus
//! the row's `ordinal` (and its parent row's, a level down); everything else is flattened into
//! columns named by its JSON keys (`title_title`, `source_orcid_path`). A date ORCID gives as
//! year, month and day becomes a date and its precision; an instant, a timestamp.

use std::collections::BTreeMap;

use orcid_model::__private::{Content, Shape, StructSchema, ValueKind};

/// A column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// UTF-8 text.
    Text,
    /// A 64-bit whole number.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// An instant, milliseconds since the epoch, UTC.
    Timestamp,
    /// A calendar date ORCID gives in parts: written as the date (missing parts as 1) and a
    /// `_precision` column (`year`, `month` or `day`).
    FuzzyDate,
}

impl ColumnKind {
    /// The Parquet, Spark and BigQuery types the column is written as and read as.
    pub fn types(self) -> (&'static str, &'static str, &'static str) {
        match self {
            ColumnKind::Text => ("BYTE_ARRAY (STRING)", "StringType", "STRING"),
            ColumnKind::Integer => ("INT64", "LongType", "INT64"),
            ColumnKind::Boolean => ("BOOLEAN", "BooleanType", "BOOL"),
            ColumnKind::Timestamp => ("INT64 (TIMESTAMP(MILLIS, UTC))", "TimestampType", "TIMESTAMP"),
            ColumnKind::FuzzyDate => ("INT32 (DATE) + BYTE_ARRAY (STRING)", "DateType + StringType", "DATE + STRING"),
        }
    }
}

/// A column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Its name (lower case, `_` between words).
    pub name: String,
    /// Its type.
    pub kind: ColumnKind,
    /// Where its value is in ORCID's JSON, from the table's root (`title/title/value`).
    pub source: String,
}

/// A table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Its name.
    pub name: String,
    /// Its columns: the keys first.
    pub columns: Vec<Column>,
    /// The table whose rows this table's rows belong to (`None` for a root table).
    pub parent: Option<String>,
}

/// Where a member's value goes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    /// Nowhere (a part left to another table or output).
    Skip,
    /// A column of the table at hand.
    Column(usize),
    /// Into the struct's own node, in the same table.
    Flatten(usize),
    /// A fuzzy date's column, and the node its parts are read through.
    Date { column: usize, node: usize },
    /// One part of the fuzzy date at hand: 0 year, 1 month, 2 day.
    DatePart(u8),
    /// A new row of a child table (its index in the layout), whose root node is this.
    Child { table: usize, node: usize },
    /// A repeated simple value: a new row of a child table whose one column is `value`.
    ChildValue { table: usize, column: usize },
}

/// What the shredder does with each member of a struct at one place.
#[derive(Debug)]
pub(crate) struct Node {
    pub members: Vec<Target>,
}

/// The tables of one kind of document, and how its values fill them.
#[derive(Debug)]
pub struct Layout {
    /// The tables; the first is the root.
    pub tables: Vec<Table>,
    pub(crate) nodes: Vec<Node>,
    /// The root table's keys.
    pub(crate) keys: Keys,
}

/// The key columns a root table starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keys {
    /// `orcid`, `state` (a record: `active`, or what its placeholder says).
    Record,
    /// `orcid`, `put_code`.
    Item,
    /// `orcid`, `put_code`, `kind` (the seven affiliation types in one table).
    Affiliation,
}

/// How deep a schema may nest (ORCID's nests six levels at most).
const MAX_NESTING: usize = 16;

impl Layout {
    /// The layout of documents of `schema` in root table `name`; members named in `skip`
    /// (JSON keys of the root) are left out.
    pub(crate) fn derive(name: &str, schema: &'static StructSchema, keys: Keys, skip: &[&str]) -> Layout {
        let key = |name: &str, kind| Column { name: name.to_owned(), kind, source: String::new() };
        let mut columns = vec![key("orcid", ColumnKind::Text)];
        match keys {
            Keys::Record => columns.push(key("state", ColumnKind::Text)),
            Keys::Item => columns.push(key("put_code", ColumnKind::Integer)),
            Keys::Affiliation => {
                columns.push(key("put_code", ColumnKind::Integer));
                columns.push(key("kind", ColumnKind::Text));
            }
        }
        let mut layout = Layout { tables: vec![Table { name: name.to_owned(), columns, parent: None }], nodes: Vec::new(), keys };
        let mut builder = Builder { layout: &mut layout, child_keys: if keys == Keys::Record { 1 } else { 2 } };
        builder.node(schema, 0, &[], &[], skip, 0);
        layout
    }
}

struct Builder<'l> {
    layout: &'l mut Layout,
    /// How many of the root's keys a child table repeats (the iD, and the put-code).
    child_keys: usize,
}

impl Builder<'_> {
    /// Adds the node for `schema` placed in table `table` under the JSON path `path` (names
    /// for columns: `prefix`); returns its index.
    fn node(
        &mut self,
        schema: &'static StructSchema,
        table: usize,
        prefix: &[String],
        path: &[&str],
        skip: &[&str],
        depth: usize,
    ) -> usize {
        let index = self.layout.nodes.len();
        self.layout.nodes.push(Node { members: vec![Target::Skip; schema.members.len()] });
        if depth > MAX_NESTING {
            return index;
        }
        for (i, member) in schema.members.iter().enumerate() {
            // Left out where asked, and a root member the keys already hold (an item's
            // `put-code`, which the entry's path gives).
            let is_key =
                depth == 0 && self.layout.tables[0].columns.iter().any(|c| c.source.is_empty() && c.name == snake(member.json_key));
            if depth == 0 && (skip.contains(&member.json_key) || is_key) {
                continue;
            }
            let repeated = member.field().is_some_and(|f| schema.repeated & (1 << f) != 0);
            let key = if member.kind == orcid_model::__private::MemberKind::Text { "value" } else { member.json_key };
            let mut json_path = path.to_vec();
            json_path.push(key);
            let target = match member.content {
                Content::Simple(simple) if repeated => {
                    let child = self.child_table(table, member.local);
                    let column = self.column(child, &[], "value", kind_of(simple.value), &json_path);
                    Target::ChildValue { table: child, column }
                }
                Content::Simple(simple) => {
                    let words = words(prefix, if member.kind == orcid_model::__private::MemberKind::Text { "" } else { member.json_key });
                    Target::Column(self.column(table, &words, "value", kind_of(simple.value), &json_path))
                }
                Content::Struct(sub) if sub.name == "common:fuzzy-date" && !repeated => {
                    let words = words(prefix, member.json_key);
                    let column = self.column(table, &words, "date", ColumnKind::FuzzyDate, &json_path);
                    let node = self.date_node(sub);
                    Target::Date { column, node }
                }
                Content::Struct(sub) if repeated => {
                    let child = self.child_table(table, member.local);
                    let node = self.node(sub, child, &[], &json_path, &[], depth + 1);
                    Target::Child { table: child, node }
                }
                Content::Struct(sub) => {
                    // A wrapper ORCID's JSON leaves out adds no word of its own.
                    let words = if member.shape == Shape::Flattened { prefix.to_vec() } else { words(prefix, member.json_key) };
                    Target::Flatten(self.node(sub, table, &words, &json_path, &[], depth + 1))
                }
            };
            self.layout.nodes[index].members[i] = target;
        }
        index
    }

    /// The node of a fuzzy date: its year, month and day, in the date's column.
    fn date_node(&mut self, schema: &'static StructSchema) -> usize {
        let index = self.layout.nodes.len();
        let members = schema
            .members
            .iter()
            .map(|m| match m.json_key {
                "year" => Target::DatePart(0),
                "month" => Target::DatePart(1),
                "day" => Target::DatePart(2),
                _ => Target::Skip,
            })
            .collect();
        self.layout.nodes.push(Node { members });
        index
    }

    /// A child table of `parent` for a repeated member.
    fn child_table(&mut self, parent: usize, local: &str) -> usize {
        let parent_table = &self.layout.tables[parent];
        let name = format!("{}_{}", parent_table.name, snake(local));
        let mut columns: Vec<Column> = parent_table.columns[..self.child_keys].to_vec();
        columns.push(Column { name: "ordinal".into(), kind: ColumnKind::Integer, source: String::new() });
        if parent != 0 {
            columns.push(Column { name: "parent_ordinal".into(), kind: ColumnKind::Integer, source: String::new() });
        }
        self.layout.tables.push(Table { name, columns, parent: Some(parent_table.name.clone()) });
        self.layout.tables.len() - 1
    }

    /// Adds a column named by `words` (or `fallback` when there are none); a name taken
    /// already gets the JSON path's words instead.
    fn column(&mut self, table: usize, words: &[String], fallback: &str, kind: ColumnKind, path: &[&str]) -> usize {
        let columns = &mut self.layout.tables[table].columns;
        let mut name = if words.is_empty() { fallback.to_owned() } else { words.join("_") };
        // A name taken (a child's own `put-code` beside the key): the path's last two words,
        // else the whole path.
        if columns.iter().any(|c| c.name == name) {
            name = path[path.len().saturating_sub(2)..].iter().map(|p| snake(p)).collect::<Vec<_>>().join("_");
        }
        if columns.iter().any(|c| c.name == name) {
            name = path.iter().map(|p| snake(p)).collect::<Vec<_>>().join("_");
        }
        columns.push(Column { name, kind, source: path.join("/") });
        columns.len() - 1
    }
}

fn kind_of(value: ValueKind) -> ColumnKind {
    match value {
        ValueKind::Text => ColumnKind::Text,
        ValueKind::Integer => ColumnKind::Integer,
        ValueKind::Boolean => ColumnKind::Boolean,
        ValueKind::DateTime => ColumnKind::Timestamp,
    }
}

/// `last-modified-date` → `last_modified_date`.
fn snake(key: &str) -> String {
    key.replace(['-', ':', '.'], "_").to_lowercase()
}

/// The words of a column's name: the parent's, then the key's, where a key that repeats the
/// parent's last word drops it (`source` + `source-orcid` → `source_orcid`, `title` + `title`
/// → `title`).
fn words(prefix: &[String], key: &str) -> Vec<String> {
    let mut out = prefix.to_vec();
    if key.is_empty() {
        return out;
    }
    let key = snake(key);
    match out.last() {
        Some(last) if *last == key => {}
        Some(last) if key.starts_with(&format!("{last}_")) => {
            out.pop();
            out.push(key);
        }
        _ => out.push(key),
    }
    out
}

/// Every table a dump writes, by name, in the order they are documented.
pub fn tables() -> Vec<Table> {
    let mut by_name: BTreeMap<String, Table> = BTreeMap::new();
    let mut order = Vec::new();
    for layout in crate::shred::layouts().iter().map(|(_, l)| l) {
        for table in &layout.tables {
            if !by_name.contains_key(&table.name) {
                order.push(table.name.clone());
                by_name.insert(table.name.clone(), table.clone());
            }
        }
    }
    order.into_iter().filter_map(|n| by_name.remove(&n)).collect()
}

/// The tables as Markdown (`crates/orcid-dump/TABLES.md`): each table, its columns, their
/// types in Parquet, Spark and BigQuery, and where each value is in ORCID's JSON.
pub fn document() -> String {
    let mut out = String::from(
        "# The tables of `orcid dump --to parquet`\n\n\
         Generated from the model's schema tables (`orcid-model`'s ORCID snapshot); a re-pin shows here as a diff. \
         A test keeps this file current.\n\n\
         Every column is nullable. Root tables are keyed by `orcid` (records, with `state`: `active`, `deactivated`, \
         `deprecated`, `locked` or `error` for a placeholder) or by (`orcid`, `put_code`) (items; `affiliation` adds `kind`). \
         A child table holds a repeated member: its rows repeat the root's keys and number themselves with `ordinal` \
         (unique per document and table); a child of a child also names its parent row's `ordinal` as `parent_ordinal`. \
         A date ORCID gives as year, month and day is a `DATE` (missing parts as 1) and a `_precision` column \
         (`year`, `month`, `day`); an instant is a UTC timestamp in milliseconds. A record's activities are not \
         repeated in `record`: they are the activities files' tables.\n\n",
    );
    for table in tables() {
        out.push_str(&format!("### `{}`\n\n", table.name));
        if let Some(parent) = &table.parent {
            out.push_str(&format!("Rows belong to `{parent}` rows (join on the keys and `ordinal`).\n\n"));
        }
        out.push_str("| column | Parquet | Spark | BigQuery | ORCID JSON |\n|---|---|---|---|---|\n");
        for c in &table.columns {
            let (p, s, b) = c.kind.types();
            out.push_str(&format!(
                "| `{}` | {p} | {s} | {b} | {} |\n",
                c.name,
                if c.source.is_empty() { "key".into() } else { format!("`{}`", c.source) }
            ));
        }
        out.push('\n');
    }
    out
}
