//! Stock planning. So far: the inventory distributions a base-stock plan is computed from
//! ([`dist`]): Poisson pipelines, expected backorders and on-hand stock, fill rates, and the
//! two-echelon METRIC delay with Graves' variance correction, tested against published values.
//! The optimiser and the `plan` command build on these.

pub mod dist;
