"""No lost update in a browser (issue 21), on SQLite and on PostgreSQL: two tabs have the published document
open with a new file each; one replaces it, the other's stale "Ersätt" is refused and the correction stays."""

from __future__ import annotations

import os

import pytest

from tests.conftest import FIXTURES, ROOT, empty_store, served
from tests.test_browser import DESKTOP, SHOTS, click_when_still, context_for
from tests.test_browser_import import EDITOR, SECRETS, settle

pytestmark = pytest.mark.browser
REPORT = (FIXTURES / "nordana-ar-2024.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"stale-{request.param}")
    (folder / "secrets.toml").write_text(SECRETS, encoding="utf-8")
    with empty_store(request.param, folder) as url:
        env = {
            "PYTHONPATH": os.pathsep.join([str(ROOT / "tests" / "fake_editor"), os.environ.get("PYTHONPATH", "")]),
            "FINSAM_TEST_EDITOR": EDITOR,
            "FINSAM_STORE_URL": url,
        }
        yield from served(options=("--secrets.files", str(folder / "secrets.toml")), env=env)


def tab_with(browser, server, path):
    page = context_for(browser, DESKTOP).new_page()
    page.goto(f"{server}/importera")
    page.get_by_role("heading", name="Importera rapport").wait_for(timeout=60_000)
    settle(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.get_by_text("föreslagna uppgifter ur").wait_for(timeout=60_000)
    settle(page)
    return page


def give_reason(page, reason: str) -> None:
    field = page.get_by_label("Varför ersätts den?")
    field.fill(reason)
    field.press("Enter")
    settle(page)


def click_replace(page) -> None:
    click_when_still(page, page.get_by_role("button", name="Ersätt med version 2"))
    settle(page)


def test_a_stale_replace_is_refused_in_the_browser(browser, server, tmp_path, request):
    first = tab_with(browser, server, FIXTURES / "nordana-ar-2024.txt")
    click_when_still(first, first.get_by_role("button", name="Publicera 28 uppgifter och registrera förbundet"))
    first.get_by_text("är publicerad med 28 uppgifter").wait_for(timeout=60_000)
    corrected, stale = tmp_path / "rattad.txt", tmp_path / "gammal.txt"
    corrected.write_text(REPORT.replace("1 520 000 kr", "1 530 000 kr"), encoding="utf-8")
    stale.write_text(REPORT.replace("1 520 000 kr", "1 510 000 kr"), encoding="utf-8")
    mine, theirs = tab_with(browser, server, corrected), tab_with(browser, server, stale)
    # Both are ready to replace version 1; one clicks first, the other's page still shows "version 2".
    give_reason(theirs, "min version")
    give_reason(mine, "rättad av kansliet")
    click_replace(mine)
    mine.get_by_text("version 2 är publicerad").wait_for(timeout=60_000)
    click_replace(theirs)
    refused = theirs.get_by_text("har ändrats sedan du började granska")
    refused.wait_for(timeout=60_000)
    assert f"{EDITOR} ersatte det (version 2)" in refused.inner_text().replace("\u200b", "")
    assert theirs.locator("[data-testid='stException']").count() == 0
    refused.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    theirs.screenshot(path=str(SHOTS / f"import-stale-replace-{request.node.callspec.params['server']}.png"))
    # The colleague's correction is what is published; loading the new state shows it, and only then may this
    # editor replace it knowingly (as version 3).
    click_when_still(theirs, theirs.get_by_role("button", name="Läs in dokumentets nya läge"))
    settle(theirs)
    theirs.get_by_text("är redan publicerat (version 2, rattad.txt").wait_for(timeout=60_000)
    assert theirs.get_by_role("button", name="Ersätt med version 3").count() == 1
