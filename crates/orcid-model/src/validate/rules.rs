//! ORCID's rules beyond the XSD, per item type (being rewritten).

use super::{Finding, Options};
use crate::Document;
use crate::runtime::content::Form;

/// One of ORCID's rules.
#[derive(Debug)]
pub struct Rule {
    /// Its id in the specification (`W1`).
    pub id: &'static str,
}

/// Every rule.
pub static RULES: &[Rule] = &[];

pub(crate) fn check(_doc: &Document, _form: Form, _xsd_ok: bool, _options: &Options) -> Vec<Finding> {
    Vec::new()
}
