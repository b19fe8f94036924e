//! Stock planning. So far: the inventory distributions a base-stock plan is computed from
//! ([`dist`]): Poisson pipelines, expected backorders and on-hand stock, fill rates, and the
//! two-echelon METRIC delay with Graves' variance correction, tested against published values;
//! and the analytic service model of one part ([`service`]): each hospital's on-time probability
//! for given stock levels, with lateral shipments; and the per-part planning input built from a
//! data set and its routes ([`input`]). The optimiser and the `plan` command build on these.

pub mod dist;
pub mod input;
pub mod service;
