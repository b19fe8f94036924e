//! The joins and group-bys of the reconciliation, on polars frames of integer keys and fen.
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

/// Candidate slip lines of every invoice line: the inner join of invoice lines and slip lines on
/// (slip number, normalised part number), both keys packed into one `u64` join column. Returns
/// (invoice index, slip index) pairs sorted by invoice, then slip index.
pub fn candidates(
    invoice_slip: &[u32],
    invoice_part: &[u32],
    slip_slip: &[u32],
    slip_part: &[u32],
) -> PolarsResult<Vec<(u32, u32)>> {
    let pack = |s: &[u32], p: &[u32]| -> Vec<u64> {
        s.iter()
            .zip(p)
            .map(|(&s, &p)| (u64::from(s) << 32) | u64::from(p))
            .collect()
    };
    let inv_idx: Vec<u32> = (0..invoice_slip.len() as u32).collect();
    let slip_idx: Vec<u32> = (0..slip_slip.len() as u32).collect();
    let invoices = frame(vec![
        u32_col("inv", &inv_idx),
        Column::new("key".into(), pack(invoice_slip, invoice_part)),
    ])?;
    let slips = frame(vec![
        u32_col("slip", &slip_idx),
        Column::new("key".into(), pack(slip_slip, slip_part)),
    ])?;
    let joined = invoices
        .lazy()
        .join(
            slips.lazy(),
            [col("key")],
            [col("key")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([col("inv"), col("slip")])
        .collect()?;
    let inv = u32_values(&joined, "inv")?;
    let slip = u32_values(&joined, "slip")?;
    let mut packed: Vec<u64> = inv
        .iter()
        .zip(&slip)
        .map(|(&i, &s)| (u64::from(i) << 32) | u64::from(s))
        .collect();
    packed.sort_unstable();
    Ok(packed
        .into_iter()
        .map(|v| ((v >> 32) as u32, v as u32))
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
    fn joins_and_group_bys_on_small_frames() {
        let pairs = candidates(&[1, 2, 1], &[5, 5, 6], &[1, 1, 2, 1], &[5, 5, 5, 6]).unwrap();
        assert_eq!(pairs, vec![(0, 0), (0, 1), (1, 2), (2, 3)]);
        let totals =
            totals_by_code(&[2, 1, 2], &[10, 20, 30], &[0, 5, 1], &[-10, -15, -29]).unwrap();
        assert_eq!(totals, vec![(1, 1, 20, 5, -15), (2, 2, 40, 1, -39)]);
    }
}
