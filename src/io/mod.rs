//! CSV in and out: the only module (with `cli`) that touches the file system.
//!
//! Input goes through private row readers that collect every problem (file, line, column, value,
//! what to fix) and turn the rows into validated `model` types in one step. Output goes through
//! [`OutputDir`], which writes every file under a temporary name and renames them only when all are
//! written, so a run leaves either the old files or the new ones.
//!
//! Deliberately absent: any planning logic, and any reading of `../shared`.

pub mod contract;
pub mod design_output;
pub mod diag;
pub mod finance;
pub mod geo;
mod lines;
pub mod output;
pub mod output_dir;
pub mod plan_output;
pub mod planning;
pub mod recon_output;
pub mod replenish_output;
pub mod scenario_output;
pub mod sim_output;
mod sniff;
pub mod source;
pub mod stock_plan;
pub mod table;
pub mod tolerances;
pub mod workbook;
pub mod write;

use std::io::Read;

pub use diag::{Diagnostics, Place, Problem, Severity};
pub use finance::{load_finance, load_finance_blocking};
pub use output_dir::OutputDir;
pub use planning::load_planning;
pub use source::{DirSource, MemorySource, Source};
pub use write::{write_dataset, write_finance};

/// A loaded value and the warnings its files raised.
#[derive(Debug)]
pub struct Loaded<T> {
    pub data: T,
    pub warnings: Vec<Problem>,
}

/// Why a data set could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{source_name}: {}; nothing was computed or written from it", crate::money::counted(count_errors(.problems) as u64, "error", "errors"))]
    Invalid {
        source_name: String,
        problems: Vec<Problem>,
    },
}

impl LoadError {
    /// Every problem found (errors first, then warnings).
    pub fn problems(&self) -> &[Problem] {
        match self {
            LoadError::Invalid { problems, .. } => problems,
        }
    }
}

fn count_errors(problems: &[Problem]) -> usize {
    problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count()
}

/// Opens one file of a data set, recording a problem when a required file is missing or any file
/// cannot be opened.
pub(crate) fn open_file<'s>(
    src: &'s dyn Source,
    file: &str,
    required: bool,
    diag: &mut Diagnostics,
) -> Option<Box<dyn Read + 's>> {
    match src.open(file) {
        Ok(Some(reader)) => Some(reader),
        Ok(None) => {
            if required {
                diag.error(
                    Place::file(file),
                    "the file is missing from the data set",
                    &format!("add {file} (see the data contract)"),
                );
            }
            None
        }
        Err(err) => {
            diag.error(
                Place::file(file),
                format!("the file cannot be opened: {err}"),
                "check that it is a readable file",
            );
            None
        }
    }
}
