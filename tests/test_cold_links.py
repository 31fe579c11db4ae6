"""Shared links on a freshly started server: every visitor, first or tenth, gets the router and the view in the link.

Streamlit decides per process whether an app uses the old pages-folder mode; on a cold server several
sessions that start together used to run in that mode (a menu of the raw files in pages/, the link's
selection lost). Each run of this test starts a new server, opens twelve different links at once over
Streamlit's own WebSocket protocol (as browsers do, without drawing), and checks what each session was
finally sent: our menu, the link's page and the link's selection.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass, field

import pytest

from tests.conftest import ROOT
from tests.localserver import ServerDidNotStart, serve

sys.path.insert(0, str(ROOT / "scripts"))
import load_test  # the load script's protocol client, from scripts/ (put on the path above)

MENU = [
    "Översikt",
    "Eget kapital",
    "Kostnadsfördelning",
    "Deltagare och resultat",
    "Helårsekvivalenter",
    "Sverigekarta",
    "Förbundsprofil",
    "Täckning",
    "Källor och datakvalitet",
]
FORBUND = ["sodra-lappland", "solleftea", "jamtland", "sydnarke"]
# (page url path, query, the page's title, the förbund the link selects)
LINKS = [
    ("eget_kapital", "forbund=sydnarke", "Eget kapital mot taket", ["sydnarke"]),
    ("eget_kapital", "forbund=jamtland&forbund=solleftea", "Eget kapital mot taket", ["jamtland", "solleftea"]),
    ("kostnader", "forbund=solleftea", "Kostnadsfördelning", ["solleftea"]),
    ("kostnader", "forbund=sodra-lappland&vy=kronor", "Kostnadsfördelning", ["sodra-lappland"]),
    ("deltagare", "forbund=jamtland", "Deltagare och resultat", ["jamtland"]),
    ("hae", "forbund=sodra-lappland", "Helårsekvivalenter", ["sodra-lappland"]),
    ("profil", "forbund=sydnarke", "Samordningsförbundet Sydnärke", ["sydnarke"]),
    ("kallor", "forbund=solleftea&forbund=sydnarke", "Källor och datakvalitet", ["solleftea", "sydnarke"]),
    ("", "forbund=jamtland", "Samordningsförbund i jämförelse", ["jamtland"]),
    ("", "forbund=sydnarke&forbund=sodra-lappland", "Samordningsförbund i jämförelse", ["sodra-lappland", "sydnarke"]),
    ("eget_kapital", "forbund=solleftea&vy=kronor", "Eget kapital mot taket", ["solleftea"]),
    ("deltagare", "forbund=sydnarke&forbund=jamtland", "Deltagare och resultat", ["jamtland", "sydnarke"]),
]


@dataclass
class Seen:
    menu: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    forbund: list[str] | None = None
    problems: list[str] = field(default_factory=list)


async def first_view(port: int, url_path: str, query: str, give_up_s: float = 90) -> Seen:
    """What one visitor's first request is finally sent (the runs it needed, the last one counting)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    seen = Seen()
    async with load_test.stream(port, give_up_s) as ws:
        await ws.send(load_test.rerun(url_path, query))
        async with asyncio.timeout(give_up_s):
            while True:
                fm = ForwardMsg()
                fm.ParseFromString(await ws.recv())
                kind = fm.WhichOneof("type")
                if kind == "new_session":
                    seen.headings, seen.forbund = [], None  # a new run: what it sends replaces the last
                elif kind == "navigation":
                    seen.menu = [p.page_name for p in fm.navigation.app_pages]
                elif kind == "page_not_found":
                    seen.problems.append("sidan hittades inte")
                elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                    el = fm.delta.new_element
                    which = el.WhichOneof("type")
                    if which == "heading":
                        seen.headings.append(el.heading.body)
                    elif which == "multiselect" and el.multiselect.label == "Förbund":
                        opts = list(el.multiselect.options)
                        chosen = list(el.multiselect.raw_values) if el.multiselect.set_value else None
                        if chosen is None:
                            chosen = [opts[i] for i in el.multiselect.default]
                        seen.forbund = chosen
                    elif which == "exception":
                        seen.problems.append("undantag")
                elif kind == "script_finished" and fm.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    return seen


def _names_to_slugs(names: list[str]) -> list[str]:
    by_name = {
        "Södra Lappland": "sodra-lappland",
        "Sollefteå": "solleftea",
        "Jämtland": "jamtland",
        "Sydnärke": "sydnarke",
    }
    return sorted(by_name.get(n, n) for n in names)


async def _all_at_once(port: int) -> list[tuple[tuple, Seen]]:
    seen = await asyncio.gather(*(first_view(port, path, query) for path, query, *_ in LINKS))
    return list(zip(LINKS, seen, strict=True))


@pytest.mark.parametrize("attempt", [1, 2, 3])
def test_twelve_different_links_at_once_on_a_fresh_server(attempt):
    try:
        with serve() as srv:
            results = asyncio.run(_all_at_once(srv.port))
    except ServerDidNotStart as exc:
        pytest.fail(str(exc))
    wrong = []
    for (path, query, heading, forbund), seen in results:
        problems = list(seen.problems)
        if seen.menu != MENU:
            problems.append(f"menyn var {seen.menu}")
        if heading not in seen.headings:
            problems.append(f"rubrikerna var {seen.headings}")
        if seen.forbund is None or _names_to_slugs(seen.forbund) != sorted(forbund):
            problems.append(f"förbunden var {seen.forbund}")
        if problems:
            wrong.append(f"/{path}?{query}: {'; '.join(problems)}")
    assert wrong == [], f"försök {attempt}: " + " | ".join(wrong)


@pytest.mark.browser
@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_cold_start_never_shows_the_raw_file_list(tmp_path, phone):
    """Streamlit's pages-folder mode runs the first request of a process; its own menu would list the files in
    pages/ (the editors' import page among them) until the router's menu came (1–6 s measured). That list is
    hidden now (client.showSidebarNavigation = false); the router's menu is drawn by app.py on a desktop and
    by Streamlit in the sidebar on a phone (its "top" menu, which closes the sidebar after a tap)."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import served
    from tests.localserver import CHROMIUM, CHROMIUM_ARGS

    for url in served():
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            from tests.test_browser import DESKTOP, PHONE, context_for

            page = context_for(browser, PHONE if phone else DESKTOP).new_page()
            page.goto(f"{url}/kostnader?forbund=sydnarke")
            seen: set[tuple[str, ...]] = set()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                seen.add(
                    tuple(t.split("\n")[-1] for t in page.locator("[data-testid='stSidebar'] a").all_inner_texts())
                )
                page.wait_for_timeout(50)
            browser.close()
    menus = {m for m in seen if m}
    assert menus == {tuple(MENU)}, menus
