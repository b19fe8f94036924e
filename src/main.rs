//! The `spareplan` command: parses arguments, runs, prints the error chain.

use std::process::ExitCode;

fn main() -> ExitCode {
    match spareplan::cli::run(std::env::args_os()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
