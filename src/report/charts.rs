//! The report's charts: the cost-versus-target curve (with cost-axis ticks and the plan on the
//! page marked) and the stock by depot and part category.

use std::fmt::Write as _;

use super::{esc, PALETTE};
use crate::model::Dataset;
use crate::money::Fen;
use crate::stock::PlanResult;

pub(super) fn curve_svg(r: &PlanResult) -> String {
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
    // Ticks on the cost axis at a round step in millions of yuan.
    let raw = cmax / 4.0 / 1e6;
    let magnitude = 10f64.powf(raw.max(1e-9).log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&v| v >= raw)
        .unwrap_or(raw)
        * 1e6;
    let mut tick = 0.0;
    while tick <= cmax {
        let _ = write!(
            s,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{pad}" y2="{:.1}" stroke="#444"/><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end">{} M</text>"##,
            pad - 4.0,
            y(tick),
            y(tick),
            pad - 6.0,
            y(tick) + 3.0,
            crate::money::grouped_f(tick / 1e6, if step < 1e6 { 1 } else { 0 })
        );
        tick += step;
    }
    // The plan on this page: its holding cost as a dashed line across the curve.
    let this = r.annual_holding_cost.0 as f64 / 100.0;
    if this <= cmax {
        let _ = write!(
            s,
            r##"<g id="this-plan"><line x1="{pad}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#c62828" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#c62828">this plan: {} yuan a year</text></g>"##,
            y(this),
            w - pad,
            y(this),
            pad + 6.0,
            y(this) - 5.0,
            r.annual_holding_cost.grouped()
        );
    }
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

pub(super) fn stock_svg(ds: &Dataset, r: &PlanResult) -> (String, Vec<String>) {
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
