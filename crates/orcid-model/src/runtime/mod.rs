//! The runtime the generated code builds on: schema tables, the readers (XML, JSON) and the
//! writers, and unknown content. Not public API: the crate exposes it only as the hidden
//! [`crate::__private`] module for its generated code.

pub mod content;
pub mod encoding;
pub mod json_in;
pub mod output;
pub mod schema;
#[cfg(feature = "serde")]
pub mod serde_ser;
#[cfg(feature = "serde")]
pub mod serde_support;
pub mod simple;
#[cfg(feature = "serde")]
pub mod tape;
pub mod unknown;
pub mod xml_in;

/// XML whitespace (space, tab, CR, LF): what `whiteSpace="collapse"` removes.
pub fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}
