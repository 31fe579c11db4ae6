"""A careful editor publishes whole reports in a browser, and what it took: `python scripts/editor_run.py`.

    python scripts/editor_run.py [REPORT.txt ...] [--shots DIR]

For each report (default: the two whole reports of tests/ingest_corpus, `helrapport_*.txt`) a scripted
editor in Debian's Chromium (Playwright) does what a careful person does on the import page of a server of
its own (127.0.0.1, an empty SQLite store, the sign-in faked as in the browser tests):

1. uploads the report and checks the registration the page suggests against the förbund's facts
   (REGISTRATION below), correcting any field that is wrong;
2. goes through the review grid with the key figures a careful reader takes from the report (the
   report's `.expected.csv`): a proposal that is one of them stays or is ticked, one that contradicts
   them is unticked; proposals of metrics those files do not cover are left as proposed and listed;
3. adds every key figure the proposal missed by line (the number picked among the line's numbers,
   the metric, year, unit, basis and insats/member where they differ from the form's);
4. publishes, and reads the store: a key figure published with its value and line is entered.

Printed per report: proposals, wrong proposals pre-ticked, the actions by kind, key figures entered of
all, and those that could not be. An action is one click, one choice or one field typed.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib import geo  # noqa: E402
from lib.ingest import register  # noqa: E402
from lib.ingest.propose import IN_SCOPE_METRICS, propose  # noqa: E402
from lib.ingest.reading import read_report  # noqa: E402
from lib.ingest.review import number_groups  # noqa: E402
from lib.numbers import UNIT_SCALE, parse_number  # noqa: E402
from lib.registry import METRICS  # noqa: E402
from lib.schema import SOURCE_COLUMNS  # noqa: E402
from lib.sources import compile_figure  # noqa: E402
from lib.store import Store  # noqa: E402

EDITOR = "redaktor@example.se"
# What the förbund's own documents say about it (the report's cover and förvaltningsberättelse).
REGISTRATION = {
    "helrapport_ovre_dalarna": {
        "name": "Samordningsförbundet Övre Dalarna",
        "lan": "Dalarnas län",
        "kommuner": {"Mora", "Orsa", "Älvdalen"},
        "org_nr": "222000-3053",
    },
    "helrapport_kustlandet": {
        "name": "Samordningsförbundet Kustlandet",
        "lan": "Hallands län",
        "kommuner": {"Falkenberg", "Varberg"},
        "org_nr": "222000-3111",
    },
}
ROW_HEIGHT = 35  # Streamlit's data grid: header and rows


@dataclass
class Tally:
    report: str
    proposals: int = 0
    wrong_preticked: int = 0
    unjudged: list[str] = field(default_factory=list)
    actions: Counter = field(default_factory=Counter)
    key: int = 0
    entered: int = 0
    not_entered: list[str] = field(default_factory=list)
    seconds: float = 0.0


def expected_figures(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    return [
        {**r, "value": float(r["value"]), "line": int(r["line"]), "basis": r.get("basis") or "utfall"} for r in rows
    ]


def value_kr(row: dict) -> float:
    """The figure's value in kronor (or persons) as the build computes it (a cost printed negative is a cost)."""
    return compile_figure("skript", "skript", {c: row.get(c, "") for c in SOURCE_COLUMNS})["value"]


def same(exp: dict, row: dict) -> bool:
    return (
        exp["metric"] == row["metric"]
        and str(exp["year"]) == str(row["year"])
        and exp["basis"] == row["basis"]
        and (exp.get("item") or "").lower() == (row.get("item") or "").lower()
        and int(row["line"]) == exp["line"]
        and abs(value_kr(row) - exp["value"]) < 1e-6
    )


def settle(page, timeout: float = 90_000) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
    page.wait_for_timeout(400)


def run_one(browser, url: str, report: Path, store: Store, shots: Path | None) -> Tally:
    from playwright.sync_api import expect

    stem = report.stem
    truth = REGISTRATION[stem]
    expected = expected_figures(report.with_suffix(".expected.csv"))
    tally = Tally(stem, key=len(expected))
    started = time.monotonic()
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE").new_page()
    act = tally.actions
    page.goto(f"{url}/importera")
    page.get_by_role("heading", name="Importera rapport").wait_for(timeout=90_000)
    settle(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(report))
    act["ladda upp"] += 1
    page.get_by_text("föreslagna uppgifter ur").wait_for(timeout=90_000)
    settle(page)

    # -- registration ------------------------------------------------------------------------------
    for label, value in (("Fullständigt namn", truth["name"]), ("Organisationsnummer", truth["org_nr"])):
        box = page.get_by_role("textbox", name=label, exact=True)
        if box.input_value() != value:
            box.fill(value)
            box.press("Enter")
            act[f"registrering: rätta {label.lower()}"] += 1
            settle(page)
    members_box = page.get_by_label("Medlemmar, en per rad: Namn (kommun, region eller stat)")
    members_text = members_box.input_value()
    pairs, _ = register.parse_members(members_text)
    found = {geo.lookup(n)[1] for n, k in pairs if k == "kommun" and geo.lookup(n)}
    if found != truth["kommuner"] or any(k == "kommun" and not geo.lookup(n) for n, k in pairs):
        kept = [f"{n} ({k})" for n, k in pairs if k != "kommun"]
        members_text = "\n".join([*kept, *(f"{n} (kommun)" for n in sorted(truth["kommuner"]))])
        members_box.fill(members_text)
        members_box.press("Tab")
        act["registrering: rätta medlemmarna"] += 1
        settle(page)
    if page.get_by_role("combobox", name="Län", exact=True).input_value() != truth["lan"]:
        _choose(page, "Län", truth["lan"])
        act["registrering: välj län"] += 1
    pairs, _ = register.parse_members(members_text)

    # -- review --------------------------------------------------------------------------------------
    lines = read_report(report)
    slug = register.suggest_slug(truth["name"], set())
    result = propose(lines, slug, 2024, f"{slug}-ar-2024", "årsredovisning", pairs)
    rows = result.rows
    tally.proposals = len(rows)
    expect(page.get_by_text(f"Granska ({len(rows)} förslag)")).to_be_visible(timeout=30_000)
    toggles: list[int] = []
    for i, r in enumerate(rows):
        ticked = not r.get("caution")
        judged = r["metric"] in IN_SCOPE_METRICS
        right = any(same(e, r) for e in expected)
        if not judged:
            what = f"{METRICS[r['metric']].label} {r['year']} {r['basis']}"
            tally.unjudged.append(f"{what} {r['printed']} (rad {r['line']})")
            continue
        if ticked and not right:
            tally.wrong_preticked += 1
            toggles.append(i)
        elif right and not ticked:
            toggles.append(i)
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    if toggles:
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 330, box["y"] + ROW_HEIGHT * 1.5)  # a cell of row 1 that is not a checkbox
        for _ in range(3):
            page.keyboard.press("ArrowLeft")  # to the Godkänn column
        at = 0
        for i in toggles:
            for _ in range(i - at):
                page.keyboard.press("ArrowDown")
            at = i
            page.keyboard.press(" ")
            act["granska: bocka i/ur"] += 1
            settle(page)
    saved = store.review(EDITOR, f"{slug}-ar-2024")
    decided = len((saved or {}).get("state", {}).get("decisions", {}))
    assert decided == len(toggles), f"{stem}: {len(toggles)} ändringar gjorda men {decided} sparade"

    # -- add what was missed -------------------------------------------------------------------------
    proposed_right = [e for e in expected if any(same(e, r) for r in rows)]
    missing = [e for e in expected if e not in proposed_right]
    if missing:
        page.get_by_text("Lägg till en uppgift som förslaget missade").click()
        act["lägg till: öppna formuläret"] += 1
        settle(page)
    form = {"unit": "kr", "basis": "utfall", "year": 2024, "metric": None}
    for e in missing:
        line = next(ln for ln in lines if ln.no == e["line"])
        unit = (
            "personer"
            if METRICS[e["metric"]].unit == "personer"
            else next((u for u in ("tkr", "kr") if _printed_for(e, line.text, u)), "kr")
        )
        printed = _printed_for(e, line.text, unit)
        if printed is None:
            tally.not_entered.append(f"{e['metric']} {e['year']} {e['basis']} {e.get('item') or ''} rad {e['line']}")
            continue
        field_ = page.get_by_role("spinbutton", name="Rad", exact=True)
        field_.fill(str(e["line"]))
        field_.press("Enter")
        act["lägg till: rad"] += 1
        settle(page)
        _choose(page, "Talet på raden", printed)
        act["lägg till: välj talet"] += 1
        if form["metric"] != e["metric"]:
            _choose(page, "Mått", METRICS[e["metric"]].label)
            form["metric"] = e["metric"]
            act["lägg till: mått, år, enhet, grund"] += 1
        if form["year"] != int(e["year"]):
            y = page.get_by_role("spinbutton", name="År", exact=True).last
            y.fill(str(e["year"]))
            y.press("Enter")
            form["year"] = int(e["year"])
            act["lägg till: mått, år, enhet, grund"] += 1
        if form["unit"] != unit:
            _choose(page, "Enhet", unit)
            form["unit"] = unit
            act["lägg till: mått, år, enhet, grund"] += 1
        if form["basis"] != e["basis"]:
            _choose(page, "Grund", e["basis"])
            form["basis"] = e["basis"]
            act["lägg till: mått, år, enhet, grund"] += 1
        if e.get("item"):
            item = page.get_by_role("textbox", name="Insats, medlem eller post (tom = förbundets total)")
            item.fill(e["item"])
            item.press("Enter")
            act["lägg till: insats/medlem"] += 1
            settle(page)
        page.get_by_role("button", name="Lägg till", exact=True).click()
        act["lägg till: klicka"] += 1
        settle(page)
        errors = page.locator("[data-testid='stAlertContentError']").all_inner_texts()
        if any("står inte" in t or "okänt" in t for t in errors):
            tally.not_entered.append(f"{e['metric']} {e['year']} {e['basis']} rad {e['line']}: {errors[-1][:80]}")

    # -- publish -------------------------------------------------------------------------------------
    button = page.get_by_role("button", name="Publicera", exact=False).filter(has_text="uppgifter").first
    button.scroll_into_view_if_needed()
    if shots:
        page.screenshot(path=str(shots / f"editor-{stem}-before-publish.png"), full_page=False)
    button.click()
    act["publicera"] += 1
    page.get_by_text("är publicerad med").wait_for(timeout=120_000)
    settle(page)
    if shots:
        page.screenshot(path=str(shots / f"editor-{stem}-published.png"))
    published = store.published().figures.get(f"{slug}-ar-2024", [])
    for e in expected:
        if any(same(e, {**r, "item": r.get("item") or ""}) for r in published):
            tally.entered += 1
        elif not any(e["metric"] in n and f"rad {e['line']}" in n for n in tally.not_entered):
            tally.not_entered.append(f"{e['metric']} {e['year']} {e['basis']} {e.get('item') or ''} rad {e['line']}")
    tally.seconds = time.monotonic() - started
    page.context.close()
    return tally


def _printed_for(e: dict, text: str, unit: str) -> str | None:
    """The number on the line that is this figure in ``unit`` (a cost may be printed negative)."""
    scale = 1 if unit == "personer" else UNIT_SCALE[unit]
    for g in number_groups(text):
        try:
            v = parse_number(g) * scale
        except ValueError:  # a group that is not a number of ours
            continue
        cost = e["metric"].endswith("kostnader") or e["metric"].startswith("kostnad")
        if abs(v - e["value"]) < 1e-6 or (cost and abs(abs(v) - abs(e["value"])) < 1e-6):
            return g
    return None


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label``, typing to filter as a person does in a long list."""
    box = page.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text(label, exact=True)).last
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).first.click()
    settle(page)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="*", type=Path)
    parser.add_argument("--shots", type=Path, help="mapp för skärmbilder")
    args = parser.parse_args(argv)
    tallies = run(args.reports or sorted((ROOT / "tests" / "ingest_corpus").glob("helrapport_*.txt")), args.shots)
    for t in tallies:
        print(f"\n{t.report}: {t.proposals} förslag, {t.wrong_preticked} felaktiga förbockade")
        print(f"  nyckeluppgifter publicerade: {t.entered} av {t.key}; kunde inte läggas in: {len(t.not_entered)}")
        for n in t.not_entered:
            print(f"    - {n}")
        print(f"  handgrepp: {sum(t.actions.values())} ({', '.join(f'{k} {v}' for k, v in t.actions.items())})")
        print(f"  förslag utanför nyckeluppgifterna (granskade för hand, lämnade som föreslagna): {len(t.unjudged)}")
        print(f"  tid för den skriptade redaktören: {t.seconds:.0f} s")
    bad = any(t.wrong_preticked or t.not_entered for t in tallies)
    return 1 if bad else 0


def run(reports: list[Path], shots: Path | None = None) -> list[Tally]:
    """The scripted editor on each report, on a server and store of its own; what each took."""
    from playwright.sync_api import sync_playwright

    from tests.localserver import CHROMIUM, CHROMIUM_ARGS, serve
    from tests.test_browser_import import SECRETS

    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    tallies = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "secrets.toml").write_text(SECRETS, encoding="utf-8")
        url = f"sqlite:///{folder / 'publicerat.sqlite'}"
        env = {"PYTHONPATH": str(ROOT / "tests" / "fake_editor"), "FINSAM_TEST_EDITOR": EDITOR, "FINSAM_STORE_URL": url}
        with serve(options=("--secrets.files", str(folder / "secrets.toml")), env=env, timeout=90) as srv:
            store = Store.open(url)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for report in reports:
                    tallies.append(run_one(browser, srv.url, report, store, shots))
                browser.close()
            store.engine.dispose()
    return tallies


if __name__ == "__main__":
    raise SystemExit(main())
