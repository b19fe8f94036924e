//! Reads the geographic facts in `data/geo/` (cities, airports, road and rail distances).
//!
//! These files ship with the project and are trusted: a problem in them is a plain error, not a
//! list of diagnostics.

use anyhow::{bail, Context};
use serde::Deserialize;

use super::source::Source;

/// A prefecture-level city (or municipality, or province-administered county-level city).
#[derive(Clone, Debug)]
pub struct City {
    pub adcode: u32,
    pub name_zh: String,
    pub name_short: String,
    pub name_pinyin: String,
    pub province_adcode: u32,
    pub province_zh: String,
    pub is_capital: bool,
    pub lat: f64,
    pub lon: f64,
    /// 2020 census population; `None` where the census has no figure.
    pub population: Option<u64>,
    /// Distance from the city point to the nearest rail node, km.
    pub rail_snap_km: f64,
}

#[derive(Clone, Debug)]
pub struct Airport {
    pub iata: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    /// Index into [`Geography::cities`] of the nearest city point.
    pub city: usize,
    pub city_km: f64,
}

/// The geography the data sets are built on.
#[derive(Clone, Debug)]
pub struct Geography {
    pub cities: Vec<City>,
    pub airports: Vec<Airport>,
    /// Road distance between cities `i` and `j`, km, at `i * n + j`.
    pub road_km: Vec<f32>,
    /// Rail distance, km, at `i * n + j`.
    pub rail_km: Vec<f32>,
}

impl Geography {
    pub fn road(&self, i: usize, j: usize) -> f64 {
        f64::from(self.road_km[i * self.cities.len() + j])
    }

    pub fn rail(&self, i: usize, j: usize) -> f64 {
        f64::from(self.rail_km[i * self.cities.len() + j])
    }

    pub fn city_index(&self, adcode: u32) -> Option<usize> {
        self.cities.iter().position(|c| c.adcode == adcode)
    }
}

#[derive(Deserialize)]
struct CityRow {
    adcode: u32,
    name_zh: String,
    name_short: String,
    name_pinyin: String,
    province_adcode: u32,
    province_zh: String,
    is_provincial_capital: u8,
    lat: f64,
    lon: f64,
    pop_2020_census: Option<u64>,
}

#[derive(Deserialize)]
struct AirportRow {
    iata: String,
    name: String,
    lat: f64,
    lon: f64,
    nearest_citypoint_adcode: u32,
    nearest_citypoint_km: f64,
}

#[derive(Deserialize)]
struct DistanceRow {
    origin_adcode: u32,
    dest_adcode: u32,
    road_km: f64,
    rail_km: f64,
}

#[derive(Deserialize)]
struct SnapRow {
    adcode: u32,
    rail_snap_km: f64,
}

fn rows<T: for<'de> Deserialize<'de>>(src: &dyn Source, file: &str) -> anyhow::Result<Vec<T>> {
    let reader = src
        .open(file)
        .with_context(|| format!("opening {file}"))?
        .with_context(|| format!("{file} is missing from {}", src.describe()))?;
    csv::Reader::from_reader(reader)
        .deserialize()
        .enumerate()
        .map(|(i, r)| r.with_context(|| format!("{file} line {}", i + 2)))
        .collect()
}

/// The geographic facts compiled into the program, so that `generate` works from any folder.
pub struct EmbeddedGeo;

impl Source for EmbeddedGeo {
    fn describe(&self) -> String {
        "the geography built into spareplan".to_owned()
    }

    fn open(&self, file: &str) -> std::io::Result<Option<Box<dyn std::io::Read + '_>>> {
        let bytes: &'static [u8] = match file {
            "cn_cities.csv" => include_bytes!("../../data/geo/cn_cities.csv"),
            "cn_airports.csv" => include_bytes!("../../data/geo/cn_airports.csv"),
            "cn_city_distances.csv" => include_bytes!("../../data/geo/cn_city_distances.csv"),
            "cn_city_network_snap.csv" => include_bytes!("../../data/geo/cn_city_network_snap.csv"),
            _ => return Ok(None),
        };
        Ok(Some(Box::new(bytes)))
    }
}

/// Loads the geography from the files of a `data/geo` folder (a [`super::DirSource`]) or from
/// the copy built into the program ([`EmbeddedGeo`]).
pub fn load_geography(src: &dyn Source) -> anyhow::Result<Geography> {
    let city_rows: Vec<CityRow> = rows(src, "cn_cities.csv")?;
    let snaps: Vec<SnapRow> = rows(src, "cn_city_network_snap.csv")?;
    let mut cities: Vec<City> = city_rows
        .into_iter()
        .map(|r| City {
            adcode: r.adcode,
            name_zh: r.name_zh,
            name_short: r.name_short,
            name_pinyin: r.name_pinyin,
            province_adcode: r.province_adcode,
            province_zh: r.province_zh,
            is_capital: r.is_provincial_capital == 1,
            lat: r.lat,
            lon: r.lon,
            population: r.pop_2020_census,
            rail_snap_km: f64::INFINITY,
        })
        .collect();
    let index = |adcode: u32| cities.iter().position(|c| c.adcode == adcode);
    let snap_index: Vec<(usize, f64)> = snaps
        .iter()
        .filter_map(|s| index(s.adcode).map(|i| (i, s.rail_snap_km)))
        .collect();
    for (i, km) in snap_index {
        cities[i].rail_snap_km = km;
    }
    let n = cities.len();
    let mut road_km = vec![f32::NAN; n * n];
    let mut rail_km = vec![f32::NAN; n * n];
    for i in 0..n {
        road_km[i * n + i] = 0.0;
        rail_km[i * n + i] = 0.0;
    }
    let by_code: rustc_hash::FxHashMap<u32, usize> = cities
        .iter()
        .enumerate()
        .map(|(i, c)| (c.adcode, i))
        .collect();
    for r in rows::<DistanceRow>(src, "cn_city_distances.csv")? {
        let (Some(&i), Some(&j)) = (by_code.get(&r.origin_adcode), by_code.get(&r.dest_adcode))
        else {
            bail!(
                "cn_city_distances.csv names an unknown city pair {} {}",
                r.origin_adcode,
                r.dest_adcode
            );
        };
        road_km[i * n + j] = r.road_km as f32;
        road_km[j * n + i] = r.road_km as f32;
        rail_km[i * n + j] = r.rail_km as f32;
        rail_km[j * n + i] = r.rail_km as f32;
    }
    if let Some(k) = road_km.iter().position(|v| v.is_nan()) {
        bail!(
            "cn_city_distances.csv has no distance between {} and {}",
            cities[k / n].name_zh,
            cities[k % n].name_zh
        );
    }
    let airports = rows::<AirportRow>(src, "cn_airports.csv")?
        .into_iter()
        .filter_map(|r| {
            by_code
                .get(&r.nearest_citypoint_adcode)
                .map(|&city| Airport {
                    iata: r.iata,
                    name: r.name,
                    lat: r.lat,
                    lon: r.lon,
                    city,
                    city_km: r.nearest_citypoint_km,
                })
        })
        .collect();
    Ok(Geography {
        cities,
        airports,
        road_km,
        rail_km,
    })
}
