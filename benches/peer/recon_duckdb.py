#!/usr/bin/env python3
"""The heavy part of `spareplan reconcile` written as DuckDB SQL, for a side-by-side timing.

Reads slips.csv, invoices.csv and discounts.csv of a finance folder (the data contract's columns),
prices every slip line by the most specific discount term valid on its date (part beats category
beats all, then customer-specific beats all customers; rounded half away from zero to the fen),
nets invoice lines (red credits included) per slip line and normalised part number, and counts
the main findings: PRICE_OVER, PRICE_UNDER, QTY_OVER, SHIPPED_NOT_INVOICED, INVOICED_NOT_SHIPPED,
PART_MISMATCH and NO_DISCOUNT_TERMS. Full-width part numbers are not normalised here, and tax,
duplicates, consents and tolerances are left out: this is less work than spareplan does.

Usage: recon_duckdb.py FINANCE_DIR [--threads 2] [--iterations N]
Prints the finding counts, then `seconds <total>` for N runs of the query (a fresh in-memory
database each run, so nothing is cached but the operating system's file cache).
"""
import argparse
import os
import time

import duckdb

QUERY = """
CREATE TEMP TABLE slips AS SELECT * FROM read_csv('{d}/slips.csv', header = true, columns = {{
    'slip_no': 'VARCHAR', 'line_no': 'INTEGER', 'slip_date': 'DATE', 'part_no': 'VARCHAR',
    'qty': 'INTEGER', 'list_price': 'DECIMAL(18,2)', 'condition': 'VARCHAR', 'ship_to': 'VARCHAR',
    'category': 'VARCHAR', 'serials': 'VARCHAR'}});
CREATE TEMP TABLE invoices AS SELECT * FROM read_csv('{d}/invoices.csv', header = true, columns = {{
    'invoice_no': 'VARCHAR', 'line_no': 'INTEGER', 'invoice_date': 'DATE', 'slip_no': 'VARCHAR',
    'part_no': 'VARCHAR', 'qty': 'INTEGER', 'unit_price': 'DECIMAL(18,2)', 'amount': 'DECIMAL(18,2)',
    'tax_rate': 'DECIMAL(9,4)', 'tax_amount': 'DECIMAL(18,2)', 'kind': 'VARCHAR',
    'original_invoice_no': 'VARCHAR', 'serials': 'VARCHAR'}});
CREATE TEMP TABLE terms AS SELECT * FROM read_csv('{d}/discounts.csv', header = true, columns = {{
    'contract_id': 'VARCHAR', 'valid_from': 'DATE', 'valid_to': 'DATE',
    'discount_rate': 'DECIMAL(9,4)', 'customer': 'VARCHAR', 'category': 'VARCHAR',
    'part_no': 'VARCHAR'}});
CREATE TEMP TABLE priced AS
SELECT s.slip_no, s.line_no, upper(replace(replace(s.part_no, ' ', ''), '-', '')) AS part,
       s.qty, t.discount_rate IS NULL AS no_terms,
       round(s.list_price * (1 - coalesce(t.discount_rate, 0)), 2) AS agreed
FROM slips s
LEFT JOIN terms t
  ON s.slip_date BETWEEN t.valid_from AND t.valid_to
 AND (coalesce(t.customer, '*') IN ('*', '') OR t.customer = s.ship_to)
 AND (coalesce(t.category, '*') IN ('*', '') OR t.category = s.category)
 AND (coalesce(t.part_no, '*') IN ('*', '') OR t.part_no = s.part_no)
QUALIFY row_number() OVER (
    PARTITION BY s.slip_no, s.line_no
    ORDER BY (coalesce(t.part_no, '*') NOT IN ('*', ''))::INT * 4
           + (coalesce(t.category, '*') NOT IN ('*', ''))::INT * 2
           + (coalesce(t.customer, '*') NOT IN ('*', ''))::INT DESC,
             t.valid_from DESC) = 1;
CREATE TEMP TABLE billed AS
SELECT slip_no, upper(replace(replace(part_no, ' ', ''), '-', '')) AS part,
       sum(qty) AS qty, sum(amount) AS amount
FROM invoices GROUP BY ALL;
SELECT code, count(*) AS n FROM (
    SELECT CASE
        WHEN b.slip_no IS NULL THEN 'SHIPPED_NOT_INVOICED'
        WHEN p.slip_no IS NULL AND b.slip_no IN (SELECT slip_no FROM slips) THEN 'PART_MISMATCH'
        WHEN p.slip_no IS NULL THEN 'INVOICED_NOT_SHIPPED'
        WHEN b.qty > p.qty THEN 'QTY_OVER'
        WHEN p.no_terms THEN 'NO_DISCOUNT_TERMS'
        WHEN b.amount > p.agreed * b.qty THEN 'PRICE_OVER'
        WHEN b.amount < p.agreed * b.qty THEN 'PRICE_UNDER'
        END AS code
    FROM (SELECT slip_no, part, sum(qty) AS qty, min(agreed) AS agreed, bool_or(no_terms) AS no_terms
          FROM priced GROUP BY ALL) p
    FULL OUTER JOIN billed b ON p.slip_no = b.slip_no AND p.part = b.part
) WHERE code IS NOT NULL GROUP BY code ORDER BY code;
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=1)
    a = ap.parse_args()
    d = os.path.abspath(a.dir).replace("'", "''")
    statements = [s for s in QUERY.format(d=d).split(";\n") if s.strip()]
    total = 0.0
    counts = []
    for _ in range(a.iterations):
        con = duckdb.connect(":memory:")
        con.execute(f"SET threads = {a.threads}")
        start = time.perf_counter()
        for s in statements[:-1]:
            con.execute(s)
        counts = con.execute(statements[-1]).fetchall()
        total += time.perf_counter() - start
        con.close()
    for code, n in counts:
        print(f"{code} {n}")
    print(f"seconds {total:.6f}")


if __name__ == "__main__":
    main()
