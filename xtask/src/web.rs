//! `cargo xtask web`: the browser validator as a folder to open or serve: the validator
//! compiled to WebAssembly (`web/`, profile `wasm`), its JavaScript glue from `wasm-bindgen`,
//! the WebAssembly embedded in a script (so that the page works opened from disk, where a
//! page may not fetch files), and the page's own files (`web/static/`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, ensure};
use base64::Engine as _;

/// The `wasm-bindgen` the `web` crate pins (its command must be the same version).
pub const WASM_BINDGEN: &str = "0.2.106";

/// What was built.
pub struct Built {
    /// The folder.
    pub out: PathBuf,
    /// The WebAssembly's size, raw and gzipped (level 9).
    pub wasm_bytes: usize,
    /// Gzipped.
    pub wasm_gzipped: usize,
}

/// Builds the page into `out`.
pub fn build(root: &Path, out: &Path) -> anyhow::Result<Built> {
    let version = Command::new("wasm-bindgen").arg("--version").output();
    let found = version.as_ref().ok().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned()).unwrap_or_default();
    ensure!(
        found.ends_with(WASM_BINDGEN),
        "`wasm-bindgen {WASM_BINDGEN}` is needed (found: {}): `cargo install wasm-bindgen-cli --version {WASM_BINDGEN} --locked`, and `rustup target add wasm32-unknown-unknown`",
        if found.is_empty() { "none" } else { &found }
    );
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--profile", "wasm", "--target", "wasm32-unknown-unknown", "--package", "orcid-web"])
        .current_dir(root)
        .status()?;
    ensure!(status.success(), "building the WebAssembly failed");
    let wasm = crate::paths::target(root).join("wasm32-unknown-unknown/wasm/orcid_web.wasm");
    let glue = crate::paths::scratch(root, "web-bindgen");
    let _ = std::fs::remove_dir_all(&glue);
    let status =
        Command::new("wasm-bindgen").args(["--target", "no-modules", "--no-typescript", "--out-dir"]).arg(&glue).arg(&wasm).status()?;
    ensure!(status.success(), "wasm-bindgen failed");
    std::fs::create_dir_all(out).with_context(|| out.display().to_string())?;
    std::fs::copy(glue.join("orcid_web.js"), out.join("orcid_web.js"))?;
    let bytes = std::fs::read(glue.join("orcid_web_bg.wasm"))?;
    let script = format!(
        "// The validator's WebAssembly (orcid-web, built by `cargo xtask web`), embedded so that the page needs no fetch.\nvar ORCID_WEB_WASM = \"{}\";\n",
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    );
    std::fs::write(out.join("orcid_web_wasm.js"), script)?;
    for entry in std::fs::read_dir(root.join("web/static"))? {
        let path = entry?.path();
        if let Some(name) = path.file_name() {
            std::fs::copy(&path, out.join(name))?;
        }
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &bytes)?;
    let gzipped = gz.finish()?.len();
    Ok(Built { out: out.to_owned(), wasm_bytes: bytes.len(), wasm_gzipped: gzipped })
}
