//! `generate`: write a data set on the real geography.

use std::path::PathBuf;

use anyhow::{bail, Context};
use chrono::NaiveDate;

use super::Exit;
use crate::gen::{self, GenParams};
use crate::io::{self, DirSource, MemorySource};
use crate::money::group_digits;

/// Write a data set on the real geography.
///
/// With --china, the bundled data/china set (census-sized installed base, 52-part catalogue,
/// planted finance folder). Otherwise a synthetic set of the given size, deterministic for a seed.
#[derive(clap::Args, Debug)]
#[command(after_help = concat!(
    "Examples:\n  spareplan generate --china --out data/china\n",
    "  spareplan generate --hospitals 5000 --parts 2000 --seed 1 --out /tmp/national\n",
    "  spareplan generate --china --forward capitals --out /tmp/china-31\n",
    "  spareplan generate --hospitals 5000 --parts 200 --candidates 300 --out /tmp/design-5k\n",
    "  spareplan generate --finance-slips 1000000 --out /tmp/finance\n\n",
    "Exit status:\n  0  the data set was written\n  2  it could not be written (nothing was)"
))]
pub struct Args {
    /// Build the bundled data/china set.
    #[arg(long, conflicts_with_all = ["hospitals", "parts"])]
    pub china: bool,
    /// Number of hospitals (1 to 50,000; up to 20,000 is the tested range).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=50_000))]
    pub hospitals: u32,
    /// Number of parts (1 to 20,000).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=20_000))]
    pub parts: u32,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Snapshot date of the data set (history runs up to it), YYYY-MM-DD.
    #[arg(long, default_value = "2026-10-31", value_parser = super::date_arg)]
    pub as_of: NaiveDate,
    /// Months of fault and downtime history (0 to 120).
    #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u32).range(0..=120))]
    pub history_months: u32,
    /// Geography folder (default: the copy of data/geo built into spareplan).
    #[arg(long, value_name = "DIR")]
    pub geo: Option<PathBuf>,
    /// Write a synthetic finance data set of this many slip lines (1 to 10,000,000) instead of a
    /// planning set.
    #[arg(long, conflicts_with = "china", value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub finance_slips: Option<u32>,
    /// Forward stocking locations below the regional centres (tier forward, each replenished
    /// from the nearest regional centre by road): `capitals` for one in every provincial capital
    /// without a centre (26 more on the real geography), or a number for the most populous
    /// cities without one.
    #[arg(long, value_name = "capitals|N", value_parser = forward_arg)]
    pub forward: Option<gen::network::Forward>,
    /// Candidate sites for forward stocking locations (candidates.csv): `engineer-bases` (a
    /// store room at every engineer base outside the depots' cities; the default), `none`, or a
    /// number (the engineer bases, then the most populous other cities).
    #[arg(long, value_name = "engineer-bases|none|N", value_parser = candidates_arg)]
    pub candidates: Option<gen::sites::Candidates>,
    /// Output folder.
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,
}

fn candidates_arg(s: &str) -> Result<gen::sites::Candidates, String> {
    use gen::sites::Candidates;
    if s.eq_ignore_ascii_case("engineer-bases") {
        return Ok(Candidates::EngineerBases);
    }
    if s.eq_ignore_ascii_case("none") {
        return Ok(Candidates::None);
    }
    match s.parse::<usize>() {
        Ok(n) if (1..=2_000).contains(&n) => Ok(Candidates::Count(n)),
        _ => Err(format!(
            "{s:?} is neither `engineer-bases`, `none` nor a number of sites from 1 to 2,000"
        )),
    }
}

fn forward_arg(s: &str) -> Result<gen::network::Forward, String> {
    if s.eq_ignore_ascii_case("capitals") {
        return Ok(gen::network::Forward::Capitals);
    }
    match s.parse::<usize>() {
        Ok(n) if (1..=2_000).contains(&n) => Ok(gen::network::Forward::Largest(n)),
        _ => Err(format!(
            "{s:?} is neither `capitals` nor a number of sites from 1 to 2,000"
        )),
    }
}

pub(super) fn run(a: &Args) -> anyhow::Result<Exit> {
    if let Some(n) = a.finance_slips {
        let set = gen::finance::synthetic(n as usize, a.seed);
        let files = io::write_finance(&a.out, &set)?;
        outln!(
            "wrote {} files to {}: {} slip lines, {} invoice lines",
            files.len(),
            a.out.display(),
            group_digits(set.slips.len() as u64),
            group_digits(set.invoices.len() as u64)
        );
        return Ok(Exit::Success);
    }
    let params = GenParams {
        hospitals: (!a.china).then_some(a.hospitals as usize),
        parts: (!a.china).then_some(a.parts as usize),
        seed: a.seed,
        as_of: a.as_of,
        history_months: a.history_months,
        forward: a.forward.unwrap_or_default(),
        candidates: a.candidates.unwrap_or_default(),
    };
    generate(a.china, &params, a.geo.as_deref(), &a.out)
}

fn generate(
    china: bool,
    params: &GenParams,
    geo: Option<&std::path::Path>,
    out: &std::path::Path,
) -> anyhow::Result<Exit> {
    if let Some(h) = params.hospitals {
        if h == 0 {
            bail!("--hospitals must be at least 1");
        }
    }
    if params.parts == Some(0) {
        bail!("--parts must be at least 1");
    }
    let geography = match geo {
        Some(dir) => io::geo::load_geography(&DirSource::new(dir)),
        None => io::geo::load_geography(&io::geo::EmbeddedGeo),
    }
    .context("loading the geography")?;
    let generated = if china {
        gen::china_with(&geography, params.forward, params.candidates)
    } else {
        gen::synthetic(&geography, params)
    };
    // Check the set as a user's would be checked before anything is written.
    let mut mem = MemorySource::new();
    for (name, bytes) in io::write::dataset_files(&generated.dataset) {
        mem.files.insert(name.to_owned(), bytes);
    }
    if let Err(err) = io::load_planning(&mem) {
        super::print_problems(err.problems());
        bail!("the generated data set does not validate; nothing was written");
    }
    let extra: Vec<(&str, Vec<u8>)> = generated
        .extra
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect();
    let files = io::write_dataset(out, &generated.dataset, generated.finance.as_ref(), &extra)?;
    let d = &generated.dataset;
    outln!(
        "wrote {} files to {}: {} depots, {} hubs, {} hospitals, {} lanes, {} parts, {} installed units, {} fault records",
        files.len(),
        out.display(),
        group_digits(d.depots.len() as u64),
        group_digits(d.hubs.len() as u64),
        group_digits(d.hospitals.len() as u64),
        group_digits(d.lanes.len() as u64),
        group_digits(d.parts.len() as u64),
        group_digits(d.units.len() as u64),
        group_digits(d.faults.len() as u64)
    );
    Ok(Exit::Success)
}
