//! `cargo xtask`: the maintainer's tasks for this workspace.
//!
//! - `cargo xtask schemas fetch [--from DIR]`: fill `schemas/upstream/` with the pinned ORCID files.
//! - `cargo xtask schemas update --rev REV [--from DIR]`: re-pin to another upstream commit.
//! - `cargo xtask codegen [--check]`: regenerate `crates/orcid-model/src/generated/`.
//! - `cargo xtask public-api [--check]`: list the library crates' public API under `api/`.
//! - `cargo xtask corpus --out DIR [--count N]`: synthetic items for benchmarks.
//! - `cargo xtask bench-validate --corpus DIR`: `orcid validate` against xmllint, in CPU time.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{codegen, paths, public_api, schemas};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Maintainer tasks for the ORCID workspace")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fetch or re-pin ORCID's schema files.
    Schemas {
        #[command(subcommand)]
        command: SchemasCommand,
    },
    /// Write synthetic, valid ORCID items (mostly works) for benchmarks, a folder per kind.
    Corpus {
        /// Where to write them.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// How many items.
        #[arg(long, default_value_t = 20_000)]
        count: usize,
        /// The seed (the same seed gives the same files).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How many in 100 items get one problem ORCID's server refuses (0: all valid).
        #[arg(long, default_value_t = 0, value_name = "PCT")]
        problems: u64,
    },
    /// Compare the CPU time of `orcid validate` over a corpus with a plain quick-xml read loop
    /// (the floor) and `xmllint --schema` over the same files, and over a corpus with problems
    /// (builds the release binaries first; needs xmllint).
    BenchValidate {
        /// A corpus of valid items written by `cargo xtask corpus`.
        #[arg(long, value_name = "DIR")]
        corpus: PathBuf,
        /// A corpus written with `--problems PCT`.
        #[arg(long, value_name = "DIR")]
        problems: Option<PathBuf>,
        /// Runs of each tool; the best counts.
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// List each library crate's public API under api/ (one line per item), or check the
    /// committed listings.
    PublicApi {
        /// Do not write: exit non-zero when a listing differs from the code.
        #[arg(long)]
        check: bool,
    },
    /// Generate the model crate's code from the fetched schemas.
    Codegen {
        /// Do not write: exit non-zero when a generated file is stale, missing or orphaned.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Subcommand)]
enum SchemasCommand {
    /// Copy the pinned files into schemas/upstream/, verifying each SHA-256.
    Fetch {
        /// A local copy of the upstream repository (default: $ORCID_MODEL_DIR, else download).
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
    },
    /// Pin another upstream commit, fetch it, regenerate the model, and print which files
    /// changed and how the model's public API changed (and whether only by additions).
    Update {
        /// The upstream commit (40 hex digits).
        #[arg(long, value_name = "REV")]
        rev: String,
        /// A local checkout of the upstream repository at REV (default: $ORCID_MODEL_DIR, else download).
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Schemas { command: SchemasCommand::Fetch { from } } => {
            let lock = schemas::Lock::load(&paths::lock_file())?;
            let source = schemas::Source::choose(from);
            let n = schemas::fetch(&lock, &source, &paths::upstream_dir())?;
            println!("fetched {n} files at {} into {}", lock.commit, paths::upstream_dir().display());
        }
        Command::Schemas { command: SchemasCommand::Update { rev, from } } => {
            let lock_path = paths::lock_file();
            let old = if lock_path.exists() {
                schemas::Lock::load(&lock_path)?
            } else {
                schemas::Lock { commit: String::new(), files: Default::default() }
            };
            let source = schemas::Source::choose(from);
            let (new, changes) = schemas::update(&old, &source, &rev)?;
            std::fs::write(&lock_path, new.render())?;
            for (label, list) in [("added", &changes.added), ("removed", &changes.removed), ("changed", &changes.changed)] {
                for path in list {
                    println!("{label:8} {path}");
                }
            }
            println!(
                "pinned {rev}: {} files ({} added, {} removed, {} changed)",
                new.files.len(),
                changes.added.len(),
                changes.removed.len(),
                changes.changed.len()
            );
            schemas::fetch(&new, &source, &paths::upstream_dir())?;
            print!("{}", codegen::run(&paths::upstream_dir(), &paths::generated_dir(), false)?);
            let (dir, name) = public_api::CRATES[0];
            let listing_path = public_api::listing_path(&paths::root(), name);
            let before = std::fs::read_to_string(&listing_path).unwrap_or_default();
            let after = public_api::listing(&paths::root().join(dir), name)?;
            let (removed, added) = public_api::diff(&before, &after);
            for line in &removed {
                println!("- {line}");
            }
            for line in &added {
                println!("+ {line}");
            }
            std::fs::write(&listing_path, &after)?;
            if removed.is_empty() {
                println!("{name}'s public API: {} lines added, none removed: an additive change", added.len());
            } else {
                println!(
                    "{name}'s public API: {} lines removed or changed, {} added: NOT additive (a breaking release)",
                    removed.len(),
                    added.len()
                );
            }
            println!("review `git diff api/ crates/orcid-model/src/generated/` and say what changed for users in CHANGELOG.md");
        }
        Command::Corpus { out, count, seed, problems } => {
            let folders = xtask::corpus::write(&out, count, seed, problems)?;
            println!("wrote {count} items into {} folders under {}", folders.len(), out.display());
        }
        Command::BenchValidate { corpus, problems, runs } => {
            for args in [&["--package", "orcid-cli"][..], &["--package", "orcid-model", "--example", "xml_floor"]] {
                let built = std::process::Command::new(env!("CARGO"))
                    .args(["build", "--release", "--quiet"])
                    .args(args)
                    .current_dir(paths::root())
                    .status()?;
                anyhow::ensure!(built.success(), "building {args:?} failed");
            }
            let xsd_dir = paths::root().join("target/xtask/xsd");
            codegen::stage::stage(&paths::upstream_dir(), &xsd_dir)?;
            xtask::bench::run(&xtask::bench::Bench {
                corpus: &corpus,
                problems: problems.as_deref(),
                orcid: &paths::root().join("target/release/orcid"),
                floor: &paths::root().join("target/release/examples/xml_floor"),
                xsd_dir: &xsd_dir,
                runs,
            })?;
        }
        Command::PublicApi { check } => {
            let mut stale = Vec::new();
            for (dir, name) in public_api::CRATES {
                let path = public_api::listing_path(&paths::root(), name);
                let listing = public_api::listing(&paths::root().join(dir), name)?;
                if std::fs::read_to_string(&path).ok().as_deref() == Some(listing.as_str()) {
                    println!("up to date {}", path.display());
                } else if check {
                    stale.push(path.display().to_string());
                } else {
                    std::fs::create_dir_all(path.parent().expect("api/"))?;
                    std::fs::write(&path, &listing)?;
                    println!("wrote      {}", path.display());
                }
            }
            if !stale.is_empty() {
                eprintln!("stale: {} (run `cargo xtask public-api` and review the diff)", stale.join(", "));
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Codegen { check } => {
            let outcome = codegen::run(&paths::upstream_dir(), &paths::generated_dir(), check)?;
            print!("{outcome}");
            if check && !outcome.is_clean() {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
