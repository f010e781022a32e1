//! Writing generated files to disk, and comparing them with what is there.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::GeneratedFile;

/// One file on disk that differs from what the generator makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub path: PathBuf,
    /// `None` when the file should not exist (a generated file the generator no longer makes).
    pub expected: Option<String>,
    /// `None` when the file is missing.
    pub actual: Option<String>,
}

impl Drift {
    /// A unified diff from the file on disk to the expected file.
    pub fn unified_diff(&self) -> String {
        let path = self.path.display().to_string();
        let old = self.actual.as_deref().unwrap_or("");
        let new = self.expected.as_deref().unwrap_or("");
        similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{path} (checked in)"), &format!("b/{path} (generated)"))
            .to_string()
    }
}

/// Files under `src/` that carry the `@generated` marker: the generator's own output.
fn generated_on_disk(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let src = root.join("src");
    if !src.is_dir() {
        return Ok(found);
    }
    for entry in fs::read_dir(&src)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).unwrap_or_default();
            if text.lines().next().is_some_and(|l| l.contains("@generated")) {
                found.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Differences between `files` and the crate at `root`.
pub fn compare(root: &Path, files: &[GeneratedFile]) -> io::Result<Vec<Drift>> {
    let mut drifts = Vec::new();
    for f in files {
        let actual = match fs::read_to_string(root.join(&f.path)) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        if actual.as_deref() != Some(f.contents.as_str()) {
            drifts.push(Drift { path: f.path.clone(), expected: Some(f.contents.clone()), actual });
        }
    }
    for stale in generated_on_disk(root)? {
        if !files.iter().any(|f| f.path == stale) {
            let actual = fs::read_to_string(root.join(&stale)).ok();
            drifts.push(Drift { path: stale, expected: None, actual });
        }
    }
    Ok(drifts)
}

/// Brings the crate at `root` up to date; returns the paths it changed.
pub fn write(root: &Path, files: &[GeneratedFile]) -> io::Result<Vec<PathBuf>> {
    let drifts = compare(root, files)?;
    for d in &drifts {
        let path = root.join(&d.path);
        match &d.expected {
            Some(text) => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(&path, text)?;
            }
            None => fs::remove_file(&path)?,
        }
    }
    Ok(drifts.into_iter().map(|d| d.path).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_finds_changed_missing_and_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![
            GeneratedFile { path: "src/a.rs".into(), contents: "// @generated\nfn a() {}\n".into() },
            GeneratedFile { path: "src/b.rs".into(), contents: "// @generated\n".into() },
        ];
        assert_eq!(compare(dir.path(), &files).unwrap().len(), 2);
        write(dir.path(), &files).unwrap();
        assert!(compare(dir.path(), &files).unwrap().is_empty());

        fs::write(dir.path().join("src/a.rs"), "// @generated\nfn b() {}\n").unwrap();
        fs::write(dir.path().join("src/old.rs"), "// @generated\n").unwrap();
        fs::write(dir.path().join("src/handwritten.rs"), "fn x() {}\n").unwrap();
        let drifts = compare(dir.path(), &files).unwrap();
        assert_eq!(drifts.len(), 2, "{drifts:?}");
        assert!(drifts[0].unified_diff().contains("-fn b() {}\n+fn a() {}"), "{}", drifts[0].unified_diff());
        assert_eq!(drifts[1].path, PathBuf::from("src/old.rs"));
        assert_eq!(drifts[1].expected, None);
    }
}
