//! Writing generated files to disk, and comparing them with what is there.
//!
//! Two promises to the user: a file that does not start with the `@generated` header (see
//! [`crate::format::header`]) is never overwritten or deleted unless they force it, and each
//! file is written whole or not at all (written beside its place, then renamed over it), so an
//! interrupted run leaves every file either as it was or as generated. Comparison ignores
//! CRLF line endings, which a Windows checkout may have given the files.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::GeneratedFile;

/// One file on disk that differs from what the generator makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// Relative to the crate root.
    pub path: PathBuf,
    /// `None` when the file should not exist (a generated file the generator no longer makes).
    pub expected: Option<String>,
    /// The file on disk, with CRLF line endings read as LF; `None` when it is missing.
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

    /// Would bringing this file up to date destroy something the generator did not write?
    pub fn replaces_hand_written_file(&self) -> bool {
        self.actual.as_deref().is_some_and(|text| !is_generated(text))
    }
}

/// Does this file's text start with the generator's `@generated` header (in any comment style)?
pub fn is_generated(text: &str) -> bool {
    text.lines().next().is_some_and(|l| l.trim_start_matches(['/', '#', '!', ' ']).starts_with("@generated"))
}

/// A file's text with CRLF line endings read as LF, or `None` when it does not exist. A file
/// that is not UTF-8 is read lossily: it cannot be generated, so it only needs to be seen.
fn read(path: &Path) -> io::Result<Option<String>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).replace("\r\n", "\n"))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The folders whose `.rs` files the generator writes: the crate's and its runtime's.
const SOURCE_DIRS: [&str; 2] = ["src", "runtime/src"];

/// Files in [`SOURCE_DIRS`] that carry the `@generated` marker: the generator's own output.
fn generated_on_disk(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for dir in SOURCE_DIRS {
        let src = root.join(dir);
        if !src.is_dir() {
            continue;
        }
        for entry in fs::read_dir(&src)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "rs")
                && read(&path).ok().flatten().is_some_and(|t| is_generated(&t))
            {
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
        let actual = read(&root.join(&f.path))?;
        if actual.as_deref() != Some(f.contents.as_str()) {
            drifts.push(Drift { path: f.path.clone(), expected: Some(f.contents.clone()), actual });
        }
    }
    for stale in generated_on_disk(root)? {
        if !files.iter().any(|f| f.path == stale) {
            let actual = read(&root.join(&stale))?;
            drifts.push(Drift { path: stale, expected: None, actual });
        }
    }
    Ok(drifts)
}

/// Why [`write()`] did not bring the crate up to date.
#[derive(Debug)]
pub enum WriteError {
    /// These files exist, do not carry the `@generated` header, and would have been replaced.
    /// Nothing was written.
    HandWritten(Vec<PathBuf>),
    /// Reading or writing `path` failed.
    Io { path: PathBuf, error: io::Error },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::HandWritten(paths) => {
                let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                write!(
                    f,
                    "{} not generated (no `@generated` header) and would be replaced: {}",
                    if paths.len() == 1 { "this file is" } else { "these files are" },
                    list.join(", ")
                )
            }
            WriteError::Io { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for WriteError {}

/// Brings the crate at `root` up to date; returns the paths it changed. Unless `force` is set,
/// it first checks that every file it would replace is one the generator wrote, and writes
/// nothing if one is not.
pub fn write(root: &Path, files: &[GeneratedFile], force: bool) -> Result<Vec<PathBuf>, WriteError> {
    let drifts = compare(root, files).map_err(|error| WriteError::Io { path: root.to_path_buf(), error })?;
    let hand_written: Vec<PathBuf> =
        drifts.iter().filter(|d| d.replaces_hand_written_file()).map(|d| d.path.clone()).collect();
    if !force && !hand_written.is_empty() {
        return Err(WriteError::HandWritten(hand_written));
    }
    for d in &drifts {
        let path = root.join(&d.path);
        let result = match &d.expected {
            Some(text) => write_atomically(&path, text),
            None => fs::remove_file(&path),
        };
        result.map_err(|error| WriteError::Io { path: path.clone(), error })?;
    }
    Ok(drifts.into_iter().map(|d| d.path).collect())
}

/// Writes `text` to a temporary file next to `path`, then renames it over `path`.
fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = fs::write(&temp, text).and_then(|()| fs::rename(&temp, path));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
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
        write(dir.path(), &files, false).unwrap();
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

    #[test]
    fn hand_written_files_are_never_replaced_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("src")).unwrap();
        fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
        fs::write(dir.path().join("src/lib.rs"), "pub fn mine() {}\n").unwrap();
        let files = vec![
            GeneratedFile { path: "Cargo.toml".into(), contents: "# @generated\n".into() },
            GeneratedFile { path: "src/lib.rs".into(), contents: "// @generated\n".into() },
            GeneratedFile { path: "src/new.rs".into(), contents: "// @generated\n".into() },
        ];
        match write(dir.path(), &files, false) {
            Err(WriteError::HandWritten(paths)) => {
                assert_eq!(paths, [PathBuf::from("Cargo.toml"), PathBuf::from("src/lib.rs")])
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(fs::read_to_string(dir.path().join("src/lib.rs")).unwrap(), "pub fn mine() {}\n");
        assert!(!dir.path().join("src/new.rs").exists(), "nothing is written when one file is refused");

        assert_eq!(write(dir.path(), &files, true).unwrap().len(), 3);
        assert_eq!(fs::read_to_string(dir.path().join("src/lib.rs")).unwrap(), "// @generated\n");
        let left: Vec<_> = fs::read_dir(dir.path().join("src")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left.len(), 2, "no temporary files are left behind: {left:?}");
        assert!(write(dir.path(), &files, false).unwrap().is_empty(), "generated files are replaced freely");
    }

    #[test]
    fn crlf_line_endings_are_not_drift() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![GeneratedFile { path: "src/a.rs".into(), contents: "// @generated\nfn a() {}\n".into() }];
        fs::create_dir_all(dir.path().join("src")).unwrap();
        fs::write(dir.path().join("src/a.rs"), "// @generated\r\nfn a() {}\r\n").unwrap();
        assert!(compare(dir.path(), &files).unwrap().is_empty());
        fs::write(dir.path().join("src/a.rs"), "// @generated\r\nfn b() {}\r\n").unwrap();
        let diff = compare(dir.path(), &files).unwrap()[0].unified_diff();
        assert!(diff.contains("-fn b() {}\n+fn a() {}\n") && !diff.contains('\r'), "{diff}");
    }
}
