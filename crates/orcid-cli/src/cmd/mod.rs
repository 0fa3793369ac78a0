//! One module per command, each owning its arguments (`Args`) and its `run`.

pub mod convert;
pub mod dump;
pub mod group;
pub mod items;
pub mod notices;
pub mod push;
pub mod sandbox;
pub mod search;
pub mod token;
pub mod validate;
