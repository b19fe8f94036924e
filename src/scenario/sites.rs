//! `open_sites` and `close_sites`: a scenario opens candidate sites (`candidates.csv`) as
//! forward stocking locations, as a network design would, or closes forward locations.

use super::{depot_of, Ctx, Scenario, ScenarioError};
use crate::design::{network, Reach};
use crate::model::{Dataset, NodeRef, Tier};

/// `open_sites`: candidates opened as forward depots (linked to their hub, replenished from
/// their `parent_id` or the regional depot that reaches them fastest).
pub(super) fn open_sites(c: &Ctx<'_>, s: &Scenario, ds: &mut Dataset) -> Result<(), ScenarioError> {
    if s.open_sites.is_empty() {
        return Ok(());
    }
    let mut open = Vec::new();
    for (i, code) in s.open_sites.iter().enumerate() {
        let Some(site) = ds.candidates.iter().position(|x| &x.code == code) else {
            return Err(c.err(
                format!("open_sites[{i}]"),
                format!("no candidate site {code:?} in the data set's candidates.csv"),
            ));
        };
        if open.contains(&site) {
            return Err(c.err(
                format!("open_sites[{i}]"),
                format!("{code} is opened twice"),
            ));
        }
        open.push(site);
    }
    // Routes only of the sites opened (their parents need them), not of every candidate.
    let mut subset = ds.clone();
    subset.candidates = open.iter().map(|&i| ds.candidates[i].clone()).collect();
    let reach = Reach::compute(&subset);
    let all: Vec<usize> = (0..open.len()).collect();
    let mut opened = network::with_sites(&subset, &reach, &all);
    opened.candidates = ds
        .candidates
        .iter()
        .enumerate()
        .filter(|(i, _)| !open.contains(i))
        .map(|(_, x)| x.clone())
        .collect();
    *ds = opened;
    Ok(())
}

/// `close_sites`: forward stocking locations closed (their lanes removed, the depots below them
/// resupplied from their parent); other tiers are closed with `close_depots`.
pub(super) fn close_sites(
    c: &Ctx<'_>,
    s: &Scenario,
    ds: &mut Dataset,
) -> Result<(), ScenarioError> {
    for (i, code) in s.close_sites.iter().enumerate() {
        let key = format!("close_sites[{i}]");
        let d = depot_of(ds, code)
            .ok_or_else(|| c.err(key.clone(), format!("no depot {code:?} in the data set")))?;
        if ds.depot(d).tier != Tier::Forward {
            return Err(c.err(
                key,
                format!(
                    "{code} is a {} depot, not a forward site: close it with close_depots",
                    ds.depot(d).tier.as_str()
                ),
            ));
        }
        let parent = ds.depot(d).parent;
        for other in &mut ds.depots {
            if other.parent == Some(d) {
                other.parent = parent;
            }
        }
        ds.lanes
            .retain(|l| l.from != NodeRef::Depot(d) && l.to != NodeRef::Depot(d));
    }
    Ok(())
}
