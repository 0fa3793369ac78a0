//! `cargo xtask`: the maintainer's tasks for this workspace.
//!
//! - `cargo xtask schemas fetch [--from DIR]`: fill `schemas/upstream/` with the pinned ORCID files.
//! - `cargo xtask schemas update --rev REV [--from DIR]`: re-pin to another upstream commit, with
//!   the upgrade report.
//! - `cargo xtask schemas check [--from DIR]`: exit 1, with the report, when upstream is ahead.
//! - `cargo xtask lists refresh NAME`: re-read a data file of `schemas/lists/` from its source.
//! - `cargo xtask codegen [--check]`: regenerate `crates/orcid-model/src/generated/`.
//! - `cargo xtask backtest [--from CLONE]`: replay every release since 3.1.0.
//! - `cargo xtask public-api [--check]`: list the library crates' public API under `api/`.
//! - `cargo xtask corpus --out DIR [--count N]`: synthetic items for benchmarks.
//! - `cargo xtask bench-validate --corpus DIR`: `orcid validate` against xmllint, in CPU time.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{backtest, codegen, lists, paths, public_api, repin, schemas};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Maintainer tasks for the ORCID workspace")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the browser validator: a static page (the validator as WebAssembly) to open
    /// from disk or serve, in `web/dist/` unless told otherwise.
    Web {
        /// The folder to write the page into.
        #[arg(long, value_name = "DIR", default_value = "web/dist")]
        out: PathBuf,
    },
    /// Write a synthetic ORCID public data file (the summaries tarball and eleven activities
    /// tarballs, in the real layout) from the emulator's generated people, ORCID's samples and
    /// the repository's items, for `orcid dump`'s tests and benchmarks.
    DumpReplica {
        /// How many records.
        #[arg(long, default_value_t = 2000)]
        records: usize,
        /// The folder to write the tarballs into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
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
    /// Re-read a data file of schemas/lists/ (a list ORCID's model repository does not hold)
    /// from where it comes from.
    Lists {
        #[command(subcommand)]
        command: ListsCommand,
    },
    /// Replay ORCID/orcid-model's releases since 3.1.0 in a copy of the workspace: re-pin each in
    /// turn (printing its report), regenerate, and build and test the model, with no hand edit.
    Backtest {
        /// A git clone of ORCID/orcid-model (default: $ORCID_MODEL_DIR).
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
        /// Only these releases (`3.3.4,3.3.6`), in the order given.
        #[arg(long, value_delimiter = ',')]
        releases: Vec<String>,
        /// Re-pin and report only; build and test nothing.
        #[arg(long)]
        no_test: bool,
        /// Where the copy and its target folder go (default: under the target folder).
        #[arg(long, value_name = "DIR")]
        work: Option<PathBuf>,
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
    /// Pin another upstream commit, fetch it, regenerate the model, and print the upgrade
    /// report: schema, list and API changes, what `orcid validate` now says, a CHANGELOG draft.
    Update {
        /// The upstream commit (40 hex digits; with a git clone, any revision: a tag, a short hash).
        #[arg(long, value_name = "REV")]
        rev: String,
        /// A git clone of the upstream repository, or a plain folder at REV (default:
        /// $ORCID_MODEL_DIR, else download).
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
        /// Also write the report to this file (for a pull request's text).
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
    /// Exit 1 when upstream's main is ahead of the pin, printing the report of re-pinning to it
    /// (made in a scratch copy; the workspace is not touched): an upstream watch.
    Check {
        /// A git clone of the upstream repository (default: $ORCID_MODEL_DIR, else GitHub).
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
        /// Also write the report to this file.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ListsCommand {
    /// Write schemas/lists/NAME.tsv anew from its source (currency-codes, credit-roles,
    /// external-id-types), keeping its provenance lines true.
    Refresh {
        /// The data file's name.
        name: String,
        /// Where to read it (see each file's `refresh:` line).
        #[arg(long, value_name = "PATH-OR-URL")]
        from: Option<String>,
        /// With a git clone: the revision to read.
        #[arg(long, default_value = "HEAD")]
        rev: String,
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
    let root = paths::root();
    match cli.command {
        Command::Schemas { command: SchemasCommand::Fetch { from } } => {
            let lock = schemas::Lock::load(&paths::lock_file())?;
            let source = schemas::Source::choose(from);
            let n = schemas::fetch(&lock, &source, &paths::upstream_dir())?;
            println!("fetched {n} files of ORCID/orcid-model {} into {}", lock.snapshot(), paths::upstream_dir().display());
        }
        Command::Schemas { command: SchemasCommand::Update { rev, from, report } } => {
            let source = schemas::Source::choose(from);
            let r = repin::update(&root, &source, &rev)?;
            let text = r.render();
            print!("{text}");
            if let Some(path) = report {
                std::fs::write(&path, &text)?;
            }
            println!("review `git diff schemas/ api/ crates/orcid-model/src/generated/` and put the draft above in CHANGELOG.md");
        }
        Command::Schemas { command: SchemasCommand::Check { from, report } } => {
            let source = schemas::Source::choose(from);
            let lock = schemas::Lock::load(&paths::lock_file())?;
            match repin::check(&root, &source)? {
                None => println!("the pin ({}) is upstream's main", lock.snapshot()),
                Some(r) => {
                    let text = r.render();
                    print!("{text}");
                    if let Some(path) = report {
                        std::fs::write(&path, &text)?;
                    }
                    eprintln!("upstream's main ({}) is ahead of the pin ({})", r.to, r.from);
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        Command::Lists { command: ListsCommand::Refresh { name, from, rev } } => {
            print!("{}", lists::refresh(&root, &name, from.as_deref(), &rev)?);
            println!("wrote schemas/lists/{name}.tsv: run `cargo xtask codegen` and review the diff");
        }
        Command::Backtest { from, releases, no_test, work } => {
            let source = schemas::Source::choose(from);
            if !matches!(source, schemas::Source::Git(_)) {
                anyhow::bail!("the backtest reads upstream's history: give --from (or ORCID_MODEL_DIR) a git clone of ORCID/orcid-model");
            }
            let chosen: Vec<(&str, &str)> = if releases.is_empty() {
                backtest::RELEASES.to_vec()
            } else {
                releases
                    .iter()
                    .map(|r| {
                        backtest::RELEASES.iter().find(|(name, _)| name == r).copied().ok_or_else(|| anyhow::anyhow!("no release {r}"))
                    })
                    .collect::<anyhow::Result<_>>()?
            };
            let work = work.unwrap_or_else(|| paths::scratch(&root, "backtest"));
            let check: &[&str] = &["test", "--offline", "-p", "orcid-model", "--quiet"];
            let started = std::time::Instant::now();
            let steps = backtest::run(&root, &source, &chosen, &work, (!no_test).then_some(check))?;
            print!("{}", backtest::render(&steps));
            println!("\nbacktest of {} releases: {:.0} s", steps.len(), started.elapsed().as_secs_f64());
            if steps.iter().any(|s| matches!(s.check, Some((false, _, _)))) {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Web { out } => {
            let started = std::time::Instant::now();
            let built = xtask::web::build(&root, &root.join(out))?;
            println!(
                "wrote the page into {} in {:.0} s: WebAssembly {} KB, {} KB gzipped; open {}/index.html",
                built.out.display(),
                started.elapsed().as_secs_f64(),
                built.wasm_bytes / 1024,
                built.wasm_gzipped / 1024,
                built.out.display()
            );
        }
        Command::DumpReplica { records, out } => {
            // The replica is written with the model (xtask itself must build without it).
            let samples = paths::upstream_dir().join("src/main/resources/record_3.0/samples/read_samples");
            let status = std::process::Command::new(env!("CARGO"))
                .args(["run", "--release", "--quiet", "--package", "orcid-dump", "--features", "replica", "--example", "replica", "--"])
                .arg("--records")
                .arg(records.to_string())
                .arg("--out")
                .arg(std::path::absolute(&out)?)
                .arg("--samples")
                .arg(samples)
                .arg("--items")
                .arg(root.join("tests/items"))
                .current_dir(&root)
                .status()?;
            anyhow::ensure!(status.success(), "writing the replica failed");
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
            let xsd_dir = paths::scratch(&root, "xsd");
            codegen::stage::stage(&paths::upstream_dir(), &xsd_dir)?;
            xtask::bench::run(&xtask::bench::Bench {
                corpus: &corpus,
                problems: problems.as_deref(),
                orcid: &paths::target(&root).join("release/orcid"),
                floor: &paths::target(&root).join("release/examples/xml_floor"),
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
            let outcome = codegen::run(&root, check)?;
            print!("{outcome}");
            if check && !outcome.is_clean() {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
