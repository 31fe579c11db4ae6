"""HÅE tables: a heading naming the age band and period, then one row per kommun and Riket with nine numbers.

The six benefit categories must sum to the total (rounded counts) and the total divided by the
population must give the printed share: that constraint splits runs like "169 879 206 659 …".
"""

from __future__ import annotations

import re

from lib.ingest.reading import Line
from lib.ingest.runs import split_run, trailing_run, years_in
from lib.registry import HAE_CATEGORIES

_HEAD = re.compile(r"helårsekvivalenter i åldrarna (20–6[45]|20-6[45]) år", re.I)


def _check(v: list[float]) -> bool:
    """Six categories sum to the total (rounded counts), and total ÷ population is the share."""
    return abs(sum(v[:6]) - v[6]) <= 6 and v[7] > 0 and abs(100 * v[6] / v[7] - v[8]) <= 0.15


def read(lines: list[Line], doc_year: int | None) -> list[dict]:
    out = []
    for h in range(len(lines)):
        m = _HEAD.search(lines[h].text)
        if not m:
            continue
        band = m.group(1).replace("-", "–")
        context = " ".join(lines[k].text for k in range(h, min(h + 3, len(lines))))
        half = re.search(r"halvår (\d{4})", context, re.I)
        year = int(half.group(1)) if half else (years_in(context) or [doc_year])[0]
        if year is None:
            continue
        period = "halvår 1" if half else "helår"
        for i in range(h + 1, min(h + 60, len(lines))):
            if _HEAD.search(lines[i].text):
                break
            label, toks = trailing_run(lines[i].text)
            if not label or not toks or len(label.split()) > 2:
                continue
            nums = split_run(toks, 9, _check)
            if not nums:
                continue
            metrics = [*HAE_CATEGORIES, "hae_totalt", "folkmangd", "hae_andel"]
            for metric, n in zip(metrics, nums, strict=True):
                unit = "%" if metric == "hae_andel" else "personer" if metric == "folkmangd" else "HÅE"
                out.append(
                    {
                        "line": lines[i],
                        "metric": metric,
                        "year": year,
                        "printed": n.printed,
                        "unit": unit,
                        "label": label,
                        "kommun": label,
                        "age_band": band,
                        "period": period,
                        "rule": f"HÅE-tabell {band} år, {period} {year}, raden «{label}»",
                    }
                )
    return out
