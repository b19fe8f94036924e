//! spareplan: spare-parts logistics planning for a medical-imaging service network.
//!
//! The library holds all logic; the `spareplan` binary is a thin wrapper around [`cli::run`].
//! See `ARCHITECTURE.md` for the map of the modules and the invariants they keep.

pub mod cli;
pub mod coverage;
pub mod design;
pub mod forecast;
pub mod gen;
pub mod io;
pub mod model;
pub mod money;
pub mod network;
pub mod recon;
pub mod replenish;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod stock;
pub mod uptime;
