//! The planner's report: one self-contained HTML page (inline CSS and SVG, no scripts, nothing
//! fetched) with the plan's key figures, a map of the network, the cost-versus-target curve, stock
//! by depot and part category, and the scenario comparison when one is given.
//!
//! The map is an equirectangular projection of longitude and latitude (longitude compressed by the
//! cosine of 35 degrees north): hospitals coloured by their on-time probability against their
//! target, depots as squares, and each depot's 72-hour reach as the convex hull of the hospitals it
//! serves within 72 hours.

use std::fmt::Write as _;

use crate::model::{Dataset, HospitalId};
use crate::money::Fen;
use crate::stock::PlanResult;

/// A simulation of the plan, as the report shows it beside the analytic figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SimView {
    /// System on-time and its 95 % interval.
    pub on_time: (f64, f64, f64),
    /// Simulated on-time per hospital (`None` where the simulation saw no request).
    pub hospitals: Vec<Option<f64>>,
}

/// The reach drawn on the map, in hours.
pub const REACH_HOURS: f64 = 72.0;

const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
];

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A table read from a CSV file: header and rows.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

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

fn map_svg(ds: &Dataset, r: &PlanResult) -> String {
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
    // 72-hour reach of each depot.
    let nh = ds.hospitals.len();
    let mut within = vec![Vec::new(); ds.depots.len()];
    for p in &cov.pairs {
        if crate::network::to_hours(p.delivery_micros) <= REACH_HOURS {
            let hh = ds.hospital(p.hospital);
            within[p.depot.index()].push(m.xy(hh.lat, hh.lon));
        }
    }
    for (d, pts) in within.into_iter().enumerate() {
        let depot = &ds.depots[d];
        let mut pts = pts;
        pts.push(m.xy(depot.lat, depot.lon));
        let poly: Vec<String> = hull(pts)
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let c = PALETTE[d % PALETTE.len()];
        let _ = write!(
            s,
            r#"<polygon points="{}" fill="{c}" fill-opacity="0.05" stroke="{c}" stroke-width="1.2" stroke-dasharray="5 3"><title>{} reaches these hospitals within {REACH_HOURS} h</title></polygon>"#,
            poly.join(" "),
            esc(&depot.code)
        );
    }
    // Hospitals, coloured by on-time against target.
    for hid in 0..nh {
        let hh = &ds.hospitals[hid];
        let svc = r.hospital(HospitalId::from_index(hid));
        if svc.demand <= 0.0 {
            continue;
        }
        let target = svc.target;
        let (x, y) = m.xy(hh.lat, hh.lon);
        let _ = write!(
            s,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{}" fill-opacity="0.85"><title>{} {}: on time {:.4} (target {target})</title></circle>"#,
            on_time_colour(svc.on_time, target),
            esc(&hh.code),
            esc(&hh.name),
            svc.on_time
        );
    }
    for (d, depot) in ds.depots.iter().enumerate() {
        let (x, y) = m.xy(depot.lat, depot.lon);
        let c = PALETTE[d % PALETTE.len()];
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="11" height="11" fill="{c}" stroke="#000" stroke-width="1"/><text x="{:.1}" y="{:.1}" font-size="12" font-weight="bold" fill="#111">{}</text>"##,
            x - 5.5,
            y - 5.5,
            x + 8.0,
            y + 4.0,
            esc(&depot.code)
        );
    }
    s.push_str("</svg>");
    s
}

fn curve_svg(r: &PlanResult) -> String {
    let (w, h, pad) = (560.0, 300.0, 60.0);
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="Cost versus target"><rect width="100%" height="100%" fill="#fff"/>"##
    );
    if r.curve.is_empty() {
        s.push_str("</svg>");
        return s;
    }
    let tmin = r
        .curve
        .iter()
        .map(|c| c.target)
        .fold(f64::INFINITY, f64::min);
    let tmax = r.curve.iter().map(|c| c.target).fold(0.0, f64::max);
    let cmax = r
        .curve
        .iter()
        .map(|c| c.annual_holding_cost.0 as f64 / 100.0)
        .fold(0.0, f64::max)
        * 1.1;
    let x = |t: f64| pad + (t - tmin) / (tmax - tmin).max(1e-9) * (w - 2.0 * pad);
    let y = |c: f64| h - pad + -(c / cmax.max(1.0)) * (h - 2.0 * pad);
    let _ = write!(
        s,
        r##"<line x1="{pad}" y1="{}" x2="{}" y2="{}" stroke="#444"/><line x1="{pad}" y1="{pad}" x2="{pad}" y2="{}" stroke="#444"/>"##,
        h - pad,
        w - pad,
        h - pad,
        h - pad
    );
    let pts: Vec<String> = r
        .curve
        .iter()
        .map(|c| {
            format!(
                "{:.1},{:.1}",
                x(c.target),
                y(c.annual_holding_cost.0 as f64 / 100.0)
            )
        })
        .collect();
    let _ = write!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#1f77b4" stroke-width="2.5"/>"##,
        pts.join(" ")
    );
    for c in &r.curve {
        let yuan = c.annual_holding_cost.0 as f64 / 100.0;
        let _ = write!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="#1f77b4"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">{:.1} M</text><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">{:.0} %</text>"##,
            x(c.target),
            y(yuan),
            x(c.target),
            y(yuan) - 9.0,
            yuan / 1e6,
            x(c.target),
            h - pad + 16.0,
            c.target * 100.0
        );
    }
    let _ = write!(
        s,
        r##"<text x="{}" y="{}" font-size="12" text-anchor="middle">on-time target (every hospital)</text><text x="14" y="{}" font-size="12" transform="rotate(-90 14 {})" text-anchor="middle">annual holding cost, yuan</text></svg>"##,
        w / 2.0,
        h - 14.0,
        h / 2.0,
        h / 2.0
    );
    s
}

fn stock_svg(ds: &Dataset, r: &PlanResult) -> (String, Vec<String>) {
    // Investment by depot and part category.
    let mut categories: Vec<String> = r
        .parts()
        .map(|p| {
            ds.part(p)
                .category
                .clone()
                .unwrap_or_else(|| "other".into())
        })
        .collect();
    categories.sort();
    categories.dedup();
    let nd = ds.depots.len();
    let mut inv = vec![vec![0i64; categories.len()]; nd];
    for part in r.parts() {
        let cat = ds
            .part(part)
            .category
            .clone()
            .unwrap_or_else(|| "other".into());
        let k = categories
            .iter()
            .position(|c| *c == cat)
            .expect("a category");
        for d in ds.depot_ids() {
            if let Some(line) = r.line(d, part) {
                inv[d.index()][k] += line.money.investment.0;
            }
        }
    }
    let max = inv
        .iter()
        .map(|row| row.iter().sum::<i64>())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let (w, bar, gap, left) = (760.0, 26.0, 12.0, 80.0);
    let h = nd as f64 * (bar + gap) + 60.0;
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="Stock by depot and part category"><rect width="100%" height="100%" fill="#fff"/>"##
    );
    for (d, row) in inv.iter().enumerate() {
        let y = 10.0 + d as f64 * (bar + gap);
        let _ = write!(
            s,
            r##"<text x="4" y="{:.1}" font-size="12">{}</text>"##,
            y + bar * 0.7,
            esc(&ds.depots[d].code)
        );
        let mut x = left;
        for (k, &v) in row.iter().enumerate() {
            let width = v as f64 / max * (w - left - 120.0);
            if width > 0.0 {
                let _ = write!(
                    s,
                    r##"<rect x="{x:.1}" y="{y:.1}" width="{width:.1}" height="{bar}" fill="{}"><title>{} {}: {} yuan</title></rect>"##,
                    PALETTE[k % PALETTE.len()],
                    esc(&ds.depots[d].code),
                    esc(&categories[k]),
                    Fen(v)
                );
            }
            x += width;
        }
        let total: i64 = row.iter().sum();
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="11">{:.1} M yuan</text>"##,
            x + 6.0,
            y + bar * 0.7,
            total as f64 / 1e8
        );
    }
    let mut lx = left;
    let ly = h - 30.0;
    for (k, c) in categories.iter().enumerate() {
        let _ = write!(
            s,
            r##"<rect x="{lx:.1}" y="{ly:.1}" width="10" height="10" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="11">{}</text>"##,
            PALETTE[k % PALETTE.len()],
            lx + 13.0,
            ly + 9.0,
            esc(c)
        );
        lx += 14.0 + 7.0 * c.chars().count() as f64 + 14.0;
    }
    s.push_str("</svg>");
    (s, categories)
}

fn table_html(t: &Table) -> String {
    let mut s = String::from("<table><thead><tr>");
    for h in &t.header {
        let _ = write!(s, "<th>{}</th>", esc(h));
    }
    s.push_str("</tr></thead><tbody>");
    for r in &t.rows {
        s.push_str("<tr>");
        for c in r {
            let _ = write!(s, "<td>{}</td>", esc(c));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

/// The report page.
pub fn html(
    ds: &Dataset,
    r: &PlanResult,
    title: &str,
    scenarios: Option<&Table>,
    sim: Option<&SimView>,
    extension: Option<(f64, Fen)>,
) -> String {
    let units: usize = ds.units.len();
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{t}</title><style>
body{{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",sans-serif;margin:24px;color:#1b2733;max-width:1100px}}
h1{{font-size:24px;margin-bottom:4px}} h2{{font-size:18px;margin-top:28px;border-bottom:1px solid #dde5ec;padding-bottom:4px}}
.figures{{display:flex;flex-wrap:wrap;gap:12px}} .fig{{background:#f4f8fb;border-radius:6px;padding:10px 14px;min-width:170px}}
.fig b{{display:block;font-size:20px}} table{{border-collapse:collapse;font-size:12px}} td,th{{border:1px solid #dde5ec;padding:3px 6px;text-align:right}}
th{{background:#f4f8fb}} td:first-child,th:first-child{{text-align:left}} .note{{color:#5b6b7a;font-size:12px}}
</style></head><body><h1>{t}</h1><p class="note">{} depots, {} hospitals, {units} scanners, {} parts. {}</p>"#,
        ds.depots.len(),
        ds.hospitals.len(),
        r.parts().count(),
        if r.meets_targets {
            "Plan checked against every hospital's target before this page was written."
        } else {
            "Some hospitals are below their target under this plan (see the table below)."
        },
        t = esc(title),
    );
    let gap = r
        .gap()
        .map_or("not computed".to_owned(), |g| format!("{:.1} %", 100.0 * g));
    let lb = r
        .lower_bound
        .map_or("not computed".to_owned(), |f| format!("{f} yuan"));
    let _ = write!(
        s,
        r#"<div class="figures"><div class="fig">Total investment<b id="total-investment">{} yuan</b></div><div class="fig">Annual holding cost<b id="annual-holding-cost">{} yuan</b></div><div class="fig">System on-time<b id="system-on-time">{:.4}</b></div><div class="fig">Lowest hospital on-time<b id="min-hospital-on-time">{:.4}</b></div><div class="fig">Lower bound<b>{lb}</b>gap {gap}</div><div class="fig">Units stocked<b>{}</b></div></div>"#,
        r.investment,
        r.annual_holding_cost,
        r.system_on_time(),
        r.min_hospital_on_time(),
        r.units()
    );
    if let Some((days, cost)) = extension {
        let _ = write!(
            s,
            r#"<div class="figures"><div class="fig">Expected warranty-extension cost<b id="expected-extension-cost">{cost} yuan</b>{days:.1} days a year</div><div class="fig">Holding + extension<b id="total-annual-cost">{} yuan</b>a year</div></div>"#,
            r.annual_holding_cost + cost
        );
    }
    if let Some(v) = sim {
        let _ = write!(
            s,
            r#"<div class="figures"><div class="fig">Simulated system on-time<b id="simulated-system-on-time">{:.4}</b>95 % interval {:.4} to {:.4}</div><div class="fig">Simulated minus analytic<b>{:+.4}</b></div></div>"#,
            v.on_time.0,
            v.on_time.1,
            v.on_time.2,
            v.on_time.0 - r.system_on_time()
        );
    }
    s.push_str(
        "<h2>Network: hospitals by on-time probability, depots and their 72-hour reach</h2>",
    );
    s.push_str(&map_svg(ds, r));
    s.push_str(r#"<p class="note">Hospitals: green at or above their target, amber within 2 points below, red further below (out of reach of every depot for some parts). Dashed outlines: the hospitals each depot reaches within 72 h.</p>"#);
    s.push_str("<h2>Cost versus target</h2>");
    s.push_str(&curve_svg(r));
    if !r.curve.is_empty() {
        let mut t = Table {
            header: vec![
                "target".into(),
                "annual holding cost".into(),
                "investment".into(),
                "units".into(),
                "system on-time".into(),
            ],
            rows: Vec::new(),
        };
        for c in &r.curve {
            t.rows.push(vec![
                format!("{:.0} %", c.target * 100.0),
                c.annual_holding_cost.to_string(),
                c.investment.to_string(),
                c.units.to_string(),
                format!("{:.4}", c.system_on_time),
            ]);
        }
        s.push_str(&table_html(&t));
    }
    s.push_str("<h2>Stock by depot and part category (investment)</h2>");
    let (svg, _) = stock_svg(ds, r);
    s.push_str(&svg);
    s.push_str(&lowest_table(ds, r, sim));
    if let Some(sc) = scenarios {
        s.push_str("<h2>Scenario comparison</h2>");
        s.push_str(&scenario_svg(sc));
        s.push_str(&table_html(sc));
    }
    s.push_str("</body></html>\n");
    s
}

fn scenario_svg(t: &Table) -> String {
    let col = |name: &str| t.header.iter().position(|h| h == name);
    let (Some(ni), Some(ci)) = (col("scenario"), col("annual_holding_cost")) else {
        return String::new();
    };
    let values: Vec<(String, f64)> = t
        .rows
        .iter()
        .filter_map(|r| {
            let v = Fen::parse(r.get(ci)?).ok()?;
            Some((r.get(ni)?.clone(), v.0 as f64 / 100.0))
        })
        .collect();
    let max = values.iter().map(|v| v.1).fold(1.0, f64::max);
    let (w, bar, gap, left) = (760.0, 18.0, 6.0, 260.0);
    let h = values.len() as f64 * (bar + gap) + 10.0;
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="Holding cost by scenario"><rect width="100%" height="100%" fill="#fff"/>"##
    );
    for (i, (name, v)) in values.iter().enumerate() {
        let y = 5.0 + i as f64 * (bar + gap);
        let width = v / max * (w - left - 90.0);
        let fill = if i == 0 { "#5b6b7a" } else { "#1f77b4" };
        let _ = write!(
            s,
            r##"<text x="4" y="{:.1}" font-size="11">{}</text><rect x="{left}" y="{y:.1}" width="{width:.1}" height="{bar}" fill="{fill}"/><text x="{:.1}" y="{:.1}" font-size="11">{:.1} M</text>"##,
            y + bar * 0.75,
            esc(name),
            left + width + 4.0,
            y + bar * 0.75,
            v / 1e6
        );
    }
    s.push_str("</svg>");
    s
}

/// The hospitals with the lowest on-time, with the simulated figure beside when given.
fn lowest_table(ds: &Dataset, r: &PlanResult, sim: Option<&SimView>) -> String {
    let mut worst: Vec<HospitalId> = ds
        .hospital_ids()
        .filter(|&h| r.hospital(h).demand > 0.0)
        .collect();
    worst.sort_by(|&a, &b| {
        r.hospital(a)
            .on_time
            .total_cmp(&r.hospital(b).on_time)
            .then(a.cmp(&b))
    });
    let mut header: Vec<String> = vec![
        "hospital".into(),
        "name".into(),
        "province".into(),
        "demand / year".into(),
        "on-time".into(),
        "target".into(),
    ];
    if sim.is_some() {
        header.push("simulated on-time".into());
    }
    let mut t = Table {
        header,
        rows: Vec::new(),
    };
    for &h in worst.iter().take(15) {
        let hh = ds.hospital(h);
        let f = r.hospital(h);
        let mut row = vec![
            hh.code.clone(),
            hh.name.clone(),
            hh.province.clone().unwrap_or_default(),
            format!("{:.2}", f.demand),
            format!("{:.4}", f.on_time),
            f.target.to_string(),
        ];
        if let Some(v) = sim {
            row.push(
                v.hospitals
                    .get(h.index())
                    .copied()
                    .flatten()
                    .map_or(String::new(), |x| format!("{x:.4}")),
            );
        }
        t.rows.push(row);
    }
    format!(
        "<h2>Hospitals with the lowest on-time</h2>{}",
        table_html(&t)
    )
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

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b>&\"c\""), "a&lt;b&gt;&amp;&quot;c&quot;");
    }
}
