//! Pasting a new operation from Exa's spec into ours and regenerating only adds code: users
//! who review the diff see the new endpoint and nothing else moving.

use similar::{ChangeTag, TextDiff};
use xtask::{exa_specs, repo_options, repo_root, shared_dir, REPO_SPEC};

#[test]
fn adding_get_monitor_run_only_adds_lines() {
    let Some(shared) = shared_dir() else { return };
    let newest = exa_specs(&shared).pop().expect("the shared material has Exa specs");
    let exa = generator::load::parse(&std::fs::read_to_string(&newest).unwrap()).unwrap();
    let original_text = std::fs::read_to_string(repo_root().join(REPO_SPEC)).unwrap();
    let mut ours = generator::load::parse(&original_text).unwrap();

    let path = "/v0/monitors/{monitor}/runs/{id}";
    let operation = exa["paths"][path].clone();
    assert!(operation.is_object(), "{} has no {path}", newest.display());
    assert!(ours["paths"].get(path).is_none(), "spec/ already has {path}; pick another operation for this test");
    ours["paths"].as_object_mut().unwrap().insert(path.to_owned(), operation);

    let before = generator::generate(&original_text, &repo_options()).unwrap();
    let after = generator::generate(&serde_json::to_string_pretty(&ours).unwrap(), &repo_options()).unwrap();
    assert_eq!(after.operations, before.operations + 1);

    let mut added = 0;
    for (old, new) in before.files.iter().zip(&after.files) {
        assert_eq!(old.path, new.path);
        let diff = TextDiff::from_lines(&old.contents, &new.contents);
        let removed: Vec<String> =
            diff.iter_all_changes().filter(|c| c.tag() == ChangeTag::Delete).map(|c| c.to_string()).collect();
        assert!(
            removed.is_empty(),
            "{}: adding an operation removed or changed lines:\n{}",
            old.path.display(),
            diff.unified_diff().context_radius(2)
        );
        added += diff.iter_all_changes().filter(|c| c.tag() == ChangeTag::Insert).count();
    }
    assert!(added > 20, "the new operation should add a builder and a method ({added} lines added)");
}
