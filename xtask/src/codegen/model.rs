//! From xsd-parser's interpreted meta types to the description of the Rust model we render.
//!
//! xsd-parser parses and interprets the XSDs (imports, extensions, anonymous types, facets);
//! this module decides what each type becomes in Rust: readable names, choices flattened into
//! fields, ORCID's vocabularies and lexical-preserving types (`DateTime`, `DatePart`) in place of
//! plain strings and integers, and facets kept for strict reading.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use anyhow::{Context, Result, bail};
use xsd_parser::models::meta::{
    AttributeMetaVariant, Base, BuildInMeta, ComplexMeta, ElementMetaVariant, ElementMode, GroupMeta, MetaTypeVariant,
};
use xsd_parser::models::schema::xs::{FormChoiceType, Use};
use xsd_parser::models::schema::{MaxOccurs, NamespaceId, SchemaId};
use xsd_parser::{IdentType, MetaTypes, TypeIdent};

use super::names::{camel, plural, screaming, snake};
use super::vocab::Vocabulary;

/// ORCID's namespaces all start with this.
const ORCID_NS: &str = "http://www.orcid.org/ns/";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
const XS_NS: &str = "http://www.w3.org/2001/XMLSchema";

/// A namespace the model uses.
#[derive(Debug, Clone)]
pub struct NsDef {
    /// The URI.
    pub uri: String,
    /// ORCID's conventional prefix.
    pub prefix: String,
    /// The Rust module holding its types (`peer_review`).
    pub module: String,
    /// The `Ns` variant (`PeerReview`).
    pub variant: String,
}

/// The Rust type of a value.
#[derive(Debug, Clone, PartialEq)]
pub enum TyRef {
    /// A generated struct, by path from a generated module (`super::work::Work`).
    Struct(String),
    /// A simple value.
    Simple(SimpleRef),
}

/// A simple value's Rust type and the facets to check it against.
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleRef {
    /// Path from a generated module: `String`, `i64`, `crate::xml::DateTime`, `super::common::Visibility`.
    pub rust: String,
    /// Path to a `Facets` static, or `None` for none.
    pub facets: Option<String>,
}

/// How often a field occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurs {
    /// Exactly once: `T`.
    Required,
    /// At most once: `Option<T>`.
    Optional,
    /// Any number: `Vec<T>`.
    Many,
}

/// One XML element a field is read from.
#[derive(Debug, Clone, PartialEq)]
pub struct ElemName {
    /// The `Ns` variant.
    pub ns: String,
    /// The local name.
    pub local: String,
    /// The element's type.
    pub ty: TyRef,
    /// For choice lists: the enum variant.
    pub variant: Option<String>,
}

/// A struct field for child elements.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    /// The Rust field name.
    pub rust: String,
    /// The element(s): one, or one per alternative for a choice list.
    pub elems: Vec<ElemName>,
    /// For a choice list: the enum (name in this module).
    pub choice_enum: Option<String>,
    /// How often.
    pub occurs: Occurs,
    /// A list (`Many`) the XSD requires at least one entry of (`minOccurs` ≥ 1 outside any
    /// optional group).
    pub at_least_one: bool,
    /// Documentation.
    pub doc: Vec<String>,
}

/// A struct field for an attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct AttrDef {
    /// The Rust field name.
    pub rust: String,
    /// The `Ns` variant (`None` when unqualified).
    pub ns: String,
    /// The local name.
    pub local: String,
    /// The value type.
    pub ty: SimpleRef,
    /// Whether `use="required"`.
    pub required: bool,
    /// Documentation.
    pub doc: Vec<String>,
}

/// A choice or optional sequence, as masks over field indices.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupDef {
    /// May be absent altogether.
    pub optional: bool,
    /// (all, required) per alternative.
    pub branches: Vec<(u64, u64)>,
}

/// What a struct holds besides attributes.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// Nothing.
    Empty,
    /// Text of a simple type (`value` field).
    Text(SimpleRef),
    /// Child elements.
    Elements {
        /// The fields in schema order.
        fields: Vec<FieldDef>,
        /// Choices and optional sequences.
        groups: Vec<GroupDef>,
    },
}

/// A generated struct.
#[derive(Debug, Clone)]
pub struct StructDef {
    /// The module (namespace) it lives in.
    pub module: String,
    /// The Rust name.
    pub rust: String,
    /// `prefix:name` of the XSD type (or element, for anonymous types).
    pub xsd: String,
    /// The schema file that defines it.
    pub schema: SchemaId,
    /// Documentation.
    pub doc: Vec<String>,
    /// Attributes.
    pub attrs: Vec<AttrDef>,
    /// Content.
    pub content: Content,
    /// For an item type made from a type other items share (`education:education` from
    /// `common:affiliation`): the shared type's path (`common::Affiliation`).
    pub shared: Option<String>,
}

/// A generated enum for an XSD enumeration.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// The module.
    pub module: String,
    /// The Rust name.
    pub rust: String,
    /// `prefix:name`.
    pub xsd: String,
    /// Documentation.
    pub doc: Vec<String>,
    /// (value, variant).
    pub values: Vec<(String, String)>,
}

/// A generated `Facets` static.
#[derive(Debug, Clone)]
pub struct FacetDef {
    /// The module.
    pub module: String,
    /// The static's name.
    pub rust: String,
    /// `prefix:name` of the type.
    pub xsd: String,
    /// Facets, accumulated over the derivation chain.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// Paths to the `Pattern` statics, one per derivation step with a pattern.
    pub patterns: Vec<String>,
    /// `minInclusive`.
    pub min_inclusive: Option<i64>,
    /// `maxInclusive`.
    pub max_inclusive: Option<i64>,
}

/// A generated `Pattern` static.
#[derive(Debug, Clone)]
pub struct PatternDef {
    /// The module.
    pub module: String,
    /// The static's name.
    pub rust: String,
    /// The XSD pattern.
    pub xsd: String,
}

/// A global element that can be a document root.
#[derive(Debug, Clone)]
pub struct RootDef {
    /// The `Ns` variant.
    pub ns: String,
    /// The element's local name.
    pub local: String,
    /// The type's path from the generated root (`work::Work`, `String`).
    pub path: String,
    /// The element's type.
    pub ty: TyRef,
    /// The `Document` variant.
    pub variant: String,
}

/// Everything the renderer needs.
#[derive(Debug, Default)]
pub struct Model {
    /// Namespaces, sorted by prefix.
    pub namespaces: Vec<NsDef>,
    /// Structs.
    pub structs: Vec<StructDef>,
    /// Enumerations.
    pub enums: Vec<EnumDef>,
    /// Facet statics.
    pub facets: Vec<FacetDef>,
    /// Pattern statics.
    pub patterns: Vec<PatternDef>,
    /// Document roots.
    pub roots: Vec<RootDef>,
    /// Vocabularies.
    pub vocabularies: Vec<Vocabulary>,
    /// The upstream snapshot the model is generated from (none for test fixtures).
    pub snapshot: Option<Snapshot>,
}

/// Which ORCID a model was generated from: the pin's release, commit and date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// `pom.xml`'s version at the commit (`3.3.8`), or `unreleased`.
    pub release: String,
    /// The full commit.
    pub commit: String,
    /// The commit's date, `YYYY-MM-DD`, or `unknown`.
    pub date: String,
}

impl Model {
    /// The model's public surface as text, one type a paragraph: what a schema update changes
    /// for users, reviewed as a snapshot diff.
    pub fn surface(&self) -> String {
        use std::fmt::Write;
        let simple = |t: &TyRef| match t {
            TyRef::Struct(p) => p.trim_start_matches("super::").to_owned(),
            TyRef::Simple(s) => s.rust.trim_start_matches("super::").trim_start_matches("crate::").to_owned(),
        };
        let mut out = String::new();
        for s in &self.structs {
            let _ = writeln!(out, "struct {}::{}  <{}>", s.module, s.rust, s.xsd);
            for a in &s.attrs {
                let t = simple(&TyRef::Simple(a.ty.clone()));
                let t = if a.required { t } else { format!("Option<{t}>") };
                let _ = writeln!(out, "    {}: {t}  @{}", a.rust, a.local);
            }
            match &s.content {
                Content::Empty => {}
                Content::Text(t) => {
                    let _ = writeln!(out, "    value: {}", simple(&TyRef::Simple(t.clone())));
                }
                Content::Elements { fields, .. } => {
                    for f in fields {
                        let inner = match &f.choice_enum {
                            Some(e) => e.clone(),
                            None => simple(&f.elems[0].ty),
                        };
                        let t = match f.occurs {
                            Occurs::Required => inner,
                            Occurs::Optional => format!("Option<{inner}>"),
                            Occurs::Many => format!("Vec<{inner}>"),
                        };
                        let names = f.elems.iter().map(|e| e.local.as_str()).collect::<Vec<_>>().join("|");
                        let _ = writeln!(out, "    {}: {t}  <{names}>", f.rust);
                    }
                }
            }
        }
        for e in &self.enums {
            let values = e.values.iter().map(|(v, _)| v.as_str()).collect::<Vec<_>>().join(" ");
            let _ = writeln!(out, "enum {}::{}  <{}>: {values}", e.module, e.rust, e.xsd);
        }
        for f in &self.facets {
            let mut parts = Vec::new();
            let mut part = |name: &str, v: Option<String>| {
                if let Some(v) = v {
                    parts.push(format!("{name}={v}"));
                }
            };
            part("minLength", f.min_length.map(|v| v.to_string()));
            part("maxLength", f.max_length.map(|v| v.to_string()));
            part("minInclusive", f.min_inclusive.map(|v| v.to_string()));
            part("maxInclusive", f.max_inclusive.map(|v| v.to_string()));
            for path in &f.patterns {
                let name = path.rsplit("::").next().unwrap_or(path);
                let pattern = self.patterns.iter().find(|p| p.rust == name).map_or(name, |p| p.xsd.as_str());
                parts.push(format!("pattern={pattern}"));
            }
            let _ = writeln!(out, "facet {}: {}", f.xsd, parts.join(" "));
        }
        for v in &self.vocabularies {
            let bound = if v.bound { ", bound" } else { "" };
            let _ = writeln!(out, "vocabulary {} <{}> from {}{bound}:", v.rust, v.key, v.origins.join(" + "));
            for (value, _, _) in &v.values {
                let _ = writeln!(out, "    {value}");
            }
            for (spelling, value) in &v.aliases {
                let _ = writeln!(out, "    {spelling} -> {value}");
            }
        }
        for r in &self.roots {
            let _ = writeln!(out, "root {}:{} -> Document::{}({})", r.ns, r.local, r.variant, r.path);
        }
        out
    }
}

/// Builds the model.
pub fn build(types: &MetaTypes, vocabularies: Vec<Vocabulary>) -> Result<Model> {
    let mut b = Builder::new(types, vocabularies)?;
    // Every global element and named complex type, in a stable order.
    let idents: Vec<TypeIdent> = types.items.keys().cloned().collect();
    for ident in &idents {
        if !b.is_orcid(ident.ns) {
            continue;
        }
        match ident.type_ {
            IdentType::Element => {
                b.element_type(ident)?;
            }
            IdentType::Type if matches!(types.items[ident].variant, MetaTypeVariant::ComplexType(_)) => {
                b.type_ref(ident)?;
            }
            _ => {}
        }
    }
    // Global elements whose type is a struct can be document roots. (Looked up after all
    // types are built, as a name clash can rename a struct built earlier.)
    for ident in &idents {
        // (xsd-parser also lists local elements with anonymous types, under made-up names.)
        if ident.type_ != IdentType::Element || !b.is_orcid(ident.ns) || !ident.name.is_named() {
            continue;
        }
        if let Some(ty) = b.element_type(ident)? {
            let local = ident.name.as_str().to_owned();
            let path = match &ty {
                TyRef::Struct(path) => path.trim_start_matches("super::").to_owned(),
                TyRef::Simple(s) => s.rust.trim_start_matches("super::").to_owned(),
            };
            b.roots.push(RootDef { ns: b.ns_variant(ident.ns), variant: camel(&local), local, path, ty });
        }
    }
    // The same element name in two namespaces gets the namespace in its variant name.
    let mut counts: HashMap<String, usize> = HashMap::new();
    for r in &b.roots {
        *counts.entry(r.variant.clone()).or_default() += 1;
    }
    for r in &mut b.roots {
        if counts[&r.variant] > 1 {
            // The same name twice: twice in one namespace (notification: by struct name), or
            // in the record summary too (`summary:works`: `SummaryWorks`), else by namespace.
            let struct_name = r.path.rsplit("::").next().unwrap_or_default().to_owned();
            if struct_name != r.variant {
                r.variant = struct_name;
            } else if r.ns == "Summary" {
                r.variant = format!("Summary{}", r.variant);
            }
        }
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    for r in &b.roots {
        *counts.entry(r.variant.clone()).or_default() += 1;
    }
    for r in &mut b.roots {
        if counts[&r.variant] > 1 {
            r.variant = format!("{}{}", r.ns, r.variant);
        }
    }
    b.roots.sort_by(|a, c| a.variant.cmp(&c.variant));

    let mut structs: Vec<StructDef> = b.structs.into_values().collect();
    for s in &mut structs {
        if let Content::Elements { fields, .. } = &mut s.content {
            for e in fields.iter_mut().flat_map(|f| f.elems.iter_mut()) {
                if let TyRef::Struct(path) = &mut e.ty
                    && let Some((_, new)) = b.renames.iter().find(|(old, _)| old == path)
                {
                    *path = new.clone();
                }
            }
        }
    }
    structs.sort_by(|a, c| (&a.module, &a.rust).cmp(&(&c.module, &c.rust)));
    let mut seen = BTreeMap::new();
    for s in &structs {
        if let Some(other) = seen.insert((s.module.clone(), s.rust.clone()), s.xsd.clone()) {
            bail!("two types are both named {}::{}: {} and {}", s.module, s.rust, other, s.xsd);
        }
    }
    let mut enums: Vec<EnumDef> = b.enums.into_values().collect();
    enums.sort_by(|a, c| (&a.module, &a.rust).cmp(&(&c.module, &c.rust)));
    let mut facets: Vec<FacetDef> = b.facets.into_values().collect();
    facets.sort_by(|a, c| (&a.module, &a.rust).cmp(&(&c.module, &c.rust)));
    let patterns: Vec<PatternDef> = b.patterns.into_values().collect();
    let mut namespaces: Vec<NsDef> = b.ns.into_values().collect();
    namespaces.sort_by(|a, c| a.prefix.cmp(&c.prefix));
    Ok(Model { namespaces, structs, enums, facets, patterns, roots: b.roots, vocabularies: b.vocabularies, snapshot: None })
}

struct Builder<'t> {
    types: &'t MetaTypes,
    ns: BTreeMap<NamespaceId, NsDef>,
    xs: Option<NamespaceId>,
    vocab_by_type: HashMap<String, usize>,
    vocab_by_field: HashMap<String, usize>,
    vocabularies: Vec<Vocabulary>,
    /// Memo: complex type → what it became (a struct, or a simple value when it has simple
    /// content and no attributes).
    refs: HashMap<TypeIdent, TyRef>,
    structs: BTreeMap<String, StructDef>,
    enums: BTreeMap<String, EnumDef>,
    facets: BTreeMap<String, FacetDef>,
    patterns: BTreeMap<String, PatternDef>,
    roots: Vec<RootDef>,
    in_progress: Vec<TypeIdent>,
    clashes: std::collections::BTreeSet<(String, String)>,
    /// Struct paths renamed after fields referring to them were built.
    renames: Vec<(String, String)>,
}

/// Accumulated facets along a derivation chain.
#[derive(Default)]
struct FacetAcc {
    owner: Option<TypeIdent>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    /// (type that declares it, its pattern).
    patterns: Vec<(TypeIdent, String)>,
    min_inclusive: Option<i64>,
    max_inclusive: Option<i64>,
}

impl<'t> Builder<'t> {
    fn new(types: &'t MetaTypes, vocabularies: Vec<Vocabulary>) -> Result<Self> {
        let mut ns = BTreeMap::new();
        let mut xs = None;
        for (id, module) in &types.modules {
            let Some(uri) = module.namespace.as_ref().map(|n| String::from_utf8_lossy(&n.0).into_owned()) else {
                continue;
            };
            if uri == XS_NS {
                xs = Some(*id);
            }
            let prefix = if let Some(p) = uri.strip_prefix(ORCID_NS) {
                // ORCID's conventional prefix is the last path segment of the namespace.
                p.to_owned()
            } else if uri == XML_NS {
                "xml".to_owned()
            } else {
                continue;
            };
            let module = snake(&prefix);
            ns.insert(*id, NsDef { variant: camel(&prefix), module, prefix, uri });
        }
        let mut vocab_by_type = HashMap::new();
        let mut vocab_by_field = HashMap::new();
        for (i, v) in vocabularies.iter().enumerate() {
            for t in &v.xsd_types {
                vocab_by_type.insert(t.clone(), i);
            }
            for f in &v.fields {
                vocab_by_field.insert(f.clone(), i);
            }
        }
        Ok(Builder {
            types,
            ns,
            xs,
            vocab_by_type,
            vocab_by_field,
            vocabularies,
            refs: HashMap::new(),
            structs: BTreeMap::new(),
            enums: BTreeMap::new(),
            facets: BTreeMap::new(),
            patterns: BTreeMap::new(),
            roots: Vec::new(),
            in_progress: Vec::new(),
            clashes: Default::default(),
            renames: Vec::new(),
        })
    }

    fn is_orcid(&self, ns: NamespaceId) -> bool {
        self.ns.contains_key(&ns)
    }

    fn ns_variant(&self, ns: NamespaceId) -> String {
        self.ns.get(&ns).map_or_else(|| "None".to_owned(), |n| n.variant.clone())
    }

    fn module(&self, ns: NamespaceId) -> Result<String> {
        Ok(self.ns.get(&ns).with_context(|| format!("namespace {ns:?} is not an ORCID namespace"))?.module.clone())
    }

    fn qualified(&self, ident: &TypeIdent) -> String {
        match self.ns.get(&ident.ns) {
            Some(n) => format!("{}:{}", n.prefix, ident.name.as_str()),
            None if Some(ident.ns) == self.xs => format!("xs:{}", ident.name.as_str()),
            None => ident.name.as_str().to_owned(),
        }
    }

    fn doc(lines: &[String]) -> Vec<String> {
        lines
            .iter()
            .flat_map(|d| d.lines())
            .map(str::trim)
            .skip_while(|l| l.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
            .join("\n")
            .trim_end()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// The type of a global element.
    ///
    /// A global element for an item (a type with a put-code) of a named complex type with
    /// another name gets a struct of its own,
    /// named after the element: `education:education` (type `common:affiliation`) is an
    /// `education::Education`, `employment:employment` an `employment::Employment`. Each
    /// item then has its own name, constructor and root element.
    fn element_type(&mut self, element: &TypeIdent) -> Result<Option<TyRef>> {
        if let Some(done) = self.refs.get(element) {
            return Ok(Some(done.clone()));
        }
        let Some(ty) = self.types.items.get(element) else { bail!("unknown element {element}") };
        let MetaTypeVariant::Reference(r) = &ty.variant else {
            return Ok(Some(self.type_ref(element)?));
        };
        let type_ident = r.type_.clone();
        let result = self.type_ref(&type_ident)?;
        let TyRef::Struct(type_path) = &result else { return Ok(Some(result)) };
        let own_name = camel(element.name.as_str());
        let module = self.module(element.ns)?;
        let own_key = format!("{module}::{own_name}");
        let type_key = type_path.trim_start_matches("super::").to_owned();
        if type_ident.type_ != IdentType::Type || !element.name.is_named() || own_key == type_key || self.structs.contains_key(&own_key) {
            return Ok(Some(result));
        }
        let Some(shared) = self.structs.get(&type_key).cloned() else { return Ok(Some(result)) };
        // Only items (what has a put-code): dates, ORCID iDs and sources stay one type.
        if !shared.attrs.iter().any(|a| a.local == "put-code") {
            return Ok(Some(result));
        }
        let mut doc = Self::doc(&ty.documentation);
        if doc.is_empty() {
            doc = shared.doc.clone();
        }
        let def = StructDef {
            module,
            rust: own_name,
            xsd: self.qualified(element),
            schema: element.schema,
            doc,
            shared: Some(type_key.clone()),
            ..shared
        };
        self.structs.insert(own_key.clone(), def);
        let own = TyRef::Struct(format!("super::{own_key}"));
        self.refs.insert(element.clone(), own.clone());
        Ok(Some(own))
    }

    /// What a type (of an element or attribute) becomes in Rust.
    fn type_ref(&mut self, ident: &TypeIdent) -> Result<TyRef> {
        if let Some(done) = self.refs.get(ident) {
            return Ok(done.clone());
        }
        let ty = self.types.items.get(ident).with_context(|| format!("unknown type {ident}"))?;
        let result = match &ty.variant {
            MetaTypeVariant::ComplexType(c) => self.complex(ident, c)?,
            MetaTypeVariant::Reference(r) if ident.type_ == IdentType::Element => self.type_ref(&r.type_.clone())?,
            _ => TyRef::Simple(self.simple(ident)?),
        };
        self.refs.insert(ident.clone(), result.clone());
        Ok(result)
    }

    fn rust_name(&self, ident: &TypeIdent) -> String {
        let qualified = self.qualified(ident);
        match super::names::TYPE_RENAMES.iter().find(|(xsd, _)| *xsd == qualified) {
            Some((_, rust)) => (*rust).to_owned(),
            None => camel(ident.name.as_str()),
        }
    }

    fn complex(&mut self, ident: &TypeIdent, c: &ComplexMeta) -> Result<TyRef> {
        if self.in_progress.contains(ident) {
            bail!("recursive type {ident} is not supported");
        }
        let module = self.module(ident.ns)?;
        let doc = Self::doc(&self.types.items[ident].documentation);
        let content_meta = c.content.as_ref().map(|id| (id, &self.types.items[id].variant));
        let is_group =
            matches!(content_meta, Some((_, MetaTypeVariant::Sequence(_) | MetaTypeVariant::Choice(_) | MetaTypeVariant::All(_))));
        // Simple content: a text value, plus attributes.
        if !is_group {
            let text = match content_meta {
                Some((id, _)) => Some(self.simple(&id.clone())?),
                None if c.is_mixed => Some(SimpleRef { rust: "String".into(), facets: None }),
                None => None,
            };
            if c.attributes.is_empty()
                && let Some(text) = text
            {
                return Ok(TyRef::Simple(text));
            }
            self.in_progress.push(ident.clone());
            let attrs = self.attributes(ident, c)?;
            self.in_progress.pop();
            let content = text.map_or(Content::Empty, Content::Text);
            return self.finish_struct(ident, c, module, doc, attrs, content);
        }
        self.in_progress.push(ident.clone());
        let attrs = self.attributes(ident, c)?;
        let (content_id, _) = content_meta.expect("is_group");
        let mut fields = Vec::new();
        let mut groups = Vec::new();
        let repeated = !matches!(c.max_occurs, MaxOccurs::Bounded(n) if n <= 1);
        let ctx = Ctx { optional: false, repeated, owner: ident.clone() };
        let group_meta = self.types.items[content_id].variant.clone();
        match &group_meta {
            MetaTypeVariant::Sequence(g) | MetaTypeVariant::All(g) => {
                self.sequence(g, &ctx, &mut fields, &mut groups)?;
            }
            MetaTypeVariant::Choice(g) => {
                self.choice(g, c.min_occurs == 0, &ctx, &mut fields, &mut groups)?;
            }
            _ => unreachable!(),
        }
        self.in_progress.pop();
        if fields.len() > 64 {
            bail!("{ident} has more than 64 child elements");
        }
        self.finish_struct(ident, c, module, doc, attrs, Content::Elements { fields, groups })
    }

    fn finish_struct(
        &mut self,
        ident: &TypeIdent,
        c: &ComplexMeta,
        module: String,
        doc: Vec<String>,
        attrs: Vec<AttrDef>,
        content: Content,
    ) -> Result<TyRef> {
        // An element whose anonymous type only restates the named type of the same name
        // (`activities:affiliation-group`) uses that type. Elements named otherwise keep a type
        // of their own (`education:education` is an `Education`, though it adds nothing to
        // `common:affiliation`), so that every item has its own name and root element.
        if let Base::Extension(base) | Base::Restriction(base) = &c.base
            && let Ok(TyRef::Struct(base_path)) = self.type_ref(&base.clone())
        {
            let key = base_path.trim_start_matches("super::").to_owned();
            let same_name = key == format!("{module}::{}", self.rust_name(ident));
            if let Some(b) = self.structs.get(&key)
                && same_name
                && b.attrs == attrs
                && b.content == content
            {
                return Ok(TyRef::Struct(base_path));
            }
        }
        let mut rust = self.rust_name(ident);
        if self.structs.contains_key(&format!("{module}::{rust}")) || self.clashes.contains(&(module.clone(), rust.clone())) {
            // Two XSDs of one namespace define the same name (notification-permission and
            // notification-custom both define `notification:notification`): each type is
            // named after its schema file instead, and the first one renamed too.
            self.clashes.insert((module.clone(), rust.clone()));
            if let Some(first) = self.structs.remove(&format!("{module}::{rust}")) {
                let renamed = StructDef { rust: self.schema_stem(first.schema), ..first };
                let old_path = format!("super::{module}::{rust}");
                let new_path = format!("super::{module}::{}", renamed.rust);
                for r in self.refs.values_mut() {
                    if *r == TyRef::Struct(old_path.clone()) {
                        *r = TyRef::Struct(new_path.clone());
                    }
                }
                self.renames.push((old_path, new_path));
                self.structs.insert(format!("{module}::{}", renamed.rust), renamed);
            }
            rust = self.schema_stem(ident.schema);
        }
        let key = format!("{module}::{rust}");
        let def = StructDef { module, rust, xsd: self.qualified(ident), schema: ident.schema, doc, attrs, content, shared: None };
        if let Some(existing) = self.structs.get(&key) {
            bail!("two types are both named {key}: {} and {}", existing.xsd, def.xsd);
        }
        self.structs.insert(key.clone(), def);
        Ok(TyRef::Struct(format!("super::{key}")))
    }

    /// A local element declared like a global element of the same name (person-external-identifier's
    /// `external-identifiers` lists local `external-identifier` elements of `common:external-id`,
    /// the type the global `external-identifier` merely extends) takes the global element's
    /// struct, so that the list holds `ExternalIdentifier` items.
    fn same_named_global(&mut self, ns: NamespaceId, local: &str, local_ty: &TyRef) -> Result<Option<TyRef>> {
        let TyRef::Struct(local_path) = local_ty else { return Ok(None) };
        let global = self
            .types
            .items
            .keys()
            .find(|k| k.type_ == IdentType::Element && k.ns == ns && k.name.as_str() == local && k.name.is_named())
            .cloned();
        let Some(global) = global else { return Ok(None) };
        let Some(TyRef::Struct(global_path)) = self.element_type(&global)? else { return Ok(None) };
        if global_path == *local_path {
            return Ok(None);
        }
        let (a, b) =
            (self.structs.get(local_path.trim_start_matches("super::")), self.structs.get(global_path.trim_start_matches("super::")));
        match (a, b) {
            (Some(a), Some(b)) if a.attrs == b.attrs && a.content == b.content => Ok(Some(TyRef::Struct(global_path))),
            _ => Ok(None),
        }
    }

    /// `notification-custom-3.0.xsd` → `NotificationCustom`.
    fn schema_stem(&self, schema: SchemaId) -> String {
        let name = self.types.schemas.get(&schema).and_then(|s| s.name.as_ref()).map(|n| n.as_str().to_owned()).unwrap_or_default();
        let file = name.rsplit('/').next().unwrap_or(&name);
        camel(file.trim_end_matches(".xsd").trim_end_matches("-3.0"))
    }

    fn attributes(&mut self, owner: &TypeIdent, c: &ComplexMeta) -> Result<Vec<AttrDef>> {
        let mut out = Vec::new();
        for a in c.attributes.iter() {
            if matches!(a.use_, Use::Prohibited) {
                continue;
            }
            let AttributeMetaVariant::Type(t) = &a.variant else {
                bail!("{owner}: xs:anyAttribute is not supported");
            };
            let local = a.ident.name.as_str().to_owned();
            let ns = if matches!(a.form, FormChoiceType::Qualified) || a.ident.ns != owner.ns && self.is_orcid_or_xml(a.ident.ns) {
                self.ns_variant(a.ident.ns)
            } else {
                "None".to_owned()
            };
            let mut ty = self.simple(t)?;
            if local == "put-code" && ty.rust == "i64" {
                // Put-codes are data: a type of their own.
                ty.rust = "crate::PutCode".into();
            }
            out.push(AttrDef {
                rust: snake(&local),
                ns,
                local,
                ty,
                required: matches!(a.use_, Use::Required),
                doc: Self::doc(&a.documentation),
            });
        }
        Ok(out)
    }

    fn is_orcid_or_xml(&self, ns: NamespaceId) -> bool {
        self.ns.get(&ns).is_some_and(|n| n.prefix == "xml")
    }

    fn add_field(&mut self, fields: &mut Vec<FieldDef>, field: FieldDef) -> Result<usize> {
        if let Some(i) = fields.iter().position(|f| f.elems == field.elems) {
            // The same element in two alternatives of a choice is one field.
            // Required only where every alternative requires it.
            fields[i].at_least_one &= field.at_least_one;
            if fields[i].occurs != field.occurs {
                fields[i].occurs =
                    if fields[i].occurs == Occurs::Many || field.occurs == Occurs::Many { Occurs::Many } else { Occurs::Optional };
            }
            return Ok(i);
        }
        if let Some(f) = fields.iter().find(|f| f.rust == field.rust) {
            bail!("two child elements would both be the field `{}`: {:?} and {:?}", f.rust, f.elems, field.elems);
        }
        fields.push(field);
        Ok(fields.len() - 1)
    }

    /// Flattens a sequence into fields. Returns the (all, required) masks of the fields it holds.
    fn sequence(&mut self, g: &GroupMeta, ctx: &Ctx, fields: &mut Vec<FieldDef>, groups: &mut Vec<GroupDef>) -> Result<(u64, u64)> {
        let (mut all, mut required) = (0u64, 0u64);
        for e in g.elements.iter() {
            let min = e.min_occurs;
            let many = !matches!(e.max_occurs, MaxOccurs::Bounded(n) if n <= 1);
            match &e.variant {
                ElementMetaVariant::Type { type_, mode: ElementMode::Element } => {
                    let occurs = if many || ctx.repeated {
                        Occurs::Many
                    } else if min == 0 || ctx.optional {
                        Occurs::Optional
                    } else {
                        Occurs::Required
                    };
                    let mut field = self.element_field(e.ident.ns, e.ident.name.as_str(), &e.form, type_, occurs, &e.documentation)?;
                    field.at_least_one = occurs == Occurs::Many && min > 0 && !ctx.optional;
                    let i = self.add_field(fields, field)?;
                    all |= 1 << i;
                    if min > 0 {
                        required |= 1 << i;
                    }
                }
                ElementMetaVariant::Type { type_, mode: ElementMode::Group } => {
                    let inner = self.types.items[type_].variant.clone();
                    let sub = Ctx { optional: ctx.optional || min == 0, repeated: ctx.repeated || many, owner: ctx.owner.clone() };
                    let (a, r) = match &inner {
                        MetaTypeVariant::Sequence(s) | MetaTypeVariant::All(s) => {
                            let (a, r) = self.sequence(s, &sub, fields, groups)?;
                            if min == 0 && r != 0 {
                                // An optional sequence: if any of it is there, its required parts must be.
                                groups.push(GroupDef { optional: true, branches: vec![(a, r)] });
                            }
                            (a, r)
                        }
                        MetaTypeVariant::Choice(s) => self.choice(s, min == 0, &sub, fields, groups)?,
                        other => bail!("{}: unexpected group content {other:?}", ctx.owner),
                    };
                    all |= a;
                    if min > 0 {
                        required |= r;
                    }
                }
                ElementMetaVariant::Text => {}
                ElementMetaVariant::Any { .. } => bail!("{}: xs:any is not supported", ctx.owner),
            }
        }
        Ok((all, required))
    }

    /// A choice: fields for each alternative, and a group saying only one may be used.
    /// A repeated choice of several elements becomes one list of an enum instead.
    fn choice(
        &mut self,
        g: &GroupMeta,
        optional: bool,
        ctx: &Ctx,
        fields: &mut Vec<FieldDef>,
        groups: &mut Vec<GroupDef>,
    ) -> Result<(u64, u64)> {
        if ctx.repeated
            && g.elements.len() > 1
            && g.elements.iter().all(|e| matches!(e.variant, ElementMetaVariant::Type { mode: ElementMode::Element, .. }))
        {
            let owner_name = self.rust_name(&ctx.owner);
            let mut elems = Vec::new();
            for e in g.elements.iter() {
                let ElementMetaVariant::Type { type_, .. } = &e.variant else { unreachable!() };
                let f = self.element_field(e.ident.ns, e.ident.name.as_str(), &e.form, type_, Occurs::Many, &[])?;
                let mut el = f.elems.into_iter().next().expect("one element");
                el.variant = Some(camel(&el.local));
                elems.push(el);
            }
            let field = FieldDef {
                rust: "items".into(),
                elems,
                choice_enum: Some(format!("{owner_name}Item")),
                occurs: Occurs::Many,
                at_least_one: false,
                doc: vec!["The entries, in document order.".into()],
            };
            let i = self.add_field(fields, field)?;
            return Ok((1 << i, 0));
        }
        let sub = Ctx { optional: true, repeated: ctx.repeated, owner: ctx.owner.clone() };
        let mut branches = Vec::new();
        let mut all = 0;
        for e in g.elements.iter() {
            let single = GroupMeta { is_mixed: false, elements: xsd_parser::models::meta::ElementsMeta(vec![e.clone()]) };
            let (a, r) = self.sequence(&single, &sub, fields, groups)?;
            branches.push((a, r));
            all |= a;
        }
        groups.push(GroupDef { optional, branches });
        Ok((all, 0))
    }

    #[allow(clippy::too_many_arguments)]
    fn element_field(
        &mut self,
        ns: NamespaceId,
        local: &str,
        form: &FormChoiceType,
        type_: &TypeIdent,
        occurs: Occurs,
        doc: &[String],
    ) -> Result<FieldDef> {
        // Keyed by the element's own name, so that types extending the declaring one get it too.
        let field_key = match self.ns.get(&ns) {
            Some(n) => format!("{}:{local}", n.prefix),
            None => local.to_owned(),
        };
        let ty = if let Some(&v) = self.vocab_by_field.get(&field_key) {
            // ORCID's vocabulary for a field the XSD types as a generic string; the XSD facets stay.
            let base = self.simple(type_)?;
            TyRef::Simple(SimpleRef { rust: format!("super::vocabulary::{}", self.vocabularies[v].rust), facets: base.facets })
        } else if type_.type_ == IdentType::Element {
            self.element_type(type_)?.expect("element type")
        } else {
            let local_ty = self.type_ref(type_)?;
            self.same_named_global(ns, local, &local_ty)?.unwrap_or(local_ty)
        };
        let ns_variant = if matches!(form, FormChoiceType::Qualified) || type_.type_ == IdentType::Element {
            self.ns_variant(ns)
        } else {
            "None".to_owned()
        };
        let doc = if doc.is_empty() && type_.type_ == IdentType::Element {
            Self::doc(&self.types.items[type_].documentation)
        } else {
            Self::doc(doc)
        };
        let rust = snake(&if occurs == Occurs::Many { plural(local) } else { local.to_owned() });
        Ok(FieldDef {
            rust,
            elems: vec![ElemName { ns: ns_variant, local: local.to_owned(), ty, variant: None }],
            choice_enum: None,
            occurs,
            at_least_one: false,
            doc,
        })
    }

    /// A simple type: its Rust type and accumulated facets.
    fn simple(&mut self, ident: &TypeIdent) -> Result<SimpleRef> {
        let mut acc = FacetAcc::default();
        let mut cur = ident.clone();
        let rust = loop {
            let qualified = self.qualified(&cur);
            if let Some(&v) = self.vocab_by_type.get(&qualified) {
                // The XSD says "a string"; ORCID accepts a listed value.
                if let Some(MetaTypeVariant::SimpleType(s)) = self.types.items.get(&cur).map(|t| &t.variant) {
                    acc.add(&cur, s);
                }
                break format!("super::vocabulary::{}", self.vocabularies[v].rust);
            }
            let Some(ty) = self.types.items.get(&cur) else { bail!("unknown simple type {cur}") };
            match &ty.variant {
                MetaTypeVariant::SimpleType(s) => {
                    acc.add(&cur, s);
                    if matches!(qualified.as_str(), "common:year" | "common:month" | "common:day") {
                        // Kept as written: ORCID sends `05`, not `5`.
                        break "crate::DatePart".into();
                    }
                    cur = s.base.clone();
                }
                MetaTypeVariant::Reference(r) => {
                    if r.max_occurs != MaxOccurs::Bounded(1) {
                        bail!("{ident}: list types are not supported");
                    }
                    cur = r.type_.clone();
                }
                MetaTypeVariant::BuildIn(b) => break build_in(b).into(),
                MetaTypeVariant::Custom(c) => break format!("crate::{}", c.name()),
                MetaTypeVariant::Enumeration(_) => break self.enumeration(&cur)?,
                // `iso-3166-country-or-empty`, `xml:lang`: a code or an empty string.
                MetaTypeVariant::Union(_) => break "String".into(),
                MetaTypeVariant::ComplexType(c) => match (&c.content, &c.base) {
                    (Some(content), _) => cur = content.clone(),
                    (None, Base::Extension(b) | Base::Restriction(b)) => cur = b.clone(),
                    _ => break "String".into(),
                },
                other => bail!("{ident}: unexpected simple type {other:?}"),
            }
        };
        Ok(SimpleRef { rust, facets: self.facet_static(acc)? })
    }

    fn facet_static(&mut self, acc: FacetAcc) -> Result<Option<String>> {
        let Some(owner) = acc.owner.clone() else { return Ok(None) };
        let module = self.module(owner.ns).unwrap_or_else(|_| "common".into());
        let rust = screaming(owner.name.as_str());
        let key = format!("{module}::{rust}");
        let xsd = self.qualified(&owner);
        let mut patterns = Vec::new();
        for (i, (declared_by, pattern)) in acc.patterns.iter().enumerate() {
            let p_module = self.module(declared_by.ns).unwrap_or_else(|_| "common".into());
            let same_owner = acc.patterns.iter().filter(|(o, _)| o == declared_by).count();
            let mut p_rust = format!("{}_PATTERN", screaming(declared_by.name.as_str()));
            if same_owner > 1 {
                p_rust.push_str(&format!("_{i}"));
            }
            let p_key = format!("{p_module}::{p_rust}");
            self.patterns.entry(p_key.clone()).or_insert(PatternDef { module: p_module, rust: p_rust, xsd: pattern.clone() });
            patterns.push(format!("super::{p_key}"));
        }
        self.facets.entry(key.clone()).or_insert(FacetDef {
            module,
            rust,
            xsd,
            min_length: acc.min_length,
            max_length: acc.max_length,
            patterns,
            min_inclusive: acc.min_inclusive,
            max_inclusive: acc.max_inclusive,
        });
        Ok(Some(format!("super::{key}")))
    }

    fn enumeration(&mut self, ident: &TypeIdent) -> Result<String> {
        let module = self.module(ident.ns)?;
        let rust = self.rust_name(ident);
        let key = format!("{module}::{rust}");
        if !self.enums.contains_key(&key) {
            let ty = &self.types.items[ident];
            let MetaTypeVariant::Enumeration(e) = &ty.variant else { unreachable!() };
            let mut values: Vec<(String, String)> = Vec::new();
            for v in e.variants.iter() {
                let value = v.ident.name.as_str().to_owned();
                let mut variant = super::names::variant(&value);
                while values.iter().any(|(_, n)| *n == variant) {
                    variant.push('_');
                }
                values.push((value, variant));
            }
            self.enums.insert(key.clone(), EnumDef { module, rust, xsd: self.qualified(ident), doc: Self::doc(&ty.documentation), values });
        }
        Ok(format!("super::{key}"))
    }
}

#[derive(Clone)]
struct Ctx {
    optional: bool,
    repeated: bool,
    owner: TypeIdent,
}

impl FacetAcc {
    fn add(&mut self, ident: &TypeIdent, s: &xsd_parser::models::meta::SimpleMeta) {
        let c = &s.constrains;
        let has_any = c.min_length.is_some()
            || c.max_length.is_some()
            || !c.patterns.is_empty()
            || !matches!(c.range.start, Bound::Unbounded)
            || !matches!(c.range.end, Bound::Unbounded);
        if !has_any {
            return;
        }
        if self.owner.is_none() && ident.name.is_named() {
            self.owner = Some(ident.clone());
        }
        if self.owner.is_none() {
            self.owner = Some(ident.clone());
        }
        self.min_length = self.min_length.max(c.min_length);
        self.max_length = match (self.max_length, c.max_length) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.patterns.extend(c.patterns.iter().map(|p| (ident.clone(), p.clone())));
        if let Bound::Included(v) = &c.range.start {
            let v: i64 = v.trim().parse().unwrap_or(i64::MIN);
            self.min_inclusive = Some(self.min_inclusive.map_or(v, |m| m.max(v)));
        }
        if let Bound::Included(v) = &c.range.end {
            let v: i64 = v.trim().parse().unwrap_or(i64::MAX);
            self.max_inclusive = Some(self.max_inclusive.map_or(v, |m| m.min(v)));
        }
    }
}

fn build_in(b: &BuildInMeta) -> &'static str {
    match b {
        BuildInMeta::Bool => "bool",
        BuildInMeta::I32 | BuildInMeta::I16 | BuildInMeta::I8 => "i32",
        BuildInMeta::I64 | BuildInMeta::I128 | BuildInMeta::Isize => "i64",
        BuildInMeta::U8 | BuildInMeta::U16 | BuildInMeta::U32 => "i64",
        BuildInMeta::U64 | BuildInMeta::U128 | BuildInMeta::Usize => "i64",
        // Decimals are kept as written (amounts are text in ORCID's JSON too).
        BuildInMeta::F32 | BuildInMeta::F64 | BuildInMeta::Str | BuildInMeta::String => "String",
    }
}
