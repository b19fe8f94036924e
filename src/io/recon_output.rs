//! What `reconcile` writes: findings, a verdict per invoice, statements per hospital and the
//! summary. Every amount is decimal text in yuan from integer fen.

use rayon::iter::{IndexedParallelIterator, ParallelIterator};
use rayon::slice::ParallelSlice;

use super::contract;
use super::output::json_text;
use super::write::CsvBuf;
use crate::recon::{Reconciliation, Severity, Statement, Verdict};

/// `findings.csv` of `reconcile`: the contract's columns, then what the difference accounts
/// for, the customer and the dates.
pub fn findings_csv(rec: &Reconciliation) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::FINDINGS_OUT);
    for f in &rec.findings {
        t.field(f.code.as_str());
        t.field(f.severity.as_str());
        t.field(&*f.slip_no);
        match f.slip_line {
            Some(n) => t.shown(n),
            None => t.field(""),
        }
        t.field(&*f.invoice_no);
        match f.invoice_line {
            Some(n) => t.shown(n),
            None => t.field(""),
        }
        t.field(&*f.part_no);
        t.shown(f.expected);
        t.shown(f.invoiced);
        t.shown(f.difference);
        t.field(&f.detail);
        t.field(f.accounts.as_str());
        t.field(&*f.customer);
        for d in [f.slip_date, f.invoice_date] {
            match d {
                Some(d) => t.shown(d),
                None => t.field(""),
            }
        }
        t.end_row();
    }
    t.into_bytes()
}

/// `invoices.csv` of `reconcile`: one verdict per invoice, in number order. `codes` joins the
/// codes of its findings with `;`; `difference` is `invoiced + credited - expected`. Formatted
/// in parallel chunks, joined in order.
pub fn invoice_verdicts_csv(rec: &Reconciliation) -> Vec<u8> {
    let chunk = rec
        .invoices
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1);
    let parts: Vec<Vec<u8>> = rec
        .invoices
        .par_chunks(chunk)
        .enumerate()
        .map(|(n, rows)| verdict_rows(rows, n == 0))
        .collect();
    if parts.is_empty() {
        return verdict_rows(&[], true);
    }
    parts.concat()
}

/// Rows of `invoices.csv`, with the header if asked.
fn verdict_rows(rows: &[crate::recon::InvoiceVerdict], header: bool) -> Vec<u8> {
    let mut t = if header {
        CsvBuf::of(&contract::INVOICE_VERDICTS_OUT)
    } else {
        CsvBuf::headerless()
    };
    let mut codes = String::new();
    for v in rows {
        codes.clear();
        for (i, c) in v.codes().enumerate() {
            if i > 0 {
                codes.push(';');
            }
            codes.push_str(c.as_str());
        }
        t.field(&*v.invoice_no);
        t.field(v.verdict.as_str());
        t.field(&codes);
        t.shown(v.invoiced);
        match v.expected {
            Some(e) => t.shown(e),
            None => t.field(""),
        }
        match v.invoice_date {
            Some(d) => t.shown(d),
            None => t.field(""),
        }
        t.field(v.kind.as_str());
        t.field(&*v.customer);
        t.shown(v.lines);
        t.shown(v.credited);
        match v.expected {
            Some(e) => t.shown(v.invoiced + v.credited - e),
            None => t.field(""),
        }
        t.field(&v.reason);
        t.end_row();
    }
    t.into_bytes()
}

/// `summary.json` of `reconcile`: every amount as a decimal string in yuan.
pub fn recon_summary_json(rec: &Reconciliation, params: &crate::recon::ReconParams) -> String {
    let t = &rec.totals;
    let mut by_code = serde_json::Map::new();
    for c in &rec.by_code {
        by_code.insert(
            c.code.as_str().to_owned(),
            serde_json::json!({
                "count": c.count,
                "expected": c.expected.to_string(),
                "invoiced": c.invoiced.to_string(),
                "difference": c.difference.to_string(),
            }),
        );
    }
    let mut verdicts = serde_json::Map::new();
    for verdict in Verdict::ALL {
        let of = || rec.invoices.iter().filter(move |v| v.verdict == verdict);
        let value: crate::money::Fen = of().map(|v| v.invoiced).sum();
        verdicts.insert(
            verdict.as_str().to_owned(),
            serde_json::json!({ "count": of().count(), "invoiced": value.to_string() }),
        );
    }
    let mut tolerances = serde_json::Map::new();
    for kind in crate::recon::Kind::ALL {
        let l = params.tolerances.of(kind);
        let fraction = crate::recon::tolerance::fraction_text;
        tolerances.insert(
            kind.as_str().to_owned(),
            serde_json::json!({
                "lower_yuan": l.lower_yuan.to_string(),
                "upper_yuan": l.upper_yuan.to_string(),
                "lower_fraction": fraction(l.lower_ppm),
                "upper_fraction": fraction(l.upper_ppm),
            }),
        );
    }
    json_text(&serde_json::json!({
        "slip_lines": rec.slip_lines,
        "invoice_lines": rec.invoice_lines,
        "findings_total": rec.findings.len(),
        "blocked_lines": rec.blocked_lines,
        "blocked_invoiced_value": rec.blocked_invoiced_value.to_string(),
        "shipped_value": t.shipped_value.to_string(),
        "invoiced_value": t.invoiced_value.to_string(),
        "matched_value": t.matched_value.to_string(),
        "shipped_not_invoiced_value": t.shipped_not_invoiced_value.to_string(),
        "invoiced_not_shipped_value": t.invoiced_not_shipped_value.to_string(),
        "net_difference": t.net_difference.to_string(),
        "explained_difference": t.explained_difference.to_string(),
        "unexplained": t.unexplained.to_string(),
        "balanced": t.unexplained.0 == 0,
        "tolerances": tolerances,
        "findings": by_code,
        "findings_by_severity": {
            "error": severity_count(rec, Severity::Error),
            "warning": severity_count(rec, Severity::Warning),
            "info": severity_count(rec, Severity::Info),
        },
        "invoices": if params.findings_only { serde_json::Value::Null } else { verdicts.into() },
        "statements": rec.statements.len(),
    }))
}

/// How many findings have this severity.
pub fn severity_count(rec: &Reconciliation, severity: Severity) -> usize {
    rec.findings
        .iter()
        .filter(|f| f.severity == severity)
        .count()
}

/// Each hospital's statement file inside `statements/`: the id, with any character a file name
/// should not carry replaced by `_`, and a number added where two ids would give one name.
pub fn statement_files(rec: &Reconciliation) -> Vec<String> {
    let mut used = std::collections::HashSet::new();
    rec.statements
        .iter()
        .map(|st| {
            let safe: String = st
                .hospital
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || matches!(c, '-' | '_') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let mut name = format!("statements/{safe}.csv");
            let mut n = 2;
            while name == "statements/index.csv" || !used.insert(name.clone()) {
                name = format!("statements/{safe}-{n}.csv");
                n += 1;
            }
            name
        })
        .collect()
}

/// One hospital's statement (对账单): its rows by section and date, then the totals; UTF-8 with
/// a BOM, as Excel on Chinese Windows reads it.
pub fn statement_csv(st: &Statement, period: &str) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::STATEMENT_OUT);
    for r in &st.rows {
        t.row([
            &*st.hospital,
            r.section.as_str(),
            &r.date.to_string(),
            &r.document_no,
            &r.line_no.to_string(),
            &r.part_no,
            &r.qty.to_string(),
            &r.amount.to_string(),
            r.status,
        ]);
    }
    let totals = [
        ("total shipped at agreed prices", st.shipped),
        ("total invoiced", st.invoiced),
        ("total credited", st.credited),
        ("total not yet invoiced", st.not_invoiced),
        ("total under review (blocked invoices)", st.under_review),
        ("total due on cleared invoices", st.due()),
    ];
    for (what, amount) in totals {
        t.row([
            &*st.hospital,
            what,
            period,
            "",
            "",
            "",
            "",
            &amount.to_string(),
            "",
        ]);
    }
    super::output::with_bom(&t.into_bytes())
}

/// `statements/index.csv`: one line per hospital with its totals.
pub fn statements_index_csv(rec: &Reconciliation, files: &[String]) -> Vec<u8> {
    let mut t = CsvBuf::of(&contract::STATEMENTS_INDEX_OUT);
    for (st, file) in rec.statements.iter().zip(files) {
        t.row([
            &*st.hospital,
            file.as_str(),
            &st.shipped.to_string(),
            &st.invoiced.to_string(),
            &st.credited.to_string(),
            &st.not_invoiced.to_string(),
            &st.under_review.to_string(),
            &st.due().to_string(),
        ]);
    }
    super::output::with_bom(&t.into_bytes())
}
