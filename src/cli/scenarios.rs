//! `scenarios`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;

use super::load_planning;
use crate::io::{self, scenario_output};
use crate::model::Dataset;
use crate::scenario::compare::{outcome, plan_scenario, Outcome, Planned};
use crate::scenario::{self, Settings};

pub(super) fn scenarios(files: &[PathBuf], out: &Path, json: bool) -> anyhow::Result<ExitCode> {
    if files.is_empty() {
        anyhow::bail!("give at least one scenario file (scenarios/*.toml)");
    }
    let mut loaded = Vec::new();
    let mut bad = false;
    for f in files {
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
        return Ok(ExitCode::from(1));
    }
    // Each data set once, by its canonical folder.
    let mut data: BTreeMap<PathBuf, Dataset> = BTreeMap::new();
    let mut key_of = Vec::new();
    for l in &loaded {
        let key = l
            .data_dir
            .canonicalize()
            .unwrap_or_else(|_| l.data_dir.clone());
        if !data.contains_key(&key) {
            let Some(ds) = load_planning(&l.data_dir)? else {
                eprintln!(
                    "{}: data {:?} has errors",
                    l.file.display(),
                    l.scenario.data
                );
                return Ok(ExitCode::from(1));
            };
            data.insert(key.clone(), ds);
        }
        key_of.push(key);
    }
    // Changes are checked before any planning.
    for l in &loaded {
        let key = l
            .data_dir
            .canonicalize()
            .unwrap_or_else(|_| l.data_dir.clone());
        if let Err(e) = scenario::apply(l, &data[&key]) {
            eprintln!("error: {e}");
            bad = true;
        }
    }
    if bad {
        eprintln!("fix the scenario files above; nothing was planned");
        return Ok(ExitCode::from(1));
    }
    let keys: Vec<&PathBuf> = data.keys().collect();
    let bar = super::spinner(&format!(
        "planning {} scenarios and their baselines",
        loaded.len()
    ));
    let baselines: Vec<Planned> = keys
        .par_iter()
        .map(|k| {
            outcome(
                "baseline",
                "the data set as it is",
                &data[*k],
                &Settings::default(),
            )
            .map_err(|e| e.detail)
        })
        .collect();
    let planned: Vec<Planned> = loaded
        .par_iter()
        .zip(&key_of)
        .map(|(l, k)| plan_scenario(l, &data[k]).expect("changes were checked above"))
        .collect();
    bar.finish_and_clear();
    let mut rows = Vec::new();
    let mut failed = Vec::new();
    let baseline_of = |k: &PathBuf| -> Option<&Outcome> {
        let i = keys.iter().position(|x| *x == k)?;
        baselines[i].as_ref().ok()
    };
    for (i, k) in keys.iter().enumerate() {
        match &baselines[i] {
            Ok(b) => rows.push(scenario_output::Row {
                outcome: b,
                baseline: b,
                file: String::new(),
                data: k.display().to_string(),
            }),
            Err(e) => failed.push(format!("baseline of {}: {e}", k.display())),
        }
    }
    for ((l, k), p) in loaded.iter().zip(&key_of).zip(&planned) {
        match (p, baseline_of(k)) {
            (Ok(o), Some(b)) => rows.push(scenario_output::Row {
                outcome: o,
                baseline: b,
                file: l.file.display().to_string(),
                data: k.display().to_string(),
            }),
            (Err(e), _) => failed.push(format!("{}: {e}", l.file.display())),
            (Ok(_), None) => failed.push(format!(
                "{}: its baseline could not be planned",
                l.file.display()
            )),
        }
    }
    for f in &failed {
        eprintln!("error: {f}");
    }
    if !failed.is_empty() {
        eprintln!("nothing was written");
        return Ok(ExitCode::from(1));
    }
    let table = scenario_output::scenarios_csv(&rows);
    let summary: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let o = r.outcome;
            serde_json::json!({
                "scenario": o.name,
                "question": o.question,
                "annual_holding_cost": o.annual_holding_cost.to_string(),
                "investment": o.investment.to_string(),
                "system_on_time": (o.system_on_time * 1e6).round() / 1e6,
                "worst_hospital_on_time": (o.worst_hospital_on_time * 1e6).round() / 1e6,
                "hospitals_out_of_reach": o.hospitals_out_of_reach,
                "extension_days_per_year": (o.extension_days_per_year * 10.0).round() / 10.0,
                "meets_targets": o.meets_targets,
                "change_holding_cost": (o.annual_holding_cost - r.baseline.annual_holding_cost).to_string(),
                "file": r.file,
            })
        })
        .collect();
    let summary = serde_json::to_string_pretty(&summary)? + "\n";
    let mut output = io::OutputDir::create(out)?;
    output.stage("scenarios.csv", &table)?;
    output.stage("summary.json", summary.as_bytes())?;
    let written = output.commit()?;
    if json {
        out!("{summary}");
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "{:<34} {:>15} {:>15} {:>8} {:>8} {:>5} {:>9}",
        "scenario",
        "holding/y",
        "vs baseline",
        "system",
        "worst",
        "out",
        "ext.days"
    );
    for r in &rows {
        let o = r.outcome;
        outln!(
            "{:<34} {:>15} {:>15} {:>8.4} {:>8.4} {:>5} {:>9.1}{}",
            o.name,
            o.annual_holding_cost.to_string(),
            (o.annual_holding_cost - r.baseline.annual_holding_cost).to_string(),
            o.system_on_time,
            o.worst_hospital_on_time,
            o.hospitals_out_of_reach,
            o.extension_days_per_year,
            if o.meets_targets {
                ""
            } else {
                "  (budget binds: targets not met)"
            }
        );
    }
    for w in written {
        outln!("wrote {}", w.display());
    }
    Ok(ExitCode::SUCCESS)
}
