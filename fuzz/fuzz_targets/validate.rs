//! `cargo +nightly fuzz run validate`: see `orcid_fuzz::validate`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| orcid_fuzz::validate(data));
