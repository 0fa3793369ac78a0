//! Generated records with people in them (names, employments, works with DOIs), for search
//! to find.

use orcid_model::OrcidId;
use orcid_model::common::{
    DisambiguatedOrganization, ExternalId, ExternalIds, FuzzyDate, OrcidIdentifier, Organization, OrganizationAddress, Source,
};
use orcid_model::employment::Employment;
use orcid_model::vocabulary::{Country, ExternalIdType, Relationship, WorkType};
use orcid_model::work::{Work, WorkTitle};

use crate::config::UserConfig;
use crate::state::{Record, State};

const GIVEN: &[&str] = &[
    "Ada", "Alan", "Amara", "Ana", "Bjørn", "Chen", "Chiara", "Dmitri", "Élodie", "Emeka", "Fatima", "Grace", "Hannah", "Hiroshi", "Ines",
    "Jamal", "José", "Karin", "Kwame", "Lars", "Leila", "Lucía", "Mahmoud", "Maria", "Mei", "Nadia", "Noah", "Olga", "Omar", "Priya",
    "Rafael", "Rosalind", "Sakura", "Samuel", "Siobhan", "Søren", "Tariq", "Uma", "Wei", "Zofia",
];

const FAMILY: &[&str] = &[
    "Abara",
    "Andersen",
    "Bauer",
    "Carvalho",
    "Chen",
    "Costa",
    "Dubois",
    "Eriksson",
    "Fernández",
    "García",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kim",
    "Kowalski",
    "Lefèvre",
    "Li",
    "Martins",
    "Mensah",
    "Müller",
    "Nakamura",
    "Novak",
    "Nowak",
    "Okafor",
    "Olsen",
    "Patel",
    "Popescu",
    "Rossi",
    "Sato",
    "Schmidt",
    "Silva",
    "Singh",
    "Smith",
    "Tanaka",
    "Varga",
    "Wang",
    "Weber",
    "Yilmaz",
    "Zhang",
    "Ødegaard",
];

/// (name, city, country, ROR id).
const ORGANIZATIONS: &[(&str, &str, &str, &str)] = &[
    ("University of Example", "Bristol", "GB", "https://ror.org/0524sp257"),
    ("Example Institute of Technology", "Zürich", "CH", "https://ror.org/05a28rw58"),
    ("Universidad de Ejemplo", "Madrid", "ES", "https://ror.org/02p0gd045"),
    ("Beispiel-Universität", "Heidelberg", "DE", "https://ror.org/038t36y30"),
    ("Université d'Exemple", "Lyon", "FR", "https://ror.org/029brtt94"),
    ("Example Medical Center", "Boston", "US", "https://ror.org/04drvxt59"),
    ("Voorbeeld Universiteit", "Utrecht", "NL", "https://ror.org/04pp8hn57"),
    ("Example Light Source", "Didcot", "GB", "https://ror.org/05etxs293"),
    ("Esempio Politecnico", "Milano", "IT", "https://ror.org/01nffqt88"),
    ("Example National Laboratory", "Tsukuba", "JP", "https://ror.org/01703db54"),
];

const TOPICS: &[&str] = &[
    "zebrafish fin regeneration",
    "soil carbon",
    "coral bleaching",
    "protein folding",
    "graph algorithms",
    "medieval trade routes",
    "urban heat islands",
    "quantum dots",
    "language acquisition",
    "glacier retreat",
    "battery electrolytes",
    "antibiotic resistance",
];

/// The first generated iD: `0000-0003-0000-0000`'s number; each next person adds one.
const FIRST_GENERATED: u64 = 30_000_000;

/// A generated person: an iD, a name, an employment (sometimes a past one too) and one to
/// three works with DOIs. The emulator serves them (`Config::people`); the public data file's
/// replica (`orcid-dump`) writes them.
#[derive(Debug, Clone)]
pub struct GeneratedPerson {
    /// The iD (from `0000-0003-0000-0000`'s number on).
    pub orcid: String,
    /// Given and family name.
    pub name: String,
    /// The current employment, then a past one if any.
    pub employments: Vec<Employment>,
    /// Works, each with a DOI.
    pub works: Vec<Work>,
}

/// `count` generated people, the same for the same count.
pub fn generated_people(count: usize) -> Vec<GeneratedPerson> {
    let mut rng = fastrand::Rng::with_seed(13);
    (0..count)
        .filter_map(|n| {
            let orcid = OrcidId::from_number(FIRST_GENERATED + n as u64)?.as_str().to_owned();
            let name = format!("{} {}", GIVEN[rng.usize(..GIVEN.len())], FAMILY[rng.usize(..FAMILY.len())]);
            let past = rng.u8(..4) == 0;
            let current = ORGANIZATIONS[rng.usize(..ORGANIZATIONS.len())];
            let start = 2000 + rng.u16(..24);
            let mut employments = vec![employment(current, start, None)];
            if past {
                let before = ORGANIZATIONS[rng.usize(..ORGANIZATIONS.len())];
                employments.push(employment(before, start - 5, Some(start)));
            }
            let works = (0..1 + rng.usize(..3))
                .map(|k| {
                    let topic = TOPICS[rng.usize(..TOPICS.len())];
                    let doi = format!("10.5555/emulator.{n}.{k}");
                    let id = ExternalId::new(ExternalIdType::Doi, doi).with_external_id_relationship(Relationship::Self_);
                    Work::new(WorkTitle::new(format!("New findings on {topic}")), WorkType::JournalArticle)
                        .with_external_ids(ExternalIds::from(vec![id]))
                })
                .collect();
            Some(GeneratedPerson { orcid, name, employments, works })
        })
        .collect()
}

/// `count` generated people's configs and records, their items stored as their own.
pub(crate) fn generate(state: &State, count: usize) -> Vec<(UserConfig, Record)> {
    generated_people(count)
        .into_iter()
        .map(|person| {
            let mut record = Record::default();
            for employment in person.employments {
                seed(state, &mut record, &person.orcid, &person.name, employment);
            }
            for work in person.works {
                seed(state, &mut record, &person.orcid, &person.name, work);
            }
            (UserConfig { orcid: person.orcid, name: person.name }, record)
        })
        .collect()
}

fn employment((name, city, country, ror): (&str, &str, &str, &str), start: u16, end: Option<u16>) -> Employment {
    let address = OrganizationAddress::new().with_city(city).with_country(Country::from(country));
    let organization = Organization::new(name, address).with_disambiguated_organization(DisambiguatedOrganization::new(ror, "ROR"));
    let employment = Employment::new().with_organization(organization).with_start_date(FuzzyDate::new(start));
    match end {
        Some(end) => employment.with_end_date(FuzzyDate::new(end)),
        None => employment,
    }
}

/// Stores an item as the researcher's own.
fn seed<T: orcid_model::items::RecordItem>(state: &State, record: &mut Record, orcid: &str, name: &str, item: T) {
    state.store_item(record, orcid, orcid, researcher_source(orcid, name), Box::new(item));
}

/// The researcher as an item's source.
pub(crate) fn researcher_source(orcid: &str, name: &str) -> Source {
    let id = OrcidIdentifier::new().with_uri(format!("https://sandbox.orcid.org/{orcid}")).with_path(orcid).with_host("sandbox.orcid.org");
    Source::new().with_source_orcid(id).with_source_name(name)
}
