"""The import page in a browser, as an editor (sign-in faked at the edge, tests only): upload, review beside
the report text, publish, and the new förbund on the profile page; desktop and 390 px phone screenshots."""

from __future__ import annotations

import os

import pytest

from tests.conftest import FIXTURES, ROOT, served
from tests.test_browser import DESKTOP, PHONE, SHOTS, click_when_still, context_for

pytestmark = pytest.mark.browser
EDITOR = "redaktor@example.se"
# Sign-in configured (its provider never reached: the sign-in itself is faked by tests/fake_editor).
AUTH_SECRETS = f"""
[auth]
redirect_uri = "http://127.0.0.1/oauth2callback"
cookie_secret = "{"x" * 32}"
client_id = "test"
client_secret = "test"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
"""
SECRETS = (
    AUTH_SECRETS
    + f"""
[editors]
emails = ["{EDITOR}"]
"""
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("editor")
    secrets = folder / "secrets.toml"
    secrets.write_text(SECRETS, encoding="utf-8")
    env = {
        "PYTHONPATH": os.pathsep.join([str(ROOT / "tests" / "fake_editor"), os.environ.get("PYTHONPATH", "")]),
        "FINSAM_TEST_EDITOR": EDITOR,
        "FINSAM_STORE_URL": f"sqlite:///{folder / 'publicerat.sqlite'}",
    }
    yield from served(options=("--secrets.files", str(secrets)), env=env)


def settle(page, timeout: float = 60_000) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
    page.wait_for_timeout(700)


def open_import(browser, server, viewport):
    context = context_for(browser, viewport)
    page = context.new_page()
    page.goto(f"{server}/importera")
    page.get_by_role("heading", name="Importera rapport").wait_for(timeout=60_000)
    settle(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(FIXTURES / "nordana-ar-2024.txt"))
    page.get_by_text("30 föreslagna uppgifter ur 43 rader.").wait_for(timeout=60_000)
    settle(page)
    return page


def test_an_editor_reviews_beside_the_report_and_publishes(browser, server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = open_import(browser, server, DESKTOP)
    assert page.get_by_label("Fullständigt namn").input_value() == "Samordningsförbundet Nordanå"
    excerpt = page.locator("[data-testid='stHtml']").filter(has_text="Under 2024").first  # the report's text
    assert "Under 2024 deltog 212 personer" in excerpt.inner_text()
    page.screenshot(path=str(SHOTS / "import-register-desktop.png"))
    page.get_by_text("Granska (30 förslag)").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / "import-review-desktop.png"))
    assert page.locator("[data-testid='stException']").count() == 0
    click_when_still(page, page.get_by_role("button", name="Publicera 28 uppgifter och registrera förbundet"))
    page.get_by_text("är publicerad med 28 uppgifter").wait_for(timeout=60_000)
    settle(page)
    page.get_by_text("Publicerade dokument").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "import-published-desktop.png"))
    # A visitor's view of the new förbund, at once.
    visitor = browser.new_context(viewport=DESKTOP, locale="sv-SE").new_page()
    visitor.goto(f"{server}/profil?forbund=nordana")
    visitor.get_by_role("heading", name="Samordningsförbundet Nordanå").wait_for(timeout=60_000)
    visitor.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)
    settle(visitor)
    visitor.screenshot(path=str(SHOTS / "profile-published-desktop.png"))
    assert visitor.locator("[data-testid='stException']").count() == 0


def test_the_import_page_on_a_phone(browser, server):
    page = open_import(browser, server, PHONE)
    page.screenshot(path=str(SHOTS / "import-phone.png"))
    page.get_by_text("Visa i rapporten").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / "import-review-phone.png"))
    assert page.locator("[data-testid='stException']").count() == 0
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1  # nothing wider than the phone: the excerpt wraps its lines
