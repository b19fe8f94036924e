//! The `spareplan` command: parses arguments, runs, prints the error chain.

use std::process::ExitCode;

use spareplan::cli::{self, Exit};

fn main() -> ExitCode {
    match cli::run(std::env::args_os()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            Exit::Failed.into()
        }
    }
}
