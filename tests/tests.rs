//! Integration tests, compiled as one binary.

mod cli;
mod common;
mod fixtures;
mod generated;
mod robustness;
mod routes;
