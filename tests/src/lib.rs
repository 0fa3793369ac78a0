//! Conformance tests live in this crate's tests: `xmllint.rs` checks the model's reading and
//! writing against libxml2's validation of ORCID's own XSDs.
