//! Search over the emulator's records, as ORCID's `/search`, `/expanded-search` and
//! `/csv-search` answer: the public data of each record indexed under ORCID's Solr field
//! names, a subset of Solr's query syntax, ORCID's paging limits.
//!
//! The query syntax: terms and `"phrases"`, `field:term`, `field:"phrase"`, `field:(a OR b)`,
//! trailing `*` wildcards, `*:*`, `AND`/`&&`, `OR`/`||` (the default between clauses), `NOT`/`!`,
//! `+` and `-` prefixes, parentheses and backslash escapes. Text fields (names, titles,
//! organisation names) match word by word, ignoring case; identifier fields (`orcid`, DOIs,
//! organisation ids, grant numbers) match whole values, ignoring case. Only
//! `given-and-family-names` matches letters with and without diacritics alike, as ORCID's does.

use std::collections::{BTreeMap, BTreeSet};

use orcid_model::Document;
use orcid_model::common::{AffiliationItem, ExternalIds, Visibility};
use orcid_model::items::Section;
use unicode_normalization::UnicodeNormalization;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::http::{orcid_error, typed};
use crate::state::{PersonName, Record, State, lock};
use orcid_model::Format;

/// ORCID's page size when `rows` is not given, and its largest.
pub(crate) const MAX_ROWS: u32 = 1000;
/// The largest `start` ORCID takes from a request without credentials.
pub(crate) const MAX_START_ANONYMOUS: u32 = 10_000;
/// How deep parentheses may nest in a query (Solr refuses far less deep ones on its own).
const MAX_DEPTH: usize = 64;
/// Solr's `maxBooleanClauses`: a query of more terms is refused (and a search stays bounded).
const MAX_TERMS: usize = 1024;

/// The fields matched word by word.
const TEXT_FIELDS: &[&str] = &[
    "given-names",
    "family-name",
    "given-and-family-names",
    "credit-name",
    "other-names",
    "keyword",
    "biography",
    "affiliation-org-name",
    "current-institution-affiliation-name",
    "past-institution-affiliation-name",
    "funding-titles",
    "work-titles",
    "text",
];

/// The fields matched as whole values; identifier types add `{type}-self`, `{type}-part-of`
/// and `{type}-version-of`.
const VALUE_FIELDS: &[&str] = &[
    "orcid",
    "email",
    "digital-object-ids",
    "external-id-reference",
    "external-id-type-and-value",
    "ringgold-org-id",
    "grid-org-id",
    "ror-org-id",
    "fundref-org-id",
    "grant-numbers",
    "peer-review-type",
    "peer-review-role",
    "peer-review-group-id",
];

/// The fields `csv-search` writes (ORCID's allowed `fl` fields), in ORCID's default order.
pub(crate) const CSV_FIELDS: &[&str] = &[
    "orcid",
    "email",
    "given-names",
    "family-name",
    "given-and-family-names",
    "current-institution-affiliation-name",
    "past-institution-affiliation-name",
    "credit-name",
    "other-names",
];

/// One record as search sees it: its public data under ORCID's field names.
#[derive(Debug, Default, Clone)]
pub(crate) struct Doc {
    /// field → values as written.
    values: BTreeMap<String, Vec<String>>,
    /// field → each value's words, lower-cased (folded for `given-and-family-names`).
    words: BTreeMap<String, Vec<Vec<String>>>,
}

impl Doc {
    fn add(&mut self, field: &str, value: &str) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        self.values.entry(field.to_owned()).or_default().push(value.to_owned());
        let words = words(value, field == "given-and-family-names");
        if field != "text" {
            // Every value is found by a search without a field, too.
            self.words.entry("text".to_owned()).or_default().push(words.clone());
        }
        self.words.entry(field.to_owned()).or_default().push(words);
    }

    /// The values of a field as written.
    pub(crate) fn values(&self, field: &str) -> &[String] {
        self.values.get(field).map_or(&[], Vec::as_slice)
    }

    fn first(&self, field: &str) -> Option<String> {
        self.values(field).first().cloned()
    }

    /// `search:search`'s result: the iD.
    pub(crate) fn orcid(&self) -> &str {
        self.values("orcid").first().map_or("", String::as_str)
    }

    /// `expanded-search:expanded-result`.
    pub(crate) fn expanded(&self) -> orcid_model::expanded_search::ExpandedResult {
        let mut result = orcid_model::expanded_search::ExpandedResult::new(self.orcid());
        result.given_names = self.first("given-names");
        result.family_names = self.first("family-name");
        result.credit_name = self.first("credit-name");
        result.other_names = self.values("other-names").to_vec();
        result.emails = self.values("email").to_vec();
        let institutions: BTreeSet<&String> =
            self.values("current-institution-affiliation-name").iter().chain(self.values("past-institution-affiliation-name")).collect();
        result.institution_names = institutions.into_iter().cloned().collect();
        result
    }

    /// One CSV line of the fields asked for: several values of a field joined by commas.
    pub(crate) fn csv_line(&self, fields: &[&str]) -> String {
        let cells: Vec<String> = fields.iter().map(|f| csv_cell(&self.values(f).join(","))).collect();
        cells.join(",")
    }
}

/// A CSV cell, quoted when it holds a comma, a quote or a line break.
fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
}

/// Lower-cased words: runs of letters and digits. `fold` drops diacritics (`Kårlsbeârd` is
/// `karlsbeard`).
fn words(text: &str, fold: bool) -> Vec<String> {
    let text = if fold { text.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).collect() } else { text.to_owned() };
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// The search document of a record: its holder's name and its public items.
fn document(orcid: &str, name: Option<&PersonName>, record: &Record) -> Doc {
    let mut doc = Doc::default();
    doc.add("orcid", orcid);
    if let Some(name) = name {
        doc.add("given-names", &name.given_names);
        if let Some(family) = &name.family_name {
            doc.add("family-name", family);
        }
        let full = [Some(name.given_names.as_str()), name.family_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
        doc.add("given-and-family-names", &full);
    }
    for section in Section::ALL {
        let Some(items) = record.sections.get(section) else { continue };
        for stored in items.values().filter(|s| s.visibility == Some(Visibility::Public)) {
            index_item(&mut doc, &stored.item.to_document());
        }
    }
    doc
}

fn index_item(doc: &mut Doc, item: &Document) {
    match item {
        Document::Work(w) => {
            doc.add("work-titles", &w.title.title);
            index_ids(doc, w.external_ids.as_ref());
        }
        Document::Funding(f) => {
            if let Some(t) = &f.title {
                doc.add("funding-titles", &t.title);
            }
            for id in f.external_ids.iter().flat_map(|ids| &ids.external_ids) {
                if id.external_id_type.as_str() == "grant_number" {
                    doc.add("grant-numbers", &id.external_id_value);
                }
            }
            index_organization(doc, &f.organization, "fundref-org-id");
        }
        Document::PeerReview(r) => {
            doc.add("peer-review-type", r.review_type.as_str());
            doc.add("peer-review-role", r.reviewer_role.as_str());
            doc.add("peer-review-group-id", &r.review_group_id);
        }
        Document::OtherName(n) => doc.add("other-names", &n.content),
        Document::Keyword(k) => doc.add("keyword", &k.content),
        Document::ExternalIdentifier(e) => {
            doc.add("external-id-reference", &e.external_id_value);
            doc.add("external-id-type-and-value", &format!("{}={}", e.external_id_type.as_str(), e.external_id_value));
        }
        Document::Employment(a) => index_affiliation(doc, a, true),
        Document::Education(a) => index_affiliation(doc, a, true),
        Document::Distinction(a) => index_affiliation(doc, a, false),
        Document::InvitedPosition(a) => index_affiliation(doc, a, false),
        Document::Membership(a) => index_affiliation(doc, a, false),
        Document::Qualification(a) => index_affiliation(doc, a, false),
        Document::Service(a) => index_affiliation(doc, a, false),
        _ => {}
    }
}

/// An affiliation's organisation; employments and educations are current (no end date) or
/// past institutions.
fn index_affiliation(doc: &mut Doc, a: &impl AffiliationItem, institution: bool) {
    let Some(org) = a.organization() else { return };
    index_organization(doc, org, "");
    if institution {
        let field = if a.end_date().is_some() { "past-institution-affiliation-name" } else { "current-institution-affiliation-name" };
        doc.add(field, &org.name);
    }
}

/// An organisation's name and its disambiguated id under `{source}-org-id` (`fallback` when
/// the source has no field of its own).
fn index_organization(doc: &mut Doc, org: &orcid_model::common::Organization, fallback: &str) {
    doc.add("affiliation-org-name", &org.name);
    if let Some(d) = &org.disambiguated_organization {
        let field = match d.disambiguation_source.to_ascii_uppercase().as_str() {
            "RINGGOLD" => "ringgold-org-id",
            "GRID" => "grid-org-id",
            "ROR" => "ror-org-id",
            "FUNDREF" => "fundref-org-id",
            _ => fallback,
        };
        if !field.is_empty() {
            doc.add(field, &d.disambiguated_organization_identifier);
        }
    }
}

/// A work's identifiers: `{type}-{relationship}`, and DOIs under `digital-object-ids`.
fn index_ids(doc: &mut Doc, ids: Option<&ExternalIds>) {
    for id in ids.iter().flat_map(|ids| &ids.external_ids) {
        let kind = id.external_id_type.as_str();
        if kind == "doi" {
            doc.add("digital-object-ids", &id.external_id_value);
        }
        if let Some(relationship) = &id.external_id_relationship {
            doc.add(&format!("{kind}-{}", relationship.as_str()), &id.external_id_value);
        }
    }
}

/// The search feature's own state: the index, told of every record that changes.
#[derive(Debug, Default)]
pub(crate) struct Search {
    index: std::sync::Mutex<Index>,
}

impl Search {
    /// A search over `state`'s records: every record is indexed at the first search, and
    /// each record that changes from now on at the next.
    pub(crate) fn watch(state: &State) -> std::sync::Arc<Search> {
        let search = std::sync::Arc::new(Search::default());
        lock(&search.index).changed.extend(state.orcids());
        let watcher = search.clone();
        state.on_record_changed(move |_, orcid| {
            lock(&watcher.index).changed.insert(orcid.to_owned());
        });
        search
    }
}

/// The index: each record's document, by iD (so results come in a stable order), and the
/// records changed since they were indexed.
#[derive(Debug, Default)]
struct Index {
    docs: BTreeMap<String, Doc>,
    /// Indexed again at the next search: a record written to 10,000 times between two searches
    /// is indexed once.
    changed: BTreeSet<String>,
}

impl Index {
    pub(crate) fn put(&mut self, orcid: &str, doc: Doc) {
        self.docs.insert(orcid.to_owned(), doc);
    }

    /// The documents a query matches, best first (more matching terms), then by iD.
    pub(crate) fn find(&self, query: &Query) -> Vec<&Doc> {
        let mut hits: Vec<(u32, &Doc)> = self.docs.values().filter_map(|doc| Some((query.score(doc)?, doc))).collect();
        // A stable sort keeps the iD order among equal scores.
        hits.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        hits.into_iter().map(|(_, d)| d).collect()
    }
}

/// Which search endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `/search`: iDs.
    Ids,
    /// `/expanded-search`: iDs, names and institutions.
    Expanded,
    /// `/csv-search`: the fields asked for (`fl`), as CSV.
    Csv,
}

impl Kind {
    /// The endpoint a path segment names.
    pub(crate) fn of_path(segment: &str) -> Option<Kind> {
        match segment {
            "search" => Some(Kind::Ids),
            "expanded-search" => Some(Kind::Expanded),
            "csv-search" => Some(Kind::Csv),
            _ => None,
        }
    }
}

/// A search request: ORCID's checks of `rows` and `start`, Solr's of the query, the page.
/// `credentials`: the request had a token (ORCID limits `start` only for requests without).
pub(crate) fn handle(state: &State, search: &Search, kind: Kind, query: &str, answer: Format, credentials: bool) -> Response {
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let rows_message = format!("The rows parameter must be an integer between 0 and {MAX_ROWS}");
    let rows = match param("rows").map(str::parse::<i64>) {
        None => MAX_ROWS as usize,
        Some(Ok(n)) if (0..=i64::from(MAX_ROWS)).contains(&n) => n as usize,
        Some(_) => return orcid_error(answer, 400, 9012, rows_message),
    };
    let start_message =
        format!("The start parameter for API users without credentials must be an integer between 0 and {MAX_START_ANONYMOUS}");
    let start = match param("start").map(str::parse::<i64>) {
        None => 0,
        Some(Ok(n)) if n >= 0 && (credentials || n <= i64::from(MAX_START_ANONYMOUS)) => n as usize,
        Some(Ok(_)) if !credentials => return orcid_error(answer, 400, 9043, start_message),
        Some(Err(_)) if !credentials => return orcid_error(answer, 400, 9012, start_message),
        // ORCID passes it to Solr, which refuses it; ORCID's exception mapper has no case for
        // Solr's refusals, so they are 500s.
        Some(_) => return solr_refused(answer, "'start' must be a non-negative integer"),
    };
    let parsed = match Query::parse(param("q").unwrap_or("")) {
        Ok(q) => q,
        Err(message) => return solr_refused(answer, &message),
    };
    let index = current(state, search);
    let hits = index.find(&parsed);
    let found = hits.len() as i64;
    let page = hits.iter().skip(start).take(rows);
    match kind {
        Kind::Ids => {
            let mut search = orcid_model::search::Search::new();
            search.num_found = Some(found);
            search.results = page.map(|d| orcid_model::search::SearchResult::new(orcid_identifier(d.orcid()))).collect();
            typed(answer, StatusCode::OK, &search)
        }
        Kind::Expanded => {
            let mut search = orcid_model::expanded_search::ExpandedSearch::new();
            search.num_found = Some(found);
            search.expanded_results = page.map(|d| d.expanded()).collect();
            typed(answer, StatusCode::OK, &search)
        }
        Kind::Csv => {
            // ORCID keeps the allowed fields asked for, or writes them all.
            let asked: Vec<&str> = param("fl").unwrap_or("").split(',').map(str::trim).filter(|f| CSV_FIELDS.contains(f)).collect();
            let fields = if asked.is_empty() { CSV_FIELDS.to_vec() } else { asked };
            let mut csv = fields.join(",") + "\n";
            for doc in page {
                csv.push_str(&doc.csv_line(&fields));
                csv.push('\n');
            }
            (StatusCode::OK, [(header::CONTENT_TYPE, "text/csv;charset=UTF-8")], csv).into_response()
        }
    }
}

fn solr_refused(answer: Format, message: &str) -> Response {
    orcid_error(answer, 500, 9008, format!("The search engine refused the query: {message}"))
}

/// A record's iD as search results carry it.
fn orcid_identifier(orcid: &str) -> orcid_model::common::OrcidIdentifier {
    orcid_model::common::OrcidIdentifier::new()
        .with_uri(format!("https://sandbox.orcid.org/{orcid}"))
        .with_path(orcid)
        .with_host("sandbox.orcid.org")
}

/// The index, with the records changed since the last search indexed again.
fn current<'s>(state: &State, search: &'s Search) -> std::sync::MutexGuard<'s, Index> {
    let changed = std::mem::take(&mut lock(&search.index).changed);
    for orcid in changed {
        let name = state.person_name(&orcid);
        let doc = lock(&state.records).get(&orcid).map(|record| document(&orcid, name.as_ref(), record));
        if let Some(doc) = doc {
            lock(&search.index).put(&orcid, doc);
        }
    }
    lock(&search.index)
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Query {
    /// `*:*`.
    All,
    /// A term or phrase in a field (`text`: any field).
    Term { field: String, want: Want },
    /// Lucene's boolean query: every `must` clause matches, no `must_not` clause does, and,
    /// when there is no `must` clause, at least one `should` clause does (a query of
    /// `must_not` clauses alone matches everything else, as Solr makes it).
    Bool { must: Vec<Query>, should: Vec<Query>, must_not: Vec<Query> },
}

/// What a term looks for, prepared once when the query is parsed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Want {
    /// In a text field: these words in a row (a word or a phrase; none matches nothing).
    Words(Vec<String>),
    /// In a text field: a word beginning so (a term ending in `*`).
    WordPrefix(String),
    /// In a value field: the whole value, ignoring ASCII case.
    Value(String),
    /// In a value field: a value beginning so, ignoring case (lower-cased here).
    ValuePrefix(String),
    /// Any value at all (`family-name:*`): Solr matches every record that has the field.
    Any,
}

impl Want {
    /// What a term (a word or a phrase as written, `prefix` when it ended in `*`) looks for
    /// in a field, or Solr's refusal of an undefined field.
    fn of(field: &str, term: &str, prefix: bool) -> Result<Want, String> {
        let text = TEXT_FIELDS.contains(&field);
        let known = text || VALUE_FIELDS.contains(&field) || ["-self", "-part-of", "-version-of"].iter().any(|s| field.ends_with(s));
        if !known {
            return Err(format!("undefined field {field}"));
        }
        let fold = field == "given-and-family-names";
        Ok(match (text, prefix) {
            (true, true) => Want::WordPrefix(words(term, fold).concat()),
            (true, false) => Want::Words(words(term, fold)),
            (false, true) => Want::ValuePrefix(term.to_lowercase()),
            (false, false) => Want::Value(term.to_owned()),
        })
    }

    /// Whether a field of the document has it.
    fn found_in(&self, doc: &Doc, field: &str) -> bool {
        let values = || doc.values(field).iter();
        let phrases = || doc.words.get(field).into_iter().flatten();
        match self {
            Want::Value(v) => values().any(|have| have.eq_ignore_ascii_case(v)),
            Want::ValuePrefix(p) => values().any(|have| have.to_lowercase().starts_with(p.as_str())),
            Want::WordPrefix(p) => phrases().flatten().any(|w| w.starts_with(p.as_str())),
            Want::Any => values().next().is_some() || phrases().flatten().next().is_some(),
            Want::Words(wanted) => {
                !wanted.is_empty() && phrases().any(|have| have.windows(wanted.len()).any(|window| window == wanted.as_slice()))
            }
        }
    }
}

impl Query {
    /// Parses Solr's query syntax (the subset in the module's documentation).
    pub(crate) fn parse(text: &str) -> Result<Query, String> {
        let tokens = lex(text)?;
        let terms = tokens.iter().filter(|t| matches!(t, Token::Word(_) | Token::Phrase(_))).count();
        if terms > MAX_TERMS {
            return Err(format!("too many clauses: {terms} terms, at most {MAX_TERMS}"));
        }
        let mut parser = Parser { tokens, at: 0 };
        if parser.tokens.is_empty() {
            // An empty query finds nothing.
            return Ok(Query::Bool { must: Vec::new(), should: Vec::new(), must_not: Vec::new() });
        }
        let query = parser.clauses(None, 0)?;
        match parser.tokens.get(parser.at) {
            None => Ok(query),
            Some(t) => Err(format!("Cannot parse '{text}': unexpected {t:?}")),
        }
    }

    /// `None` when the document does not match; else how many terms matched.
    fn score(&self, doc: &Doc) -> Option<u32> {
        match self {
            Query::All => Some(1),
            Query::Term { field, want } => want.found_in(doc, field).then_some(1),
            Query::Bool { must, should, must_not } => {
                let mut total = 0;
                for q in must {
                    total += q.score(doc)?;
                }
                if must_not.iter().any(|q| q.score(doc).is_some()) {
                    return None;
                }
                let mut any_should = false;
                for s in should.iter().filter_map(|q| q.score(doc)) {
                    total += s;
                    any_should = true;
                }
                let only_negative = must.is_empty() && should.is_empty() && !must_not.is_empty();
                (any_should || !must.is_empty() || only_negative).then_some(total)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Not,
    Required,
    /// `field:` before a term, a phrase or a group.
    Field(String),
    Word(String),
    Phrase(String),
}

/// Splits a query into tokens; backslash escapes any character.
fn lex(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '"' => {
                chars.next();
                let mut phrase = String::new();
                loop {
                    match chars.next() {
                        None => return Err(format!("Cannot parse '{text}': a phrase is not closed")),
                        Some('"') => break,
                        Some('\\') => phrase.extend(chars.next()),
                        Some(c) => phrase.push(c),
                    }
                }
                tokens.push(Token::Phrase(phrase));
            }
            '+' | '-' | '!' if tokens.last().is_none_or(|t| !matches!(t, Token::Field(_))) => {
                chars.next();
                tokens.push(if c == '+' { Token::Required } else { Token::Not });
            }
            _ => {
                let mut word = String::new();
                let mut field = None;
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '"') {
                        break;
                    }
                    chars.next();
                    match c {
                        '\\' => word.extend(chars.next()),
                        ':' if field.is_none() && !word.is_empty() => {
                            field = Some(std::mem::take(&mut word));
                            if word.is_empty() && chars.peek().is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '"')) {
                                break;
                            }
                        }
                        c => word.push(c),
                    }
                }
                match (field, word.as_str()) {
                    (Some(f), "") => tokens.push(Token::Field(f)),
                    (Some(f), w) => {
                        tokens.push(Token::Field(f));
                        tokens.push(Token::Word(w.to_owned()));
                    }
                    (None, "AND" | "&&") => tokens.push(Token::And),
                    (None, "OR" | "||") => tokens.push(Token::Or),
                    (None, "NOT") => tokens.push(Token::Not),
                    (None, w) => tokens.push(Token::Word(w.to_owned())),
                }
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

/// How a clause takes part in its boolean query.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Occur {
    Must,
    Should,
    MustNot,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    /// The clauses up to the end or a closing parenthesis, as Lucene's classic parser joins
    /// them: `OR` (or nothing: Solr's default operator) makes a clause optional, `AND` makes
    /// both its neighbours required, `+` required, `-`, `!` and `NOT` excluded.
    fn clauses(&mut self, field: Option<&str>, depth: usize) -> Result<Query, String> {
        let mut clauses: Vec<(Query, Occur)> = Vec::new();
        let mut conjunction = None;
        loop {
            match self.peek() {
                None | Some(Token::Close) => break,
                Some(Token::And) => {
                    self.at += 1;
                    conjunction = Some(Token::And);
                    if let Some(last) = clauses.last_mut().filter(|(_, o)| *o == Occur::Should) {
                        last.1 = Occur::Must;
                    }
                    continue;
                }
                Some(Token::Or) => {
                    self.at += 1;
                    conjunction = Some(Token::Or);
                    continue;
                }
                _ => {}
            }
            let occur = match self.peek() {
                Some(Token::Not) => {
                    self.at += 1;
                    Occur::MustNot
                }
                Some(Token::Required) => {
                    self.at += 1;
                    Occur::Must
                }
                _ if conjunction == Some(Token::And) => Occur::Must,
                _ => Occur::Should,
            };
            conjunction = None;
            clauses.push((self.primary(field, depth)?, occur));
        }
        if let [(query, Occur::Should | Occur::Must)] = clauses.as_slice() {
            return Ok(query.clone());
        }
        let mut bool = (Vec::new(), Vec::new(), Vec::new());
        for (query, occur) in clauses {
            match occur {
                Occur::Must => bool.0.push(query),
                Occur::Should => bool.1.push(query),
                Occur::MustNot => bool.2.push(query),
            }
        }
        if bool == (Vec::new(), Vec::new(), Vec::new()) {
            return Err("nothing to look for".into());
        }
        Ok(Query::Bool { must: bool.0, should: bool.1, must_not: bool.2 })
    }

    fn primary(&mut self, field: Option<&str>, depth: usize) -> Result<Query, String> {
        if depth > MAX_DEPTH {
            return Err(format!("the query nests deeper than {MAX_DEPTH} levels"));
        }
        let token = self.peek().cloned().ok_or("the query ends where a term was expected")?;
        self.at += 1;
        match token {
            Token::Open => {
                let inner = self.clauses(field, depth + 1)?;
                if self.peek() != Some(&Token::Close) {
                    return Err("a parenthesis is not closed".into());
                }
                self.at += 1;
                Ok(inner)
            }
            Token::Field(f) => match self.peek() {
                Some(Token::Open | Token::Word(_) | Token::Phrase(_)) => self.primary(Some(&f), depth + 1),
                _ => Err(format!("nothing to look for after {f}:")),
            },
            Token::Word(w) if w == "*" && field == Some("*") => Ok(Query::All),
            Token::Word(w) if w == "*" && field.is_some() => {
                let field = field.unwrap_or_default();
                Want::of(field, "", false)?; // an undefined field is refused as Solr refuses it
                Ok(Query::Term { field: field.to_owned(), want: Want::Any })
            }
            Token::Word(w) => {
                let field = field.unwrap_or("text");
                let want = match w.strip_suffix('*') {
                    Some(p) if !p.is_empty() => Want::of(field, p, true)?,
                    _ => Want::of(field, &w, false)?,
                };
                Ok(Query::Term { field: field.to_owned(), want })
            }
            Token::Phrase(p) => {
                let field = field.unwrap_or("text");
                Ok(Query::Term { field: field.to_owned(), want: Want::of(field, &p, false)? })
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Doc {
        let mut doc = Doc::default();
        doc.add("orcid", "0000-0002-1825-0097");
        doc.add("given-names", "Josiah");
        doc.add("family-name", "Carberry");
        doc.add("given-and-family-names", "Jösiah Cårberry");
        doc.add("affiliation-org-name", "Brown University");
        doc.add("digital-object-ids", "10.5555/12345678");
        doc
    }

    fn matches(q: &str) -> bool {
        Query::parse(q).unwrap().score(&doc()).is_some()
    }

    #[test]
    fn fields_operators_phrases_and_wildcards() {
        assert!(matches("family-name:carberry"));
        assert!(matches("family-name:Carberry AND given-names:Josiah"));
        assert!(!matches("family-name:Carberry AND given-names:Ada"));
        assert!(matches("family-name:Smith OR given-names:Josiah"));
        assert!(matches("family-name:Smith given-names:Josiah"), "OR is the default operator");
        assert!(!matches("family-name:Smith +given-names:Ada"));
        assert!(matches("given-names:Ada OR (family-name:Carberry AND given-names:Josiah)"));
        assert!(!matches("given-names:Josiah AND NOT family-name:Carberry"));
        assert!(matches("given-names:Josiah && !family-name:Smith"));
        assert!(matches("carberry"), "no field: any field");
        assert!(matches("affiliation-org-name:\"brown university\""));
        assert!(!matches("affiliation-org-name:\"university brown\""));
        assert!(matches("affiliation-org-name:(Yale OR Brown)"));
        assert!(matches("family-name:Carb*"));
        assert!(matches("*:*"));
        assert!(matches("family-name:*") && matches("orcid:*") && matches("affiliation-org-name:*"), "a bare wildcard: has the field");
        assert!(!matches("credit-name:*") && matches("NOT credit-name:*"), "the document has no credit name");
        assert!(Query::parse("colour:*").is_err(), "an undefined field is refused");
        assert!(matches("NOT family-name:Smith"));
        assert!(!matches("-family-name:Carberry"));
        assert!(matches("orcid:0000-0002-1825-0097"));
        assert!(!matches("orcid:0000-0002-1825"), "identifier fields match whole values");
        assert!(matches("digital-object-ids:10.5555\\/12345678"));
        assert!(matches("digital-object-ids:\"10.5555/12345678\""));
        // Diacritics are folded in given-and-family-names only.
        assert!(matches("given-and-family-names:josiah"));
        assert!(matches("given-and-family-names:Jösiah"));
        assert!(!matches("family-name:Cårberry"));
    }

    #[test]
    fn what_solr_refuses() {
        assert_eq!(Query::parse("(family-name:a").unwrap_err(), "a parenthesis is not closed");
        assert!(Query::parse("\"open phrase").is_err());
        assert!(Query::parse("family-name:").is_err());
        let deep = format!("{}a{}", "(".repeat(100), ")".repeat(100));
        assert!(Query::parse(&deep).is_err());
        assert!(Query::parse(&"a ".repeat(1024)).is_ok());
        assert_eq!(Query::parse(&"a ".repeat(1025)).unwrap_err(), "too many clauses: 1025 terms, at most 1024");
        assert_eq!(Query::parse("colour:red").unwrap_err(), "undefined field colour");
        assert_eq!(Query::parse("").unwrap().score(&doc()), None);
    }

    #[test]
    fn csv_cells_are_quoted_when_needed() {
        let mut doc = doc();
        doc.add("other-names", "J. \"Joe\" Carberry");
        doc.add("other-names", "Carberry, J.");
        assert_eq!(
            doc.csv_line(&["orcid", "given-names", "email", "other-names"]),
            "0000-0002-1825-0097,Josiah,,\"J. \"\"Joe\"\" Carberry,Carberry, J.\""
        );
    }
}
