//! `cargo xtask corpus --out DIR --count N [--problems PCT]`: synthetic ORCID items for
//! benchmarks.
//!
//! Mostly works (70 in 100), as integrators send them: a handful of contributors (1 to 5 for
//! nine works in ten, median 3; up to 50 for the tenth), about 3 KB; plus fundings,
//! employments, educations and peer reviews; one file each, in a folder per kind (so that
//! `xmllint --schema` can take a folder at a time). Every item is valid unless `--problems`
//! asks for a share with one problem ORCID's server refuses (the XSD still satisfied). The
//! same seed gives the same files.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A small deterministic generator (64-bit LCG); good enough to vary test data.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "regeneration",
    "zebrafish",
    "signalling",
    "cohort",
    "protein",
    "lattice",
    "glacier",
    "Māori",
    "ökologie",
    "network",
    "synthesis",
    "catalyst",
    "language",
    "memory",
    "river",
    "archive",
    "quantum",
    "soil",
    "migration",
    "learning",
];
const NAMES: &[&str] = &["Aroha Ngata", "José Álvarez", "Mei Chen", "Oluwaseun Adeyemi", "Saoirse Byrne", "Pita Sharples", "Анна Петрова"];
const WORK_TYPES: &[&str] = &["journal-article", "book-chapter", "conference-paper", "data-set", "preprint", "report", "software"];
const ROLES: &[&str] = &["author", "editor", "co-investigator"];
const CITIES: &[(&str, &str, &str)] = &[
    ("Auckland", "NZ", "https://ror.org/03b94tp07"),
    ("Providence", "US", "https://ror.org/05gq02987"),
    ("Oxford", "GB", "https://ror.org/052gg0110"),
    ("Lisbon", "PT", "https://ror.org/01c27hj86"),
];

fn words(rng: &mut Rng, n: u64) -> String {
    (0..n.max(1)).map(|_| rng.pick(WORDS)).collect::<Vec<_>>().join(" ")
}

/// An ORCID iD with a correct check digit.
fn orcid_id(rng: &mut Rng) -> String {
    let digits: Vec<u32> = (0..15).map(|_| rng.below(10) as u32).collect();
    let total = digits.iter().fold(0u32, |t, d| (t + d) * 2);
    let check = (12 - total % 11) % 11;
    let mut s: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect();
    s.push(if check == 10 { 'X' } else { char::from_digit(check, 10).unwrap_or('0') });
    format!("{}-{}-{}-{}", &s[0..4], &s[4..8], &s[8..12], &s[12..16])
}

fn date(rng: &mut Rng, element: &str, from_year: u64) -> String {
    let year = from_year + rng.below(20);
    format!(
        "<common:{element}><common:year>{year}</common:year><common:month>{:02}</common:month><common:day>{:02}</common:day></common:{element}>",
        1 + rng.below(12),
        1 + rng.below(28)
    )
}

fn self_doi(rng: &mut Rng, n: usize) -> String {
    format!(
        "<common:external-ids><common:external-id><common:external-id-type>doi</common:external-id-type><common:external-id-value>10.5555/corpus.{n}.{}</common:external-id-value><common:external-id-relationship>self</common:external-id-relationship></common:external-id></common:external-ids>",
        rng.below(1_000_000)
    )
}

const HEADER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

fn work(rng: &mut Rng, n: usize) -> String {
    let mut x = String::from(HEADER);
    x.push_str("<work:work xmlns:common=\"http://www.orcid.org/ns/common\" xmlns:work=\"http://www.orcid.org/ns/work\">\n");
    let title_words = 3 + rng.below(8);
    let _ = writeln!(x, "  <work:title><common:title>{}</common:title></work:title>", words(rng, title_words));
    let _ = writeln!(x, "  <work:journal-title>Journal of {}</work:journal-title>", words(rng, 2));
    if rng.below(2) == 0 {
        let description_words = 20 + rng.below(40);
        let _ = writeln!(x, "  <work:short-description>{}</work:short-description>", words(rng, description_words));
    }
    let _ = writeln!(x, "  <work:type>{}</work:type>", rng.pick(WORK_TYPES));
    let _ = writeln!(x, "  {}", date(rng, "publication-date", 2000));
    let _ = writeln!(x, "  {}", self_doi(rng, n));
    let _ = writeln!(x, "  <common:url>https://example.org/works/{n}</common:url>");
    let contributors = if rng.below(10) == 0 { rng.below(51) } else { 1 + rng.below(5) };
    if contributors > 0 {
        x.push_str("  <work:contributors>\n");
        for i in 0..contributors {
            let id = orcid_id(rng);
            let _ = writeln!(
                x,
                "    <work:contributor><common:contributor-orcid><common:uri>https://orcid.org/{id}</common:uri><common:path>{id}</common:path><common:host>orcid.org</common:host></common:contributor-orcid><work:credit-name>{}</work:credit-name><work:contributor-attributes><work:contributor-sequence>{}</work:contributor-sequence><work:contributor-role>{}</work:contributor-role></work:contributor-attributes></work:contributor>",
                rng.pick(NAMES),
                if i == 0 { "first" } else { "additional" },
                rng.pick(ROLES)
            );
        }
        x.push_str("  </work:contributors>\n");
    }
    x.push_str("  <common:language-code>en</common:language-code>\n</work:work>\n");
    x
}

fn organization(rng: &mut Rng) -> String {
    let (city, country, ror) = CITIES[rng.below(CITIES.len() as u64) as usize];
    format!(
        "<common:organization><common:name>University of {city}</common:name><common:address><common:city>{city}</common:city><common:country>{country}</common:country></common:address><common:disambiguated-organization><common:disambiguated-organization-identifier>{ror}</common:disambiguated-organization-identifier><common:disambiguation-source>ROR</common:disambiguation-source></common:disambiguated-organization></common:organization>"
    )
}

fn affiliation(rng: &mut Rng, kind: &str) -> String {
    format!(
        "{HEADER}<{kind}:{kind} xmlns:common=\"http://www.orcid.org/ns/common\" xmlns:{kind}=\"http://www.orcid.org/ns/{kind}\">\n  <common:department-name>Department of {}</common:department-name>\n  <common:role-title>{}</common:role-title>\n  {}\n  {}\n</{kind}:{kind}>\n",
        words(rng, 2),
        words(rng, 2),
        date(rng, "start-date", 1990),
        organization(rng)
    )
}

fn funding(rng: &mut Rng, n: usize) -> String {
    format!(
        "{HEADER}<funding:funding xmlns:common=\"http://www.orcid.org/ns/common\" xmlns:funding=\"http://www.orcid.org/ns/funding\">\n  <funding:type>grant</funding:type>\n  <funding:title><common:title>{}</common:title></funding:title>\n  <funding:amount currency-code=\"NZD\">{}</funding:amount>\n  {}\n  <common:external-ids><common:external-id><common:external-id-type>grant_number</common:external-id-type><common:external-id-value>G-{n}</common:external-id-value><common:external-id-relationship>self</common:external-id-relationship></common:external-id></common:external-ids>\n  {}\n</funding:funding>\n",
        words(rng, 5),
        10_000 + rng.below(1_000_000),
        date(rng, "start-date", 2000),
        organization(rng)
    )
}

fn peer_review(rng: &mut Rng, n: usize) -> String {
    format!(
        "{HEADER}<peer-review:peer-review xmlns:common=\"http://www.orcid.org/ns/common\" xmlns:peer-review=\"http://www.orcid.org/ns/peer-review\">\n  <peer-review:reviewer-role>reviewer</peer-review:reviewer-role>\n  <peer-review:review-identifiers><common:external-id><common:external-id-type>source-work-id</common:external-id-type><common:external-id-value>R-{n}</common:external-id-value><common:external-id-relationship>self</common:external-id-relationship></common:external-id></peer-review:review-identifiers>\n  <peer-review:review-type>review</peer-review:review-type>\n  {}\n  <peer-review:review-group-id>issn:{:04}-{:04}</peer-review:review-group-id>\n  <peer-review:subject-type>journal-article</peer-review:subject-type>\n  <peer-review:convening-organization><common:name>{} Society</common:name><common:address><common:city>Lisbon</common:city><common:country>PT</common:country></common:address></peer-review:convening-organization>\n</peer-review:peer-review>\n",
        date(rng, "review-completion-date", 2005).replace("common:review-completion-date", "peer-review:review-completion-date"),
        rng.below(10_000),
        rng.below(10_000),
        words(rng, 1)
    )
}

/// One problem ORCID's server refuses, put into an item of a kind (the XSD stays satisfied):
/// a rule of the specification each.
fn with_problem(rng: &mut Rng, kind: &str, xml: String) -> String {
    let problem = rng.below(3);
    match kind {
        "work" => match problem {
            // W19: an identifier type outside ORCID's registry.
            0 => xml.replacen("<common:external-id-type>doi<", "<common:external-id-type>DOI<", 1),
            // W19: no `self` identifier.
            1 => xml.replacen(">self<", ">part-of<", 1),
            // W7: not a calendar date.
            _ => {
                let mut x = xml;
                for (tag, value) in [("<common:month>", "02"), ("<common:day>", "31")] {
                    if let Some(at) = x.find(tag) {
                        x.replace_range(at + tag.len()..at + tag.len() + 2, value);
                    }
                }
                x
            }
        },
        // F6: an amount that is not a number.
        "funding" => xml.replacen("</funding:amount>", ",000</funding:amount>", 1),
        // E4: an organization without its city.
        "employment" | "education" => {
            let at = xml.find("<common:city>").unwrap_or(0);
            let end = xml.find("</common:city>").map_or(at, |e| e + "</common:city>".len());
            let mut x = xml;
            x.replace_range(at..end, "");
            x
        }
        // R4: a review identifier type outside the registry.
        _ => xml.replacen(">source-work-id<", ">source_work_id<", 1),
    }
}

/// Writes `count` items under `out`, `problems` in 100 of them with a problem ORCID refuses;
/// returns the folders written (one per kind).
pub fn write(out: &Path, count: usize, seed: u64, problems: u64) -> Result<Vec<PathBuf>> {
    let mut rng = Rng::new(seed);
    let kinds = ["work", "funding", "employment", "education", "peer-review"];
    for kind in kinds {
        fs::create_dir_all(out.join(kind)).with_context(|| format!("creating {}", out.display()))?;
    }
    for n in 0..count {
        // Works are 70 in 100; the rest are shared out evenly.
        let (kind, xml) = match rng.below(100) {
            0..70 => ("work", work(&mut rng, n)),
            70..78 => ("funding", funding(&mut rng, n)),
            78..86 => ("employment", affiliation(&mut rng, "employment")),
            86..93 => ("education", affiliation(&mut rng, "education")),
            _ => ("peer-review", peer_review(&mut rng, n)),
        };
        let xml = if rng.below(100) < problems { with_problem(&mut rng, kind, xml) } else { xml };
        let path = out.join(kind).join(format!("{kind}-{n:06}.xml"));
        fs::write(&path, xml).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(kinds.iter().map(|k| out.join(k)).collect())
}
