//! Integration tests, compiled as one binary.

mod cli;
mod common;
mod design;
mod fixture_cases;
mod fixtures;
mod generated;
mod hostile;
mod mutants;
mod outputs;
mod plan;
mod recon;
mod replenish;
mod report;
mod robustness;
mod routes;
mod scenarios;
mod simulate;
mod stock;
mod tiers;
mod uptime;
mod verdicts;
mod warranty;
