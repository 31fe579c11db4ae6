"""Write a synthetic data folder with the real schema: N förbund × Y years × every metric. Never mixed into data/.

    python scripts/synthetic.py OUTDIR [--forbund 80] [--years 10]

The four contract förbund are included (the registry requires them); the rest are "syntet-NN".
Figures are random but internally consistent (results, equity, parts), so the checks find little.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.geo import kommuner  # noqa: E402
from lib.registry import FORBUND_SLUGS, HAE_CATEGORIES, METRICS  # noqa: E402
from lib.schema import SOURCE_COLUMNS  # noqa: E402


def _row(section: str, line: int, metric: str, year: int, printed: str, unit: str, **kw) -> dict:
    row = {c: "" for c in SOURCE_COLUMNS}
    row.update(
        section=section,
        line=str(line),
        label=METRICS[metric].label,
        metric=metric,
        year=str(year),
        basis="utfall",
        printed=printed,
        printed_unit=unit,
    )
    row.update({k: str(v) for k, v in kw.items()})
    return row


def _kr(n: float) -> str:
    return f"{round(n):,}".replace(",", " ").replace("-", "-")


def generate(out: Path, n_forbund: int = 80, n_years: int = 10, seed: int = 1) -> Path:
    rng = random.Random(seed)
    data = out / "data"
    (data / "figures").mkdir(parents=True, exist_ok=True)
    slugs = list(FORBUND_SLUGS) + [f"syntet-{i:02d}" for i in range(n_forbund - len(FORBUND_SLUGS))]
    last = 2024
    docs, registry, members = [], [], []
    # Sweden's kommuner shared out in code order (neighbours together), so that the map shows 80 förbund.
    names = kommuner()["kommun"].to_list()
    per = len(names) // len(slugs)
    for n, slug in enumerate(slugs):
        for kommun in names[n * per : (n + 1) * per]:
            members.append(
                {
                    "forbund": slug,
                    "member": kommun,
                    "kind": "kommun",
                    "document": f"{slug}-ar-{last}",
                    "line": "1",
                    "label": kommun,
                }
            )
    for slug in slugs:
        doc = f"{slug}-ar-{last}"
        docs.append(
            {
                "document": doc,
                "forbund": slug,
                "type": "årsredovisning",
                "year": last,
                "title": f"Årsredovisning {last} {slug}",
                "adopted": "",
                "adopted_line": "",
                "source_file": f"{slug}.txt",
                "amounts_unit": "kr",
                "note": "syntetisk",
            }
        )
        registry.append(
            {
                "forbund": slug,
                "name": f"Samordningsförbundet {slug}",
                "short_name": slug.title(),
                "org_nr": "",
                "org_nr_document": "",
                "org_nr_line": "",
                "lan": "",
                "region": "",
                "ceiling_pct": "20",
                "ceiling_basis": "medlemsbidrag",
                "ceiling_document": doc,
                "ceiling_line": "1",
                "ceiling_label": "20 %",
                "income_is_medlemsbidrag_document": "",
                "income_is_medlemsbidrag_line": "",
            }
        )
        members.append(
            {
                "forbund": slug,
                "member": "Försäkringskassan",
                "kind": "stat",
                "document": doc,
                "line": "1",
                "label": "Försäkringskassan",
            }
        )
        rows, line = [], 1
        equity = rng.randint(500_000, 5_000_000)
        for year in range(last - n_years + 1, last + 1):
            mb = rng.randint(1_500_000, 20_000_000)
            costs = int(mb * rng.uniform(0.8, 1.3))
            fin_in, fin_out = rng.randint(0, 20_000), rng.randint(0, 5_000)
            result = mb - costs + fin_in - fin_out
            opening, equity = equity, equity + result
            cash = max(equity + rng.randint(100_000, 900_000), 0)
            rr = "2. Resultaträkning"
            for metric, value in (
                ("medlemsbidrag", mb),
                ("verksamhetens_intakter", mb),
                ("verksamhetens_kostnader", -costs),
                ("finansiella_intakter", fin_in),
                ("finansiella_kostnader", -fin_out),
                ("arets_resultat", result),
            ):
                rows.append(_row(rr, line, metric, year, _kr(value), "kr"))
                line += 1
            br = "3. Balansräkning"
            debts = cash - equity
            for metric, value in (
                ("summa_tillgangar", cash),
                ("likvida_medel", cash),
                ("eget_kapital_ingaende", opening),
                ("eget_kapital", equity),
                ("skulder", debts),
                ("summa_eget_kapital_och_skulder", cash),
            ):
                rows.append(_row(br, line, metric, year, _kr(value), "kr"))
                line += 1
            admin = int(costs * rng.uniform(0.1, 0.3))
            struct = int(costs * rng.uniform(0.05, 0.2))
            for cat, value in (
                ("kostnad_administration", admin),
                ("kostnad_individinriktat", costs - admin - struct),
                ("kostnad_strukturovergripande", struct),
            ):
                rows.append(_row("Kostnadsfördelning", line, cat, year, _kr(value), "kr"))
                line += 1
            women, men = rng.randint(20, 150), rng.randint(20, 150)
            finished = rng.randint(10, women + men)
            to_work = rng.randint(0, finished)
            for metric, value in (
                ("deltagare", women + men),
                ("deltagare_kvinnor", women),
                ("deltagare_man", men),
                ("avslutade_deltagare", finished),
            ):
                rows.append(_row("Deltagare", line, metric, year, str(value), "personer"))
                line += 1
            rows.append(
                _row(
                    "Deltagare",
                    line,
                    "avslutade_arbete_studier",
                    year,
                    str(to_work),
                    "personer",
                    definition="arbete/studier",
                )
            )
            line += 1
            for kommun in ("Kommun A", "Kommun B", "Riket"):
                cats = [rng.randint(10, 400) for _ in HAE_CATEGORIES]
                pop = rng.randint(2_000, 40_000)
                for metric, value in zip(
                    [*HAE_CATEGORIES, "hae_totalt", "folkmangd"], [*cats, sum(cats), pop], strict=True
                ):
                    rows.append(
                        _row(
                            "HÅE",
                            line,
                            metric,
                            year,
                            _kr(value),
                            "personer" if metric == "folkmangd" else "HÅE",
                            kommun=kommun,
                            age_band="20–64",
                        )
                    )
                    line += 1
        with (data / "figures" / f"{doc}.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(SOURCE_COLUMNS), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    for name, rows in (("documents.csv", docs), ("forbund.csv", registry), ("members.csv", members)):
        with (data / name).open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    (data / "cost_mappings.csv").write_text(
        "forbund,document,year,metric,section,item,category,reason,line\n", encoding="utf-8"
    )
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--forbund", type=int, default=80)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    data = generate(args.out, args.forbund, args.years)
    print(f"Syntetiska data i {data}")


if __name__ == "__main__":
    main()
