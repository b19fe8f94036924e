//! The report's map: an equirectangular projection of longitude and latitude (longitude
//! compressed by the cosine of 35 degrees north), hospitals coloured by their on-time probability
//! against their target, depots as squares, and each depot's 72-hour and 4-hour reach as the
//! convex hulls of the hospitals it serves within them (a ring round the depot where it reaches
//! too few to outline).

use std::fmt::Write as _;

use super::{esc, EMERGENCY_HOURS, PALETTE, REACH_HOURS};
use crate::model::{Dataset, HospitalId};
use crate::stock::PlanResult;

struct Map {
    lon0: f64,
    lat1: f64,
    kx: f64,
    ky: f64,
}

impl Map {
    const LON: (f64, f64) = (73.0, 136.0);
    const LAT: (f64, f64) = (17.0, 54.0);

    fn new(width: f64) -> Map {
        let kx = width / (Self::LON.1 - Self::LON.0);
        Map {
            lon0: Self::LON.0,
            lat1: Self::LAT.1,
            kx,
            ky: kx / 35f64.to_radians().cos(),
        }
    }

    fn height(&self) -> f64 {
        (Self::LAT.1 - Self::LAT.0) * self.ky
    }

    fn xy(&self, lat: f64, lon: f64) -> (f64, f64) {
        ((lon - self.lon0) * self.kx, (self.lat1 - lat) * self.ky)
    }
}

/// Convex hull (Andrew's monotone chain), counter-clockwise.
fn hull(mut pts: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    pts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    let cross = |o: (f64, f64), a: (f64, f64), b: (f64, f64)| {
        (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
    };
    let mut lower: Vec<(f64, f64)> = Vec::new();
    for &p in &pts {
        while lower.len() >= 2 && cross(lower[lower.len() - 2], lower[lower.len() - 1], p) <= 0.0 {
            lower.pop();
        }
        lower.push(p);
    }
    let mut upper: Vec<(f64, f64)> = Vec::new();
    for &p in pts.iter().rev() {
        while upper.len() >= 2 && cross(upper[upper.len() - 2], upper[upper.len() - 1], p) <= 0.0 {
            upper.pop();
        }
        upper.push(p);
    }
    lower.pop();
    upper.pop();
    lower.extend(upper);
    lower
}

fn on_time_colour(on_time: f64, target: f64) -> &'static str {
    if on_time >= target {
        "#2e7d32"
    } else if on_time >= target - 0.02 {
        "#f9a825"
    } else {
        "#c62828"
    }
}

pub(super) fn map_svg(ds: &Dataset, r: &PlanResult) -> String {
    let cov = &r.coverage;
    let m = Map::new(820.0);
    let (w, h) = (820.0, m.height());
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" role="img" aria-label="Map of depots and hospitals"><rect width="100%" height="100%" fill="#f4f8fb"/>"##
    );
    // Graticule every 5 degrees.
    for lon in (75..=135).step_by(5) {
        let (x, _) = m.xy(0.0, f64::from(lon));
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="0" x2="{x:.1}" y2="{h:.0}" stroke="#dde5ec" stroke-width="1"/><text x="{:.1}" y="{:.0}" font-size="9" fill="#8a9aa9">{lon}°E</text>"##,
            x + 2.0,
            h - 4.0
        );
    }
    for lat in (20..=50).step_by(5) {
        let (_, y) = m.xy(f64::from(lat), 73.0);
        let _ = write!(
            s,
            r##"<line x1="0" y1="{y:.1}" x2="{w:.0}" y2="{y:.1}" stroke="#dde5ec" stroke-width="1"/><text x="2" y="{:.1}" font-size="9" fill="#8a9aa9">{lat}°N</text>"##,
            y - 2.0
        );
    }
    // 72-hour reach of each depot (dashed), then its 4-hour reach (solid, shaded).
    let nh = ds.hospitals.len();
    for (hours, style) in [
        (
            REACH_HOURS,
            r#"fill-opacity="0.05" stroke-width="1.2" stroke-dasharray="5 3""#,
        ),
        (EMERGENCY_HOURS, r#"fill-opacity="0.25" stroke-width="1.5""#),
    ] {
        let mut within = vec![Vec::new(); ds.depots.len()];
        let mut reached: Vec<Vec<usize>> = vec![Vec::new(); ds.depots.len()];
        for p in &cov.pairs {
            if crate::network::to_hours(p.delivery_micros) <= hours {
                let hh = ds.hospital(p.hospital);
                within[p.depot.index()].push(m.xy(hh.lat, hh.lon));
                reached[p.depot.index()].push(p.hospital.index());
            }
        }
        let mut drawn: Vec<Vec<usize>> = Vec::new();
        for (d, mut pts) in within.into_iter().enumerate() {
            let depot = &ds.depots[d];
            // A reach of every hospital says nothing on a map (the caption says so), and a reach
            // another depot drew already would hide under it.
            let mut set = reached[d].clone();
            set.sort_unstable();
            if set.len() == nh || drawn.contains(&set) {
                continue;
            }
            drawn.push(set);
            let (x, y) = m.xy(depot.lat, depot.lon);
            pts.push((x, y));
            let outline = hull(pts);
            let c = PALETTE[d % PALETTE.len()];
            let tip = format!("{} reaches these hospitals within {hours} h", depot.code);
            if outline.len() < 3 {
                let _ = write!(
                    s,
                    r#"<circle cx="{x:.1}" cy="{y:.1}" r="9" fill="{c}" stroke="{c}" {style} class="reach-{hours}"><title>{}</title></circle>"#,
                    esc(&tip)
                );
                continue;
            }
            let poly: Vec<String> = outline
                .iter()
                .map(|(x, y)| format!("{x:.1},{y:.1}"))
                .collect();
            let _ = write!(
                s,
                r#"<polygon points="{}" fill="{c}" stroke="{c}" {style} class="reach-{hours}"><title>{}</title></polygon>"#,
                poly.join(" "),
                esc(&tip)
            );
        }
    }
    // Hospitals, coloured by on-time against target; those below it drawn last (on top), larger
    // and outlined, so that none hides under the others.
    for below in [false, true] {
        for hid in 0..nh {
            let hh = &ds.hospitals[hid];
            let svc = r.hospital(HospitalId::from_index(hid));
            if svc.demand <= 0.0 || svc.below_target() != below {
                continue;
            }
            let Some(worst) = svc.worst else { continue };
            let target = worst.target;
            let (x, y) = m.xy(hh.lat, hh.lon);
            let shape = if below {
                r##"r="5" stroke="#000" stroke-width="1" class="below""##
            } else {
                r#"r="3""#
            };
            let _ = write!(
                s,
                r#"<circle cx="{x:.1}" cy="{y:.1}" {shape} fill="{}" fill-opacity="0.9"><title>{} {}: on time {:.4} in the {} h tier (target {target})</title></circle>"#,
                on_time_colour(worst.on_time, target),
                esc(&hh.code),
                esc(&hh.name),
                worst.on_time,
                worst.deadline_hours
            );
        }
    }
    // Candidate sites not opened: hollow, unlabelled, beneath the stocking locations.
    for site in &ds.candidates {
        let (x, y) = m.xy(site.lat, site.lon);
        let tip = format!(
            "{} {}: candidate site, not open (fixed cost {} yuan a year)",
            site.code,
            site.name,
            site.annual_fixed_cost.grouped()
        );
        let _ = write!(
            s,
            r##"<g class="candidate"><title>{}</title><rect x="{:.1}" y="{:.1}" width="7" height="7" fill="none" stroke="#6b7b8c" stroke-width="1.2"/></g>"##,
            esc(&tip),
            x - 3.5,
            y - 3.5
        );
    }
    for (d, depot) in ds.depots.iter().enumerate() {
        let (x, y) = m.xy(depot.lat, depot.lon);
        let c = PALETTE[d % PALETTE.len()];
        // Named by its city (or name), with a tooltip of what it is.
        let label = depot.city.as_deref().unwrap_or(&depot.name);
        let (units, investment, _) = r.depot_totals(crate::model::DepotId::from_index(d));
        let tip = format!(
            "{} {} ({}): handling {} h, resupply {} days; {} units, {} yuan",
            depot.code,
            depot.name,
            depot.tier.as_str(),
            depot.handling_hours,
            depot.resupply_days,
            crate::money::group_digits(units as u64),
            investment.grouped()
        );
        let _ = write!(
            s,
            r##"<g class="depot"><title>{}</title><rect x="{:.1}" y="{:.1}" width="11" height="11" fill="{c}" stroke="#000" stroke-width="1"/><text x="{:.1}" y="{:.1}" font-size="12" font-weight="bold" fill="#111">{}</text></g>"##,
            esc(&tip),
            x - 5.5,
            y - 5.5,
            x + 8.0,
            y + 4.0,
            esc(label)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hull_of_a_square_with_a_point_inside_is_the_square() {
        let h = hull(vec![
            (0.0, 0.0),
            (2.0, 0.0),
            (1.0, 1.0),
            (2.0, 2.0),
            (0.0, 2.0),
        ]);
        assert_eq!(h.len(), 4);
        assert!(!h.contains(&(1.0, 1.0)));
    }
}
