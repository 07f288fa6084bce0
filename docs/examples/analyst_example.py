"""The gapsight analyst API, end to end, on the demo organisation's data.

Run it from the project root (a test runs it too, so it stays correct)::

    .venv/bin/python docs/examples/analyst_example.py

Your own data is a wide table with one column per item code (``e01`` … ``e22``,
``p01`` … ``p22``, ``w_tangibles`` …, ``cvs_satisfaction`` …, ``grade_service`` …)::

    df = pd.read_csv("wave.csv")                  # or read_excel, pyreadstat …
    gapsight.servqual(df, "servqual22", dont_know_code=8)

Here the demo organisation *Veldhuis Facilitair* (``docs/demo.md``) provides the
DataFrames, so the script runs without any file.
"""

from __future__ import annotations

import pandas as pd

import gapsight
from gapsight.services.demo_data import generate

pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 12)

# -- the data: one customer wave, one mirror wave -------------------------------------
demo = generate()
customer_wave = demo.wave("klant-2025")
df = customer_wave.table.matrix.to_frame()  # item columns, then segment and business_unit
instrument = customer_wave.instrument  # SERVQUAL-22 + CVS + KTO, as the demo fielded it
print(f"{len(df)} respondents, {df.shape[1]} columns, instrument {instrument.ref}")

# -- SERVQUAL: gaps per item with paired t-tests (Holm-adjusted), dimensions, overall --
sq = gapsight.servqual(df, instrument)
items = sq.to_frame()[["dimension", "expectation", "perception", "gap", "p_adjusted", "d_z"]]
print("\nLargest shortfalls:\n", items.sort_values("gap").head(5).round(2))
print("\nDimensions (mean of item means):\n", sq.by_item_means.to_frame().round(2))
print("\nDimensions (respondent level, with tests):\n", sq.by_respondent.to_frame().round(3))
if sq.weighted is not None:
    print(f"\nWeighted SERVQUAL: {sq.weighted.gap:.2f} (n = {sq.weighted.n})")
worst = min(sq.dimensions, key=lambda d: d.gap if isinstance(d.gap, float) else 0.0)
print(f"Largest dimension gap: {worst.dimension} ({worst.gap:.2f})")

# the same with item means rounded to 2 decimals, as hand-computed thesis tables do
rounded = gapsight.servqual(df, instrument, round_item_means=True, adjust="bh")
print(f"Overall gap, rounded item means: {rounded.overall.gap:.4f}")

# -- reliability: alpha for E and P per dimension and in full (listwise, as SPSS) ------
rel = gapsight.reliability(df, instrument)
print("\nReliability:\n", rel.to_frame()[["k", "n", "alpha", "ci_low", "ci_high"]].round(3))
for warning in rel.warnings[:3]:
    print("  warning:", warning)

# -- CVS, NPS and report grades --------------------------------------------------------
cvs = gapsight.cvs(df, instrument)
nps = gapsight.nps(df, instrument)
print(f"\nCVS {cvs.mean:.2f} [{cvs.score.ci_low:.2f}, {cvs.score.ci_high:.2f}], n = {cvs.n}")
print(
    f"NPS {nps.score:+.0f} [{nps.ci_low:+.0f}, {nps.ci_high:+.0f}] "
    f"(worst-case margin ±{nps.margin_worst_case:.0f} points), n = {nps.n}"
)
grades = gapsight.grades(df, instrument).to_frame()
print(grades[["code", "n", "mean", "ci_low", "ci_high", "share_ge_7"]].round(2))

# -- breakdown by segment, with the minimum group size and complementary suppression ---
seg = gapsight.breakdown(df, "segment", instrument, min_group_size=10)
print("\nCVS by segment (groups under 10 answers are suppressed):")
for cell in seg["cvs"].cells:
    shown = "suppressed" if cell.estimate is None else f"{cell.estimate.mean:.2f}"
    print(f"  {cell.group!s:<24} n = {cell.n!s:>4}  CVS {shown}")

# -- key drivers of the overall grade: Pearson r and Shapley/LMG -------------------------
drivers = gapsight.drivers(df, instrument)
print(f"\nKey drivers of {drivers.outcome} (R² = {drivers.r_squared:.2f}):")
print(drivers.to_frame()[["driver", "r", "lmg_share", "rank"]].round(2))

# -- mirror: staff answering as they expect customers to (gap 6) -----------------------
mirror_wave = demo.wave("spiegel-2025")
staff = mirror_wave.table.matrix.to_frame()
mirror = gapsight.mirror_gaps(df, staff, instrument)
print("\nMirror gaps by dimension (staff − customers):")
print(mirror.dimensions_frame()[["dimension", "gap", "p_adjusted", "flagged"]].round(2))

# -- everything at once, and the JSON document of `gapsight analyze --format json` -----
analysis = gapsight.analyze(df, instrument, by=["segment"])
document = analysis.to_document(source="klant-2025")
print(
    f"\nanalyze(): n = {document['n']}, {len(document['servqual']['items'])} SERVQUAL items, "
    f"{len(document['reliability'])} reliability scales, "
    f"{len(document['drivers'])} driver analyses, not computed: {sorted(document['reasons'])}"
)
