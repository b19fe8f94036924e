//! The planner's report: one self-contained HTML page (inline CSS, SVG and one small script that
//! sorts and filters the tables; nothing fetched) with the run's inputs and parameters, the
//! plan's key figures, a tile map of the provinces ([`tiles`]), a map of the network, the
//! cost-versus-target curve, stock by depot and part category, and the scenario comparison when
//! one is given.
//!
//! The network map is an equirectangular projection of longitude and latitude (longitude
//! compressed by the cosine of 35 degrees north): hospitals coloured by their on-time probability
//! against their target, depots as squares, and each depot's 72-hour and 4-hour reach as the
//! convex hulls of the hospitals it serves within them.

use std::fmt::Write as _;

mod charts;
mod interact;
mod map;
mod tiles;
use charts::{curve_svg, stock_svg};
use map::map_svg;
use tiles::tiles_svg;

use crate::model::{Dataset, HospitalId};
use crate::money::Fen;
use crate::stock::{PlanResult, TierFigures};

/// A simulation of the plan, as the report shows it beside the analytic figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SimView {
    /// System on-time and its 95 % interval.
    pub on_time: (f64, f64, f64),
    /// Simulated on-time per hospital (`None` where the simulation saw no request).
    pub hospitals: Vec<Option<f64>>,
}

/// The reaches drawn on the map, in hours: the parts' promise and the emergency promise.
pub const REACH_HOURS: f64 = 72.0;
pub const EMERGENCY_HOURS: f64 = 4.0;

/// What the page says of the run that made it: its inputs, parameters and the data's date.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunInfo {
    /// `(what, value)` lines, in order: data folder, where the plan comes from, targets, the
    /// check by simulation, the simulation shown, the scenarios.
    pub lines: Vec<(String, String)>,
}

fn run_html(run: &RunInfo) -> String {
    let mut s = String::from(r#"<h2>This run</h2><table class="run"><tbody>"#);
    for (k, v) in &run.lines {
        let _ = write!(s, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
    }
    s.push_str("</tbody></table>");
    s
}

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

fn table_html(t: &Table) -> String {
    let mut s = String::from("<table class=\"sortable\"><thead><tr>");
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
    run: &RunInfo,
) -> String {
    let units: usize = ds.units.len();
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{t}</title><style>
svg{{max-width:100%;height:auto}} .scroll{{overflow-x:auto}}
body{{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",sans-serif;margin:24px;color:#1b2733;max-width:1100px}}
h1{{font-size:24px;margin-bottom:4px}} h2{{font-size:18px;margin-top:28px;border-bottom:1px solid #dde5ec;padding-bottom:4px}}
.figures{{display:flex;flex-wrap:wrap;gap:12px}} .fig{{background:#f4f8fb;border-radius:6px;padding:10px 14px;min-width:170px}}
.fig b{{display:block;font-size:20px}} table{{border-collapse:collapse;font-size:12px}} td,th{{border:1px solid #dde5ec;padding:3px 6px;text-align:right}}
th{{background:#f4f8fb}} td:first-child,th:first-child{{text-align:left}} .note{{color:#5b6b7a;font-size:12px}}
.worse{{color:#c62828}} .better{{color:#2e7d32}} th.sort{{cursor:pointer}} input.filter{{margin:6px 0;padding:3px 6px;font-size:12px}}
table.run th{{text-align:left}} table.run td{{text-align:left}}
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
    let lb = r.lower_bound.map_or("not computed".to_owned(), |f| {
        format!("{} yuan", f.grouped())
    });
    let _ = write!(
        s,
        r#"<div class="figures"><div class="fig">Total investment<b id="total-investment">{} yuan</b></div><div class="fig">Annual holding cost<b id="annual-holding-cost">{} yuan</b></div><div class="fig">System on-time<b id="system-on-time">{:.4}</b></div><div class="fig">Lowest hospital on-time<b id="min-hospital-on-time">{:.4}</b></div><div class="fig">Lower bound<b>{lb}</b>gap {gap}</div><div class="fig">Units stocked<b>{}</b></div></div>"#,
        r.investment.grouped(),
        r.annual_holding_cost.grouped(),
        r.system_on_time(),
        r.min_hospital_on_time(),
        crate::money::group_digits(r.units() as u64)
    );
    if let Some((days, cost)) = extension {
        let _ = write!(
            s,
            r#"<div class="figures"><div class="fig">Expected warranty-extension cost<b id="expected-extension-cost">{} yuan</b>{} days a year</div><div class="fig">Holding + extension<b id="total-annual-cost">{} yuan</b>a year</div></div>"#,
            cost.grouped(),
            crate::money::grouped_f(days, 1),
            (r.annual_holding_cost + cost).grouped()
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
    s.push_str(&run_html(run));
    s.push_str("<h2>Provinces: the 4-hour reach and hospitals below target</h2>");
    let (tiles, note) = tiles_svg(ds, r);
    s.push_str(&tiles);
    let _ = write!(s, r#"<p class="note">{}</p>"#, esc(&note));
    s.push_str(
        "<h2>Network: hospitals by on-time probability, stocking locations and their 72-hour and 4-hour reach</h2>",
    );
    s.push_str(&map_svg(ds, r));
    s.push_str(r#"<p class="note">Hospitals: green at or above their target, amber within 2 points below, red further below (out of reach of every depot for some parts), those below their target drawn on top. Dashed outlines: the hospitals each stocking location reaches within 72 h (none is drawn for one that reaches every hospital, nor twice for the same hospitals); solid, shaded: within 4 h (a ring round a location that reaches too few to outline). Squares: stocking locations (forward sites a network design opened among them); small hollow squares: candidate sites not open.</p>"#);
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
        s.push_str(&scenario_table(sc));
    }
    s.push_str(interact::SCRIPT);
    s.push_str("</body></html>\n");
    s
}

/// A column of the scenario table: its field in `scenarios.csv`, its heading, whether it is
/// money, and whether a rise is good news.
struct Column {
    field: &'static str,
    heading: &'static str,
    money: bool,
    rise_is_good: bool,
}

const fn column(
    field: &'static str,
    heading: &'static str,
    money: bool,
    rise_is_good: bool,
) -> Column {
    Column {
        field,
        heading,
        money,
        rise_is_good,
    }
}

const SCENARIO_COLUMNS: [Column; 10] = [
    column("scenario", "Scenario", false, false),
    column(
        "annual_holding_cost",
        "Holding cost / year (yuan)",
        true,
        false,
    ),
    column("change_holding_cost", "vs baseline", true, false),
    column("system_on_time", "System on-time", false, true),
    column("change_system_on_time", "vs baseline", false, true),
    column("worst_hospital_on_time", "Lowest hospital", false, true),
    column("hospitals_out_of_reach", "Out of reach", false, false),
    column(
        "extension_cost_per_year",
        "Extension cost / year (yuan)",
        true,
        false,
    ),
    column("change_extension_cost", "vs baseline", true, false),
    column("meets_targets", "Targets met", false, false),
];

/// The scenario comparison as a planner reads it: named columns, money with grouped digits,
/// changes against the baseline coloured (dearer or worse in red, cheaper or better in green).
fn scenario_table(t: &Table) -> String {
    let shown: Vec<(usize, &Column)> = SCENARIO_COLUMNS
        .iter()
        .filter_map(|c| t.header.iter().position(|h| h == c.field).map(|i| (i, c)))
        .collect();
    let mut s = String::from(
        "<div class=\"scroll\"><table id=\"scenarios\" class=\"sortable\"><thead><tr>",
    );
    for (_, c) in &shown {
        let _ = write!(s, "<th>{}</th>", esc(c.heading));
    }
    s.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        s.push_str("<tr>");
        for &(i, c) in &shown {
            let (name, money, rise_is_good) = (c.field, c.money, c.rise_is_good);
            let cell = row.get(i).map_or("", String::as_str);
            let change = name.starts_with("change_");
            let value = cell.trim_start_matches('+').parse::<f64>().unwrap_or(0.0);
            let sign = if value > 0.0 {
                1.0
            } else if value < 0.0 {
                -1.0
            } else {
                0.0
            };
            let text = match Fen::parse(cell.trim_start_matches('+')) {
                Ok(f) if money && change && sign > 0.0 => format!("+{}", f.grouped()),
                Ok(f) if money => f.grouped(),
                _ => cell.to_owned(),
            };
            let class = match (change, sign > 0.0, sign < 0.0) {
                (true, true, _) if rise_is_good => " class=\"better\"",
                (true, true, _) => " class=\"worse\"",
                (true, _, true) if rise_is_good => " class=\"worse\"",
                (true, _, true) => " class=\"better\"",
                _ => "",
            };
            let _ = write!(s, "<td{class}>{}</td>", esc(&text));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></div>");
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
    // Hospital-tiers within reach, by shortfall against their target (the most short first),
    // then on-time.
    let mut worst: Vec<(HospitalId, TierFigures)> = ds
        .hospital_ids()
        .flat_map(|h| {
            r.hospital_tiers(h)
                .into_iter()
                .filter(|t| t.reachable)
                .map(move |t| (h, t))
        })
        .collect();
    let short = |t: &TierFigures| t.target - t.on_time;
    worst.sort_by(|(a, x), (b, y)| {
        short(y)
            .total_cmp(&short(x))
            .then(x.on_time.total_cmp(&y.on_time))
            .then(a.cmp(b))
    });
    let below = worst.iter().filter(|(_, t)| t.below_target()).count();
    let mut header: Vec<String> = vec![
        "hospital".into(),
        "name".into(),
        "province".into(),
        "tier".into(),
        "demand / year".into(),
        "on-time".into(),
        "target".into(),
        "shortfall".into(),
    ];
    if sim.is_some() {
        header.push("simulated on-time (all parts)".into());
    }
    let mut t = Table {
        header,
        rows: Vec::new(),
    };
    for (h, f) in worst.iter().take(below.max(15)) {
        let hh = ds.hospital(*h);
        let mut row = vec![
            hh.code.clone(),
            hh.name.clone(),
            hh.province.clone().unwrap_or_default(),
            format!("{} h", f.deadline_hours),
            format!("{:.2}", f.demand),
            format!("{:.4}", f.on_time),
            f.target.to_string(),
            if f.below_target() {
                format!("{:.4}", f.target - f.on_time)
            } else {
                String::new()
            },
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
    let title = if below > 0 {
        format!(
            "Hospital-tiers below their target ({below}), by shortfall, then the lowest on-time"
        )
    } else {
        "Hospital-tiers with the lowest on-time (every one within reach meets its target)"
            .to_owned()
    };
    format!(
        "<h2>{title}</h2><div class=\"scroll\">{}</div>",
        table_html(&t)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scenario_table_reads_as_a_planner_expects() {
        let header = [
            "scenario",
            "annual_holding_cost",
            "change_holding_cost",
            "system_on_time",
            "change_system_on_time",
            "file",
        ];
        let t = Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: [
                [
                    "baseline",
                    "30579575.00",
                    "0.00",
                    "0.965814",
                    "+0.000000",
                    "",
                ],
                [
                    "Dearer",
                    "31542220.00",
                    "+962645.00",
                    "0.965458",
                    "-0.000356",
                    "/abs/path.toml",
                ],
            ]
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect(),
        };
        let html = scenario_table(&t);
        assert!(html.contains("<th>Holding cost / year (yuan)</th>"));
        assert!(
            !html.contains("file") && !html.contains("/abs/path.toml"),
            "no raw columns"
        );
        assert!(
            html.contains("<td>30,579,575.00</td><td>0.00</td>"),
            "{html}"
        );
        assert!(
            html.contains("<td class=\"worse\">+962,645.00</td>"),
            "{html}"
        );
        assert!(
            html.contains("<td class=\"worse\">-0.000356</td>"),
            "{html}"
        );
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b>&\"c\""), "a&lt;b&gt;&amp;&quot;c&quot;");
    }
}
