//! `cargo +nightly fuzz run read_json`: see `orcid_fuzz::read_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| orcid_fuzz::read_json(data));
