//! Stock planning: the inventory distributions a base-stock plan is computed from ([`dist`]),
//! the analytic service model of one part ([`service`]), the planning input built from a data set
//! and its routes ([`input`]), the optimiser ([`optimise`]), its lower bound ([`bound`]), the
//! independent checker ([`check`]), the uptime clause in the plan's model and the priced plan
//! ([`warranty`]), and the one planning entry ([`plan()`], [`evaluate`]) whose
//! [`PlanResult`] and [`StockPlan`] are what every other stage reads of a plan.

pub mod bound;
pub mod check;
pub mod dist;
mod exhaustive;
pub mod input;
pub mod optimise;
mod plan;
pub mod problem;
mod result;
pub mod service;
mod stock_plan;
pub mod warranty;

pub use plan::{
    costs, evaluate, plan, plan_with_progress, raise, PlanError, PlanParams, Progress, Stage,
    CURVE_TARGETS, MAX_ASKED_ON_TIME,
};
pub use result::{
    CurvePoint, DepotLine, HospitalFigures, Money, OutOfReachRow, PlanResult, Reason, TierFigures,
};
pub use stock_plan::StockPlan;
