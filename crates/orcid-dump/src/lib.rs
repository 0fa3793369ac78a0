//! ORCID's public data file, streamed: the yearly tarballs (summaries and activities) read
//! without unpacking, every record and item parsed by `orcid-model` (leniently: what the model
//! does not know is kept and counted), written as JSON Lines or as Parquet tables derived from
//! the model's schema tables. Resumable: output is committed in segments, with a manifest.
//!
//! ```no_run
//! use orcid_dump::{Output, Options};
//!
//! let mut options = Options::new("out");
//! options.output = Output::Parquet;
//! let report = orcid_dump::dump("ORCID_2025_10_summaries.tar.gz".as_ref(), &options, &|_| {})?;
//! println!("{} records", report.tally.counts.get("record").copied().unwrap_or(0));
//! # Ok::<(), orcid_dump::Error>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod layout;
mod parquet_out;
#[cfg(feature = "replica")]
pub mod replica;
mod run;
mod shred;
pub mod source;

use std::path::{Path, PathBuf};

pub use run::{Compression, Options, Output, Progress, Report, Tally, dump};
pub use shred::DocKind;
pub use source::Problem;

/// Why a dump could not run or go on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Another run is dumping this tarball into this folder.
    #[error("another `orcid dump` is writing {tarball} into this folder (it holds {}): wait for it to end", lock.display())]
    Busy {
        /// The tarball.
        tarball: String,
        /// The lock it holds.
        lock: PathBuf,
    },
    /// The folder holds a dump of this tarball made otherwise.
    #[error(
        "{} records a dump of {tarball} with another size, format, compression or segment size: finish it with the same options, or dump into another folder (nothing was deleted)",
        manifest.display()
    )]
    Mismatch {
        /// The tarball.
        tarball: String,
        /// Its manifest.
        manifest: PathBuf,
    },
    /// A manifest could not be read.
    #[error("{}: not a manifest this version reads: {message}", path.display())]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A Parquet file could not be written.
    #[error("{}: {message}", path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A thread of the run stopped early.
    #[error("a worker stopped early; the manifest keeps what was done")]
    Stopped,
}

impl Error {
    fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io { path: path.to_owned(), source }
    }
}
