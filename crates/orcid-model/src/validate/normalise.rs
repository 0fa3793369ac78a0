//! What ORCID does to values before it checks or stores them.
