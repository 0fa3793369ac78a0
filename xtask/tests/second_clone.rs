//! Two clones sharing one `CARGO_TARGET_DIR` (a common global setting): the xtask binary finds
//! the workspace it is run in, not the one it was built from, and keeps its scratch files apart.

use std::path::Path;
use std::process::{Command, Output};

fn xtask(cwd: &Path, target: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).current_dir(cwd).env("CARGO_TARGET_DIR", target).output().expect("xtask runs")
}

#[test]
fn the_xtask_of_one_clone_run_in_another_works_on_that_other() {
    let root = xtask::paths::root();
    let work = xtask::paths::scratch(&root, "second-clone");
    let (clone, shared_target) = (work.join("clone"), work.join("shared-target"));
    xtask::backtest::copy_workspace(&root, &clone).expect("a copy of the workspace");

    // Fetch into the second clone (from ORCID_MODEL_DIR, as the first one was).
    std::fs::remove_dir_all(clone.join("schemas/upstream")).unwrap();
    let out = xtask(&clone, &shared_target, &["schemas", "fetch"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&clone.join("schemas/upstream").display().to_string()));
    assert!(clone.join("schemas/upstream/COMMIT").is_file());

    // A stale generated file in the second clone is found there, and only there.
    let out = xtask(&clone, &shared_target, &["codegen", "--check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    std::fs::write(clone.join("crates/orcid-model/src/generated/mod.rs"), "// edited by hand\n").unwrap();
    let out = xtask(&clone, &shared_target, &["codegen", "--check"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("stale     crates/orcid-model/src/generated/mod.rs"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = xtask(&root, &shared_target, &["codegen", "--check"]);
    assert!(out.status.success(), "the first clone is untouched: {}", String::from_utf8_lossy(&out.stdout));

    // Their scratch folders under the shared target folder differ.
    // `paths::scratch` of each workspace, under the shared target folder.
    let scratch = |ws: &Path| {
        let tag = xtask::schemas::sha256_hex(ws.to_string_lossy().as_bytes());
        shared_target.join("xtask").join(&tag[..12])
    };
    assert!(scratch(&clone).join("xsd").is_dir() && scratch(&root).join("xsd").is_dir());
    assert_ne!(scratch(&clone), scratch(&root));
    let _ = std::fs::remove_dir_all(&work);
}
