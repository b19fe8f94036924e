//! Where input files come from: a folder on disk, or memory (tests, fuzzing).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A set of named input files.
pub trait Source: Sync {
    /// How to name the source in messages.
    fn describe(&self) -> String;
    /// Opens `file`; `Ok(None)` when it does not exist.
    fn open(&self, file: &str) -> std::io::Result<Option<Box<dyn Read + '_>>>;
}

/// Files in a folder.
pub struct DirSource {
    dir: PathBuf,
}

impl DirSource {
    pub fn new(dir: impl AsRef<Path>) -> Self {
        DirSource {
            dir: dir.as_ref().to_path_buf(),
        }
    }
}

impl Source for DirSource {
    fn describe(&self) -> String {
        self.dir.display().to_string()
    }

    fn open(&self, file: &str) -> std::io::Result<Option<Box<dyn Read + '_>>> {
        match std::fs::File::open(self.dir.join(file)) {
            Ok(f) => Ok(Some(Box::new(std::io::BufReader::with_capacity(
                1 << 16,
                f,
            )))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Files held in memory, by name.
#[derive(Clone, Debug, Default)]
pub struct MemorySource {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl MemorySource {
    pub fn new() -> Self {
        MemorySource::default()
    }

    /// Adds or replaces a file.
    pub fn with(mut self, name: &str, content: impl Into<Vec<u8>>) -> Self {
        self.files.insert(name.to_owned(), content.into());
        self
    }

    /// Removes a file.
    pub fn without(mut self, name: &str) -> Self {
        self.files.remove(name);
        self
    }
}

impl Source for MemorySource {
    fn describe(&self) -> String {
        "in-memory data set".to_owned()
    }

    fn open(&self, file: &str) -> std::io::Result<Option<Box<dyn Read + '_>>> {
        Ok(self
            .files
            .get(file)
            .map(|bytes| Box::new(bytes.as_slice()) as Box<dyn Read>))
    }
}
