//! The checked-in client must be exactly what the generator makes from the checked-in spec.

use xtask::{repo_options, repo_root, REPO_CRATE_DIR, REPO_SPEC};

#[test]
fn checked_in_client_matches_the_spec() {
    let root = repo_root();
    let spec = std::fs::read_to_string(root.join(REPO_SPEC)).unwrap();
    let output = generator::generate(&spec, &repo_options()).unwrap_or_else(|e| panic!("{REPO_SPEC}: {e}"));
    let drifts = generator::drift::compare(&root.join(REPO_CRATE_DIR), &output.files).unwrap();
    if !drifts.is_empty() {
        let diffs: String = drifts.iter().map(|d| d.unified_diff()).collect();
        panic!(
            "{diffs}\n{} file(s) in {REPO_CRATE_DIR}/ are stale; run `cargo xtask codegen` and commit the result",
            drifts.len()
        );
    }
}

#[test]
fn generation_is_deterministic() {
    let spec = std::fs::read_to_string(repo_root().join(REPO_SPEC)).unwrap();
    let first = generator::generate(&spec, &repo_options()).unwrap();
    let second = generator::generate(&spec, &repo_options()).unwrap();
    assert_eq!(first.files, second.files);
}

/// The output does not depend on how many threads print it: the newest Exa spec (or the
/// repository's, without the shared material) on one thread and on four gives the same files.
#[test]
fn generation_is_the_same_on_one_thread_and_on_several() {
    let spec = xtask::shared_dir()
        .and_then(|shared| xtask::exa_specs(&shared).pop())
        .unwrap_or_else(|| repo_root().join(REPO_SPEC));
    let text = std::fs::read_to_string(&spec).unwrap();
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| generator::generate(&text, &repo_options()).unwrap())
    };
    let one = on(1);
    assert!(one.operations > 0);
    assert_eq!(one.files, on(4).files, "{}", spec.display());
}
