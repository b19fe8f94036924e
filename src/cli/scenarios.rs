//! `scenarios`: plan what-if scenarios and compare each with its baseline.

use std::path::PathBuf;

use super::{load_planning, Exit};
use crate::io::{self, scenario_output};
use crate::model::Dataset;
use crate::scenario::{self, compare::compare};

/// Plan what-if scenarios and compare each with its baseline.
///
/// Each FILE is a scenario (TOML: name, question, data folder, changes; see scenarios/README.md).
/// All are planned in parallel with their unchanged data sets (the baseline is the plan `plan`
/// writes for the data); writes scenarios.csv (holding cost, investment, system and
/// worst-hospital on-time, hospitals out of reach, expected warranty-extension days, and the
/// change from the baseline) and summary.json.
#[derive(clap::Args, Debug)]
#[command(after_help = concat!(
    "Example:\n  spareplan scenarios scenarios/*.toml --out out/scenarios\n\n",
    "Exit status:\n  0  success\n",
    "  1  a scenario file or its data set has errors, or a scenario cannot be planned; nothing was written\n",
    "  2  bad arguments or an output that could not be written"
))]
pub struct Args {
    /// Scenario files (TOML).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output folder.
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,
    /// Print the summary as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also write scenarios.xlsx: a sheet per table, header frozen and filterable, money as numbers
    /// formatted #,##0.00, Chinese text intact.
    #[arg(long)]
    pub xlsx: bool,
}

pub(super) fn run(a: &Args) -> anyhow::Result<Exit> {
    let mut loaded = Vec::new();
    let mut bad = false;
    for f in &a.files {
        match scenario::load(f) {
            Ok(l) => loaded.push(l),
            Err(e) => {
                eprintln!("error: {e}");
                bad = true;
            }
        }
    }
    if bad {
        eprintln!("fix the scenario files above; nothing was planned");
        return Ok(Exit::DataErrors);
    }
    // The output folder is taken (locked) before any planning, and written only at the end.
    let mut inputs: Vec<&std::path::Path> = a.files.iter().map(PathBuf::as_path).collect();
    inputs.extend(loaded.iter().map(|l| l.data_dir.as_path()));
    let mut output = io::OutputDir::create(&a.out, &inputs)?;
    // Each data set once, by its canonical folder, in folder order.
    let key = |l: &scenario::Loaded| {
        l.data_dir
            .canonicalize()
            .unwrap_or_else(|_| l.data_dir.clone())
    };
    let mut keys: Vec<PathBuf> = loaded.iter().map(key).collect();
    keys.sort();
    keys.dedup();
    let mut data: Vec<(String, Dataset)> = Vec::with_capacity(keys.len());
    for k in &keys {
        let l = loaded
            .iter()
            .find(|l| key(l) == *k)
            .expect("a scenario names it");
        let Some(ds) = load_planning(&l.data_dir)? else {
            eprintln!(
                "{}: data {:?} has errors",
                l.file.display(),
                l.scenario.data
            );
            return Ok(Exit::DataErrors);
        };
        data.push((k.display().to_string(), ds));
    }
    let data_of: Vec<usize> = loaded
        .iter()
        .map(|l| keys.binary_search(&key(l)).expect("every key is listed"))
        .collect();
    // Changes are checked before any planning.
    for (l, &k) in loaded.iter().zip(&data_of) {
        if let Err(e) = scenario::apply(l, &data[k].1) {
            eprintln!("error: {e}");
            bad = true;
        }
    }
    if bad {
        eprintln!("fix the scenario files above; nothing was planned");
        return Ok(Exit::DataErrors);
    }
    let bar = super::spinner(&format!(
        "planning {} scenarios and their baselines",
        loaded.len()
    ));
    let compared = compare(&loaded, &data, &data_of);
    bar.finish_and_clear();
    let compared = match compared {
        Ok(c) => c,
        Err(failed) => {
            for f in &failed {
                eprintln!("error: {f}");
            }
            eprintln!("nothing was written");
            return Ok(Exit::DataErrors);
        }
    };
    let rows = scenario_output::rows(&compared);
    let summary = scenario_output::summary_json(&rows);
    if a.xlsx {
        output.keep_tables();
    }
    output.stage("scenarios.csv", &scenario_output::scenarios_csv(&rows))?;
    if a.xlsx {
        output.stage_workbook("scenarios.xlsx", |_| true, Vec::new())?;
    }
    output.stage("summary.json", summary.as_bytes())?;
    let written = output.commit()?;
    if a.json {
        out!("{summary}");
        return Ok(Exit::Success);
    }
    outln!(
        "{:<34} {:>18} {:>18} {:>8} {:>8} {:>5} {:>9} {:>16}",
        "scenario",
        "holding yuan/y",
        "vs baseline",
        "system",
        "worst",
        "out",
        "ext.days",
        "ext. yuan/y"
    );
    for r in &rows {
        let o = r.outcome;
        outln!(
            "{:<34} {:>18} {:>18} {:>8.4} {:>8.4} {:>5} {:>9} {:>16}{}",
            o.name,
            o.annual_holding_cost.grouped(),
            (o.annual_holding_cost - r.baseline.annual_holding_cost).grouped(),
            o.system_on_time,
            o.worst_hospital_on_time,
            o.hospitals_out_of_reach,
            crate::money::grouped_f(o.extension_days_per_year, 1),
            o.extension_cost_per_year.grouped(),
            if o.meets_targets {
                String::new()
            } else {
                "  (budget binds: targets not met)".to_owned()
            } + &if o.annual_fixed_cost > crate::money::Fen::ZERO {
                format!(
                    "  (+{} yuan/y fixed cost of the sites opened)",
                    o.annual_fixed_cost.grouped()
                )
            } else {
                String::new()
            }
        );
    }
    for w in written {
        outln!("wrote {}", w.display());
    }
    outln!(
        "next: spareplan report DATA_DIR --scenarios {} --out REPORT_DIR",
        a.out.display()
    );
    Ok(Exit::Success)
}
