"""Roles through the pages, in a browser: anonymous, signed in without a role, the editor of one förbund and an
admin, on one server (the sign-in faked per session by a cookie, tests only; the roles read from secrets and the
store as in production). The editor of Nordanå publishes Nordanå's first report end to end and is offered no other
förbund; the admin sees the register; screenshots of the map and the coverage table, desktop and phone."""

from __future__ import annotations

import os

import pytest

from lib.editors import Editor
from lib.register.entries import entry_from, read_csv
from lib.store import Store
from tests.conftest import FIXTURES, ROOT, served
from tests.test_browser import DESKTOP, PHONE, SHOTS, click_when_still, context_for
from tests.test_browser_import import AUTH_SECRETS

pytestmark = pytest.mark.browser
ADMIN = "admin@example.se"
EDITOR_A = "a@example.se"
NOBODY = "c@example.se"
STORE_URL: list[str] = []  # the module server's store, read back by the tests
SECRETS = (
    AUTH_SECRETS
    + f"""
[editors]
emails = ["{ADMIN}"]

[editors.forbund]
nordana = ["{EDITOR_A}"]
"""
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("roles")
    (folder / "secrets.toml").write_text(SECRETS, encoding="utf-8")
    url = f"sqlite:///{folder / 'publicerat.sqlite'}"
    STORE_URL.append(url)
    store = Store.open(url)  # the register as an admin loaded it: the curated four, Göteborg's merger, Nordanå
    rows, _ = read_csv((FIXTURES / "register" / "urval.csv").read_text(encoding="utf-8"))
    nordana = {"forbund": "nordana", "name": "Samordningsförbundet Nordanå", "short_name": "Nordanå"}
    rows.append((99, entry_from({**nordana, "kommuner": "2260", "lan": "Västernorrlands län", "source": "test"})))
    store.load_register(Editor.admin(ADMIN, via="test"), rows, "testlista")
    store.engine.dispose()
    env = {
        "PYTHONPATH": os.pathsep.join([str(ROOT / "tests" / "fake_editor"), os.environ.get("PYTHONPATH", "")]),
        "FINSAM_TEST_EDITOR": "cookie",
        "FINSAM_STORE_URL": url,
    }
    yield from served(options=("--secrets.files", str(folder / "secrets.toml")), env=env)


def settle(page, timeout: float = 60_000) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
    page.wait_for_timeout(700)


def as_user(browser, server, email: str | None, viewport=DESKTOP):
    context = context_for(browser, viewport)
    if email:
        context.add_cookies([{"name": "finsam_test_editor", "value": email, "url": server}])
    return context.new_page()


def in_menu(page, name: str) -> bool:
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_role("link", name="Översikt").wait_for(timeout=60_000)
    return sidebar.get_by_role("link", name=name).count() == 1


def test_the_menu_and_the_editor_pages_follow_the_role(browser, server):
    seen = {}
    for who in (None, NOBODY, EDITOR_A, ADMIN):
        page = as_user(browser, server, who)
        page.goto(server)
        settle(page)
        seen[who] = (in_menu(page, "Importera rapport"), in_menu(page, "Förbundsregister"))
        page.goto(f"{server}/register")
        settle(page)
        if who == ADMIN:
            page.get_by_role("heading", name="Förbundsregister").wait_for(timeout=60_000)
        else:
            assert page.get_by_role("heading", name="Förbundsregister").count() == 0
        page.context.close()
    assert seen == {None: (False, False), NOBODY: (False, False), EDITOR_A: (True, False), ADMIN: (True, True)}


def test_an_editor_of_one_forbund_publishes_only_that_forbund(browser, server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = as_user(browser, server, EDITOR_A)
    page.goto(f"{server}/importera")
    page.get_by_role("heading", name="Importera rapport").wait_for(timeout=60_000)
    settle(page)
    assert page.get_by_text("Du är redaktör för Nordanå").count() == 1
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(FIXTURES / "nordana-ar-2024.txt"))
    page.get_by_text("30 föreslagna uppgifter ur 43 rader.").wait_for(timeout=60_000)
    settle(page)
    choice = page.get_by_test_id("stMainBlockContainer").get_by_label("Förbund", exact=True)
    choice.click()
    options = page.locator("[role='option']").all_inner_texts()
    page.keyboard.press("Escape")
    assert options == ["Nordanå (första rapporten)"]  # no other förbund, no "new förbund"
    assert page.get_by_label("Fullständigt namn").input_value() == "Samordningsförbundet Nordanå"
    page.screenshot(path=str(SHOTS / "roles-editor-import-desktop.png"))
    click_when_still(page, page.get_by_role("button", name="Publicera 28 uppgifter och registrera förbundet"))
    page.get_by_text("är publicerad med 28 uppgifter").wait_for(timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
    page.context.close()
    # The publication records the editor and their role; the register's förbund now has its report facts.
    store = Store.open(STORE_URL[0])
    version = next(v for v in store.versions() if v["document"] == "nordana-ar-2024")
    assert (version["published_by"], version["published_role"]) == (EDITOR_A, "förbundsredaktör")
    assert store.registered()["nordana"]["registered_by"] == EDITOR_A
    assert store.refusals() == []
    store.engine.dispose()
    # Everyone sees it, on the profile page.
    visitor = as_user(browser, server, None)
    visitor.goto(f"{server}/profil?forbund=nordana")
    visitor.get_by_role("heading", name="Samordningsförbundet Nordanå").wait_for(timeout=60_000)
    assert visitor.locator("[data-testid='stException']").count() == 0
    visitor.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_coverage_table_and_the_map_as_people_see_them(browser, server, viewport):
    name = "desktop" if viewport == DESKTOP else "phone"
    page = as_user(browser, server, None, viewport)
    page.goto(f"{server}/tackning")
    page.get_by_role("heading", name="Täckning").wait_for(timeout=60_000)
    settle(page)
    assert page.get_by_text("kända förbund har en årsredovisning för").count() == 1
    page.screenshot(path=str(SHOTS / f"coverage-{name}.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    page.goto(f"{server}/karta?ar=2023")
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)
    settle(page)
    legend = " ".join(page.locator(".legendtext").evaluate_all("ts => ts.map(t => t.textContent)"))
    assert "Kommun utan samordningsförbund i registret" in legend
    assert "Förbundet saknar publicerad årsredovisning" in legend
    page.screenshot(path=str(SHOTS / f"map-coverage-{name}.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0


def test_an_admin_loads_a_list_on_the_register_page(browser, server, tmp_path):
    page = as_user(browser, server, ADMIN)
    page.goto(f"{server}/register")
    page.get_by_role("heading", name="Förbundsregister").wait_for(timeout=60_000)
    settle(page)
    upload = page.locator("[data-testid='stFileUploaderDropzoneInput']")
    upload.set_input_files(str(FIXTURES / "register" / "fel.csv"))
    page.get_by_text("8 fel; inget kan läsas in förrän de är rättade").wait_for(timeout=60_000)
    assert page.get_by_text("rad 3 (okand-kod): okänd kommunkod 9999").count() == 1
    page.screenshot(path=str(SHOTS / "register-errors-desktop.png"), full_page=True)
    good = tmp_path / "halland.csv"
    lines = (FIXTURES / "register" / "fel.csv").read_text(encoding="utf-8").splitlines()
    good.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")  # the header and the one good row
    upload.set_input_files(str(good))
    page.get_by_text("Listan är kontrollerad: 1 nya, 0 ändrade, 0 oförändrade.").wait_for(timeout=60_000)
    click_when_still(page, page.get_by_role("button", name="Läs in i registret"))
    page.get_by_text("Inläst i registret: 1 nya, 0 ändrade, 0 oförändrade.").wait_for(timeout=60_000)
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(SHOTS / "register-desktop.png"), full_page=True)
    store = Store.open(STORE_URL[0])
    assert "ok-forbund" in store.register()
    assert store.register_versions("ok-forbund")[0]["changed_by"] == ADMIN
    store.engine.dispose()
    page.context.close()
