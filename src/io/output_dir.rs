//! Outputs written whole or not at all, as a set.
//!
//! A command's files go to a fresh staging folder beside `--out` (`.NAME.staging-PID`); only when
//! every file is written and synced does the staging folder take the place of `--out`, in one
//! atomic exchange of the two folders (Linux `renameat2(RENAME_EXCHANGE)`; where the file system
//! cannot exchange, the old folder is renamed aside and the new one into place, and a later run
//! restores an old folder left aside). A kill at any moment therefore leaves the complete old set
//! or the complete new set. Files already in `--out` that the command does not write are carried
//! over into the new set (hard links), so a folder shared with other files keeps them.
//!
//! A run holds an exclusive lock on `.NAME.lock` beside `--out` from start to end: a second run
//! into the same folder is refused while the first is running, and the lock dies with its
//! process. Holding the lock, a run removes whatever staging folders and temporary files earlier
//! runs that were killed or ran out of disk left behind.
//!
//! Deliberately absent: any knowledge of what the files contain.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

/// A set of output files written together; see the module docs.
pub struct OutputDir {
    /// The folder as the user named it (for the paths returned).
    shown: PathBuf,
    /// The folder itself, absolute with links resolved.
    dir: PathBuf,
    staging: PathBuf,
    lock_path: PathBuf,
    _lock: File,
    staged: Vec<String>,
    committed: bool,
    /// The CSV tables staged, kept for a workbook when asked ([`OutputDir::keep_tables`]).
    tables: Option<Vec<(String, Vec<u8>)>>,
}

/// Why `--out` cannot be written.
fn refuse(out: &Path, why: &str) -> anyhow::Error {
    anyhow::anyhow!("--out {} {why}; nothing was written", out.display())
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// `p` with symbolic links resolved as far as it exists.
fn resolved(p: &Path) -> PathBuf {
    let abs = absolute(p);
    let mut existing = abs.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return abs,
        }
    }
}

/// Takes the lock file `path`, retrying when another run unlinked it in between.
fn take_lock(path: &Path, out: &Path) -> anyhow::Result<File> {
    use rustix::fs::{flock, FlockOperation};
    use std::os::unix::fs::MetadataExt;
    for _ in 0..8 {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .with_context(|| format!("creating the lock {}", path.display()))?;
        if flock(&file, FlockOperation::NonBlockingLockExclusive).is_err() {
            return Err(refuse(
                out,
                &format!(
                    "is being written by another spareplan run (it holds {}); wait for it to end or choose another folder",
                    path.display()
                ),
            ));
        }
        // The lock counts only if the path still names the file locked.
        let same = match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
            _ => false,
        };
        if same {
            return Ok(file);
        }
    }
    bail!("could not take the lock {}", path.display())
}

impl OutputDir {
    /// Prepares to write `dir` (created when needed). `inputs` are the folders and files the
    /// command reads: an output folder that is one of them, or contains one, is refused.
    pub fn create(dir: impl AsRef<Path>, inputs: &[&Path]) -> anyhow::Result<OutputDir> {
        let shown = dir.as_ref().to_path_buf();
        let dir = resolved(&shown);
        for input in inputs {
            let input = resolved(input);
            if input == dir || input.starts_with(&dir) {
                return Err(refuse(
                    &shown,
                    &format!(
                        "is or contains the input {}: writing there would replace what it reads",
                        input.display()
                    ),
                ));
            }
        }
        let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
            return Err(refuse(&dir, "is not a folder that can be written"));
        };
        let name = name.to_string_lossy().into_owned();
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating the folder {}", parent.display()))?;
        if dir.exists() && !dir.is_dir() {
            return Err(refuse(&dir, "exists and is not a folder"));
        }
        let lock_path = parent.join(format!(".{name}.lock"));
        let lock = take_lock(&lock_path, &dir)?;
        clean_leftovers(parent, &name, &dir)?;
        let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
        std::fs::create_dir_all(&staging)
            .with_context(|| format!("creating the staging folder {}", staging.display()))?;
        Ok(OutputDir {
            shown,
            dir,
            staging,
            lock_path,
            _lock: lock,
            staged: Vec::new(),
            committed: false,
            tables: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.shown
    }

    /// Stages `name` (which may contain `/` for a subfolder) with `bytes`.
    pub fn stage(&mut self, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
        if name
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
        {
            bail!("{name:?} is not a file name inside the output folder");
        }
        let target = self.staging.join(name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating folder {}", parent.display()))?;
        }
        write_file(&target, bytes).with_context(|| {
            format!(
                "writing {} (staged as {})",
                self.shown.join(name).display(),
                target.display()
            )
        })?;
        self.staged.push(name.to_owned());
        if let Some(tables) = &mut self.tables {
            if name.ends_with(".csv") {
                tables.push((name.to_owned(), bytes.to_vec()));
            }
        }
        Ok(())
    }

    /// Keeps a copy of every CSV table staged from now on, for a workbook of them.
    pub fn keep_tables(&mut self) {
        self.tables.get_or_insert_with(Vec::new);
    }

    /// The CSV tables staged since [`OutputDir::keep_tables`], in staging order.
    pub fn tables(&self) -> &[(String, Vec<u8>)] {
        self.tables.as_deref().unwrap_or(&[])
    }

    /// Stages `NAME.xlsx`: a workbook of the tables kept that `keep` accepts, in order, then
    /// `extra` tables.
    pub fn stage_workbook(
        &mut self,
        name: &str,
        keep: impl Fn(&str) -> bool,
        extra: Vec<(String, Vec<u8>)>,
    ) -> anyhow::Result<()> {
        let mut tables: Vec<(String, Vec<u8>)> = self
            .tables()
            .iter()
            .filter(|(n, _)| keep(n))
            .cloned()
            .collect();
        tables.extend(extra);
        let book = super::workbook::workbook(&tables)?;
        self.stage(name, &book)
    }

    /// Puts the staged set in place of the output folder, atomically, and returns the paths
    /// of the files written.
    pub fn commit(mut self) -> anyhow::Result<Vec<PathBuf>> {
        if self.dir.is_dir() {
            carry_over(&self.dir, &self.staging, Path::new(""), &self.staged)?;
        }
        sync_staged(&self.staging)
            .with_context(|| format!("syncing {} to disk", self.staging.display()))?;
        if self.dir.is_dir() {
            exchange(&self.staging, &self.dir)?;
            // The staging path now holds the old set.
            let _ = std::fs::remove_dir_all(&self.staging);
        } else {
            std::fs::rename(&self.staging, &self.dir).with_context(|| {
                format!(
                    "renaming {} to {}",
                    self.staging.display(),
                    self.dir.display()
                )
            })?;
        }
        if let Some(parent) = self.dir.parent() {
            sync_dir(parent);
        }
        self.committed = true;
        Ok(self.staged.iter().map(|n| self.shown.join(n)).collect())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
        // Unlinked while still held, so a run that opens it next creates a fresh one.
        let _ = std::fs::remove_file(&self.lock_path);
    }
}

/// Swaps the two folders atomically; where the file system cannot, moves the old aside first.
fn exchange(new: &Path, old: &Path) -> anyhow::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, new, CWD, old, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {
            let aside = aside_path(old);
            std::fs::rename(old, &aside)
                .with_context(|| format!("moving {} aside", old.display()))?;
            std::fs::rename(new, old)
                .with_context(|| format!("renaming {} to {}", new.display(), old.display()))?;
            std::fs::rename(&aside, new)
                .with_context(|| format!("renaming {} to {}", aside.display(), new.display()))?;
            Ok(())
        }
        Err(e) => {
            Err(e).with_context(|| format!("exchanging {} with {}", new.display(), old.display()))
        }
    }
}

/// Where the fallback of [`exchange`] puts the old folder while the new one moves in.
fn aside_path(dir: &Path) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.with_file_name(format!(".{name}.old"))
}

/// Removes what killed runs left: staging folders, and temporary files of the older one-file
/// scheme inside the folder; restores an old folder left aside by the fallback exchange.
fn clean_leftovers(parent: &Path, name: &str, dir: &Path) -> anyhow::Result<()> {
    let aside = aside_path(dir);
    if aside.is_dir() {
        if dir.exists() {
            let _ = std::fs::remove_dir_all(&aside);
        } else {
            std::fs::rename(&aside, dir)
                .with_context(|| format!("restoring {} from {}", dir.display(), aside.display()))?;
        }
    }
    let staging = format!(".{name}.staging-");
    if let Ok(entries) = std::fs::read_dir(parent) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&staging) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if is_temporary(&e.file_name().to_string_lossy()) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    Ok(())
}

/// A temporary file of a write that never finished (`.NAME.PID.tmp`).
fn is_temporary(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".tmp")
}

/// Hard-links (or copies) into `staging` every file of `dir` below `rel` that was not staged.
fn carry_over(dir: &Path, staging: &Path, rel: &Path, staged: &[String]) -> anyhow::Result<()> {
    let from = dir.join(rel);
    let Ok(entries) = std::fs::read_dir(&from) else {
        return Ok(());
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let rel_path = rel.join(&name);
        let rel_text = rel_path.to_string_lossy().replace('\\', "/");
        if is_temporary(&name.to_string_lossy()) {
            continue;
        }
        let Ok(kind) = e.file_type() else { continue };
        if kind.is_dir() {
            carry_over(dir, staging, &rel_path, staged)?;
        } else if !staged.contains(&rel_text) {
            let to = staging.join(&rel_path);
            if let Some(p) = to.parent() {
                std::fs::create_dir_all(p)
                    .with_context(|| format!("creating folder {}", p.display()))?;
            }
            if std::fs::hard_link(e.path(), &to).is_err() {
                std::fs::copy(e.path(), &to).with_context(|| {
                    format!("carrying {} over to the new set", e.path().display())
                })?;
            }
        }
    }
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = File::create(path)?;
    f.write_all(bytes)
}

/// Puts every staged file on disk before the set is swapped in: one `syncfs` of the staging
/// folder's file system (a set of thousands of statements costs one call, not one per file),
/// then the folders' entries.
fn sync_staged(staging: &Path) -> std::io::Result<()> {
    let dir = File::open(staging)?;
    rustix::fs::syncfs(&dir)?;
    sync_dir(staging);
    Ok(())
}

/// Syncs a folder's entries to disk (best effort: not every file system allows it).
fn sync_dir(dir: &Path) {
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("spareplan-outdir-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("temp");
        d
    }

    #[test]
    fn a_set_replaces_the_old_one_whole_and_keeps_other_files() {
        let root = temp("swap");
        let out = root.join("out");
        std::fs::create_dir_all(&out).expect("dir");
        std::fs::write(out.join("a.csv"), "old a").expect("write");
        std::fs::write(out.join("notes.txt"), "mine").expect("write");
        std::fs::write(out.join(".a.csv.123.tmp"), "stale").expect("write");
        let mut o = OutputDir::create(&out, &[]).expect("create");
        o.stage("a.csv", b"new a").expect("stage");
        o.stage("sub/b.csv", b"new b").expect("stage");
        // Nothing is visible before the commit.
        assert_eq!(std::fs::read(out.join("a.csv")).expect("a"), b"old a");
        assert!(!out.join("sub").exists());
        let written = o.commit().expect("commit");
        assert_eq!(written, vec![out.join("a.csv"), out.join("sub/b.csv")]);
        assert_eq!(std::fs::read(out.join("a.csv")).expect("a"), b"new a");
        assert_eq!(std::fs::read(out.join("sub/b.csv")).expect("b"), b"new b");
        assert_eq!(std::fs::read(out.join("notes.txt")).expect("n"), b"mine");
        assert!(!out.join(".a.csv.123.tmp").exists());
        let left: Vec<String> = std::fs::read_dir(&root)
            .expect("root")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            left,
            vec!["out".to_owned()],
            "no staging folder or lock is left"
        );
    }

    #[test]
    fn a_dropped_set_writes_nothing_and_a_second_run_is_refused() {
        let root = temp("drop");
        let out = root.join("out");
        let mut first = OutputDir::create(&out, &[]).expect("create");
        first.stage("a.csv", b"x").expect("stage");
        let second = OutputDir::create(&out, &[]);
        let msg = format!("{:#}", second.err().expect("refused while the first runs"));
        assert!(msg.contains("another spareplan run"), "{msg}");
        drop(first);
        assert!(!out.join("a.csv").exists());
        let left = std::fs::read_dir(&root).expect("root").count();
        assert_eq!(left, 0, "nothing staged is left");
        // Free again.
        OutputDir::create(&out, &[])
            .expect("free")
            .commit()
            .expect("commit");
    }

    #[test]
    fn an_output_folder_that_is_or_holds_an_input_is_refused() {
        let root = temp("inputs");
        let data = root.join("data");
        std::fs::create_dir_all(&data).expect("dir");
        for out in [data.clone(), root.clone(), data.join(".")] {
            let e = OutputDir::create(&out, &[&data]).err().expect("refused");
            assert!(
                format!("{e:#}").contains("is or contains the input"),
                "{e:#}"
            );
        }
        OutputDir::create(data.join("out"), &[&data]).expect("a folder inside the input is fine");
    }

    #[test]
    fn leftovers_of_killed_runs_are_removed() {
        let root = temp("left");
        let out = root.join("out");
        std::fs::create_dir_all(root.join(".out.staging-999999")).expect("dir");
        std::fs::write(root.join(".out.staging-999999/a.csv"), "half").expect("write");
        let o = OutputDir::create(&out, &[]).expect("create");
        assert!(!root.join(".out.staging-999999").exists());
        o.commit().expect("commit");
    }
}
