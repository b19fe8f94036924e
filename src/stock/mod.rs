//! Stock planning: the inventory distributions a base-stock plan is computed from ([`dist`]),
//! the analytic service model of one part ([`service`]), the planning input built from a data set
//! and its routes ([`input`]), the optimiser ([`optimise`]), its lower bound ([`bound`]) and the
//! independent checker ([`check`]).

pub mod bound;
pub mod check;
pub mod dist;
mod exhaustive;
pub mod input;
pub mod optimise;
pub mod plan;
pub mod service;
