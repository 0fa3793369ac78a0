//! `cargo +nightly fuzz run read_xml`: see `orcid_fuzz::read_xml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| orcid_fuzz::read_xml(data));
