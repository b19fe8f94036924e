//! The group-by of the reconciliation's findings, on a polars frame of integer keys and fen.
//!
//! Strings are interned to `u32` keys and money is `i64` fen before anything reaches polars, so
//! no amount is ever a float here either. This is the only file that imports polars.

use polars::prelude::*;

fn u32_col(name: &str, v: &[u32]) -> Column {
    Column::new(name.into(), v)
}

fn frame(columns: Vec<Column>) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(columns)
}

fn u32_values(df: &DataFrame, name: &str) -> PolarsResult<Vec<u32>> {
    Ok(df
        .column(name)?
        .u32()?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect())
}

/// One code's count and sums of expected, invoiced and difference (fen).
pub type CodeSums = (u32, u32, i64, i64, i64);

/// Count and sums of expected, invoiced and difference (fen) per finding code, by code.
pub fn totals_by_code(
    codes: &[u32],
    expected: &[i64],
    invoiced: &[i64],
    difference: &[i64],
) -> PolarsResult<Vec<CodeSums>> {
    let df = frame(vec![
        u32_col("code", codes),
        Column::new("expected".into(), expected),
        Column::new("invoiced".into(), invoiced),
        Column::new("difference".into(), difference),
    ])?;
    let out = df
        .lazy()
        .group_by([col("code")])
        .agg([
            len().cast(DataType::UInt32).alias("n"),
            col("expected").sum().alias("expected"),
            col("invoiced").sum().alias("invoiced"),
            col("difference").sum().alias("difference"),
        ])
        .sort(["code"], SortMultipleOptions::default())
        .collect()?;
    let code = u32_values(&out, "code")?;
    let n = u32_values(&out, "n")?;
    let i64s = |name: &str| -> PolarsResult<Vec<i64>> {
        Ok(out
            .column(name)?
            .i64()?
            .iter()
            .map(|v| v.unwrap_or(0))
            .collect())
    };
    let (e, i, d) = (i64s("expected")?, i64s("invoiced")?, i64s("difference")?);
    Ok((0..code.len())
        .map(|k| (code[k], n[k], e[k], i[k], d[k]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_by_on_a_small_frame() {
        let totals =
            totals_by_code(&[2, 1, 2], &[10, 20, 30], &[0, 5, 1], &[-10, -15, -29]).unwrap();
        assert_eq!(totals, vec![(1, 1, 20, 5, -15), (2, 2, 40, 1, -39)]);
    }
}
