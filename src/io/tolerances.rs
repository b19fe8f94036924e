//! `tolerances.csv`: the reconciliation's tolerances per kind of difference.

use super::contract::TOLERANCES;
use super::diag::Diagnostics;
use super::table::read_table;
use super::{open_file, LoadError, Source};
use crate::recon::Tolerances;

/// Reads `tolerances.csv` from `src` when it is there, over `base`; every cell in error is
/// reported (file as `shown`, line, column, value) and nothing is returned then. A kind given
/// twice is an error, so that no line silently overrides another.
pub fn load_tolerances(
    src: &dyn Source,
    shown: &str,
    base: Tolerances,
) -> Result<Tolerances, LoadError> {
    let mut diag = Diagnostics::default();
    let mut out = base;
    if let Some(reader) = open_file(src, TOLERANCES.name, false, &mut diag) {
        let mut seen: Vec<(String, u64)> = Vec::new();
        read_table(shown, reader, TOLERANCES.columns, &mut diag, |row| {
            let Some(kind) = row.required(0) else {
                return;
            };
            let kind = kind.to_ascii_lowercase();
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == kind) {
                let message = format!("the kind {kind} is given twice (also on line {first})");
                row.error(0, &kind, message, "give each kind on one line");
                return;
            }
            seen.push((kind.clone(), row.line));
            for (c, limit) in [
                (1, "lower_yuan"),
                (2, "upper_yuan"),
                (3, "lower_fraction"),
                (4, "upper_fraction"),
            ] {
                let Some(value) = row.text(c) else { continue };
                if let Err(why) = out.set(&kind, limit, value) {
                    let column = if why.starts_with("unknown kind") {
                        0
                    } else {
                        c
                    };
                    let shown = if column == 0 {
                        kind.clone()
                    } else {
                        value.to_owned()
                    };
                    row.error(column, &shown, why, "see the tolerances in the README");
                    if column == 0 {
                        return;
                    }
                }
            }
        });
    }
    if diag.has_errors() {
        return Err(LoadError::Invalid {
            source_name: shown.to_owned(),
            problems: diag.into_sorted(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::MemorySource;
    use crate::money::Fen;

    fn load(text: &str) -> Result<Tolerances, LoadError> {
        let src = MemorySource::new().with("tolerances.csv", text);
        load_tolerances(&src, "tolerances.csv", Tolerances::default())
    }

    #[test]
    fn a_tolerances_file_sets_limits_per_kind_and_keeps_the_rest() {
        let t = load(
            "kind,lower_yuan,upper_yuan,lower_fraction,upper_fraction\n\
             price,1.00,0.20,,0.0005\n\
             quantity,,,,0.02\n",
        )
        .unwrap();
        assert_eq!(t.price.lower_yuan, Fen(100));
        assert_eq!(t.price.upper_yuan, Fen(20));
        assert_eq!(t.price.lower_ppm, 1_000, "empty cell keeps the default");
        assert_eq!(t.price.upper_ppm, 500);
        assert_eq!(t.quantity.upper_ppm, 20_000);
        assert_eq!(t.amount, Tolerances::default().amount);
    }

    #[test]
    fn a_bad_cell_is_named_with_its_line_and_column() {
        let err =
            load("kind,lower_yuan,upper_yuan\nprice,abc,1\nfreight,1,1\nprice,1,1\n").unwrap_err();
        let text: Vec<String> = err.problems().iter().map(|p| p.to_string()).collect();
        let all = text.join("\n");
        assert!(all.contains("line 2") && all.contains("\"abc\""), "{all}");
        assert!(all.contains("line 3") && all.contains("freight"), "{all}");
        assert!(all.contains("line 4") && all.contains("twice"), "{all}");
    }

    #[test]
    fn no_file_keeps_the_defaults() {
        let src = MemorySource::new();
        assert_eq!(
            load_tolerances(&src, "tolerances.csv", Tolerances::default()).unwrap(),
            Tolerances::default()
        );
    }
}
