//! The report's province map: a tile map of the 31 provinces of mainland China, each a square in
//! its usual place (north-east at the top right, Hainan at the bottom), shaded by the share of its
//! hospitals within the shortest deadline of a stocking location (the 4-hour reach), outlined red
//! where hospitals are below their target, with the stocking locations in it named.
//!
//! A schematic, not a map with borders: it draws no national or provincial boundary (maps of
//! China's borders need official approval before publication there) and fetches nothing.

use std::fmt::Write as _;

use super::esc;
use crate::model::{Dataset, HospitalId};
use crate::stock::PlanResult;

/// Short name, English name, column (from 1) and row of each province's tile.
const TILES: [(&str, &str, u32, u32); 31] = [
    ("黑龙江", "Heilongjiang", 9, 0),
    ("新疆", "Xinjiang", 1, 1),
    ("内蒙古", "Inner Mong.", 6, 1),
    ("吉林", "Jilin", 9, 1),
    ("甘肃", "Gansu", 4, 2),
    ("宁夏", "Ningxia", 5, 2),
    ("河北", "Hebei", 6, 2),
    ("北京", "Beijing", 7, 2),
    ("天津", "Tianjin", 8, 2),
    ("辽宁", "Liaoning", 9, 2),
    ("青海", "Qinghai", 3, 3),
    ("陕西", "Shaanxi", 4, 3),
    ("山西", "Shanxi", 5, 3),
    ("河南", "Henan", 6, 3),
    ("山东", "Shandong", 7, 3),
    ("西藏", "Tibet", 2, 4),
    ("四川", "Sichuan", 3, 4),
    ("重庆", "Chongqing", 4, 4),
    ("湖北", "Hubei", 5, 4),
    ("安徽", "Anhui", 6, 4),
    ("江苏", "Jiangsu", 7, 4),
    ("上海", "Shanghai", 8, 4),
    ("云南", "Yunnan", 3, 5),
    ("贵州", "Guizhou", 4, 5),
    ("湖南", "Hunan", 5, 5),
    ("江西", "Jiangxi", 6, 5),
    ("浙江", "Zhejiang", 7, 5),
    ("广西", "Guangxi", 4, 6),
    ("广东", "Guangdong", 5, 6),
    ("福建", "Fujian", 6, 6),
    ("海南", "Hainan", 5, 7),
];

const SIDE: f64 = 74.0;
const GAP: f64 = 4.0;

/// The tile of a province name as the data writes it (`河北省`, `内蒙古自治区`, `北京市`).
fn tile_of(province: &str) -> Option<usize> {
    TILES.iter().position(|t| province.starts_with(t.0))
}

/// What one tile counts.
#[derive(Clone, Debug, Default)]
struct Counts {
    hospitals: usize,
    below: usize,
    /// Within the shortest and the longest deadline of some stocking location.
    near: usize,
    far: usize,
    depots: Vec<String>,
}

fn counts(ds: &Dataset, r: &PlanResult) -> (Vec<Counts>, usize) {
    let mut tiles = vec![Counts::default(); TILES.len()];
    let mut unplaced = 0;
    for (i, h) in ds.hospitals.iter().enumerate() {
        let id = HospitalId::from_index(i);
        let figures = r.hospital(id);
        if figures.demand <= 0.0 {
            continue;
        }
        let Some(t) = h.province.as_deref().and_then(tile_of) else {
            unplaced += 1;
            continue;
        };
        let tiers = r.hospital_tiers(id);
        let c = &mut tiles[t];
        c.hospitals += 1;
        c.below += usize::from(figures.below_target());
        c.near += usize::from(tiers.first().is_some_and(|q| q.reachable));
        c.far += usize::from(tiers.last().is_some_and(|q| q.reachable));
    }
    for d in &ds.depots {
        if let Some(t) = d.province.as_deref().and_then(tile_of) {
            tiles[t]
                .depots
                .push(d.city.clone().unwrap_or_else(|| d.name.clone()));
        }
    }
    (tiles, unplaced)
}

/// The shade of a share: white at none, deep blue at all.
fn shade(share: f64) -> String {
    let s = share.clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * s).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(247.0, 33.0),
        mix(250.0, 102.0),
        mix(253.0, 172.0)
    )
}

/// The tile map, and a line saying what it shows.
pub(super) fn tiles_svg(ds: &Dataset, r: &PlanResult) -> (String, String) {
    let (tiles, unplaced) = counts(ds, r);
    let near_hours = r.tiers().first().map_or(4.0, |t| t.1);
    let far_hours = r.tiers().last().map_or(72.0, |t| t.1);
    let (w, h) = (9.0 * (SIDE + GAP) + GAP, 8.0 * (SIDE + GAP) + GAP);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" role="img" aria-label="Provinces of mainland China as tiles" id="province-tiles">"##
    );
    for (t, c) in tiles.iter().enumerate() {
        let (short, english, col, row) = TILES[t];
        let (x, y) = (
            f64::from(col - 1) * (SIDE + GAP) + GAP,
            f64::from(row) * (SIDE + GAP) + GAP,
        );
        let share = if c.hospitals > 0 {
            c.near as f64 / c.hospitals as f64
        } else {
            0.0
        };
        let fill = if c.hospitals == 0 {
            "#eceff1".to_owned()
        } else {
            shade(share)
        };
        let text = if share > 0.55 { "#fff" } else { "#1b2733" };
        let (stroke, width) = if c.below > 0 {
            ("#c62828", 3.0)
        } else {
            ("#90a4ae", 1.0)
        };
        let tip = format!(
            "{short} {english}: {} hospitals; {} below target; {} within {near_hours} h and {} within {far_hours} h of a stocking location{}",
            c.hospitals,
            c.below,
            c.near,
            c.far,
            if c.depots.is_empty() {
                String::new()
            } else {
                format!("; stocking locations: {}", c.depots.join(", "))
            }
        );
        let _ = write!(
            s,
            r#"<g class="tile" data-province="{english}"><title>{}</title><rect x="{x:.0}" y="{y:.0}" width="{SIDE}" height="{SIDE}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/><text x="{:.0}" y="{:.0}" font-size="13" font-weight="bold" fill="{text}">{short}</text><text x="{:.0}" y="{:.0}" font-size="9" fill="{text}">{english}</text><text x="{:.0}" y="{:.0}" font-size="10" fill="{text}">{} h: {}/{}</text>"#,
            esc(&tip),
            x + 6.0,
            y + 16.0,
            x + 6.0,
            y + 28.0,
            x + 6.0,
            y + 41.0,
            near_hours,
            c.near,
            c.hospitals,
        );
        if c.below > 0 {
            let _ = write!(
                s,
                r##"<text x="{:.0}" y="{:.0}" font-size="11" font-weight="bold" fill="#c62828" class="below">{} below</text>"##,
                x + 6.0,
                y + 54.0,
                c.below
            );
        }
        if !c.depots.is_empty() {
            let _ = write!(
                s,
                r##"<rect x="{:.0}" y="{:.0}" width="8" height="8" fill="#1b2733"/><text x="{:.0}" y="{:.0}" font-size="10" fill="{text}">{}</text>"##,
                x + 44.0,
                y + 61.0,
                x + 55.0,
                y + 69.0,
                esc(&c.depots.len().to_string())
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    let note = format!(
        "Each square is a province of mainland China in its usual place (a schematic: no borders are drawn). Shade: the share of its hospitals within {near_hours} h of a stocking location (white none, blue all); the figure is those hospitals of all with demand. Red outline: hospitals below their target. Black square: the number of stocking locations in the province (named in the tooltip).{}",
        if unplaced > 0 {
            format!(" {unplaced} hospitals name no province the map knows and are left out.")
        } else {
            String::new()
        }
    );
    (s, note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_province_has_its_own_tile_and_names_match_as_the_data_writes_them() {
        let mut cells: Vec<(u32, u32)> = TILES.iter().map(|t| (t.2, t.3)).collect();
        cells.sort_unstable();
        cells.dedup();
        assert_eq!(cells.len(), 31);
        assert_eq!(tile_of("内蒙古自治区"), Some(2));
        assert_eq!(TILES[tile_of("山西省").unwrap()].1, "Shanxi");
        assert_eq!(TILES[tile_of("陕西省").unwrap()].1, "Shaanxi");
        assert_eq!(TILES[tile_of("广西壮族自治区").unwrap()].1, "Guangxi");
        assert_eq!(tile_of("台北市"), None);
    }
}
