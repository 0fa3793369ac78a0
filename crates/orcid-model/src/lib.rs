//! Typed Rust model of ORCID's 3.0 message schema.
//!
//! Every type is generated from ORCID's XSDs by `cargo xtask codegen` (see the repository's
//! README) into [`generated`]; this crate's hand-written part is the XML runtime in [`xml`].
//!
//! Read any ORCID document and find out what it is:
//!
//! ```
//! use orcid_model::{Document, Mode};
//!
//! let xml = r#"<work:work xmlns:work="http://www.orcid.org/ns/work"
//!                        xmlns:common="http://www.orcid.org/ns/common">
//!     <work:title><common:title>On ORCID</common:title></work:title>
//!     <work:type>journal-article</work:type>
//! </work:work>"#;
//! let Document::Work(work) = Document::from_xml_str(xml, Mode::Strict)? else { panic!("a work") };
//! assert_eq!(work.title.title, "On ORCID");
//! assert_eq!(work.kind, orcid_model::vocabulary::WorkType::JournalArticle);
//! # Ok::<(), orcid_model::ReadError>(())
//! ```
//!
//! Build an item in code and write it:
//!
//! ```
//! use orcid_model::{Element, Layout};
//! use orcid_model::work::{Work, WorkTitle};
//! use orcid_model::vocabulary::WorkType;
//!
//! let work = Work::new(WorkTitle::new("On ORCID".into()), WorkType::JournalArticle);
//! let xml = work.to_xml_string(Layout::Compact);
//! assert!(xml.contains("<work:type>journal-article</work:type>"));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod document;
pub mod generated;
pub mod items;
pub mod json;
pub mod validate;
pub mod xml;

pub use generated::*;
pub use xml::{DatePart, DateTime, Element, Layout, Mode, QName, ReadError};
