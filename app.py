"""Router of the dashboard: the explicit page list, the shared controls, and a clear message on bad data."""

from ui.boot import ensure_router, freeze_long_lived_heap

ensure_router()  # must run before anything else: see ui/boot.py

import streamlit as st

from lib.editors import ADMIN
from lib.format import escape_markdown
from lib.schema import DataValidationError
from ui import common

st.set_page_config(page_title="Finsam-jämförelsen", page_icon=":material/bar_chart:", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Översikt", icon=":material/table_chart:", default=True),
    # url paths equal the file names, so the first request's old-style page lookup finds them too
    st.Page("pages/eget_kapital.py", title="Eget kapital", icon=":material/account_balance:", url_path="eget_kapital"),
    st.Page("pages/kostnader.py", title="Kostnadsfördelning", icon=":material/pie_chart:", url_path="kostnader"),
    st.Page("pages/deltagare.py", title="Deltagare och resultat", icon=":material/groups:", url_path="deltagare"),
    st.Page("pages/hae.py", title="Helårsekvivalenter", icon=":material/family_restroom:", url_path="hae"),
    st.Page("pages/karta.py", title="Sverigekarta", icon=":material/map:", url_path="karta"),
    st.Page("pages/profil.py", title="Förbundsprofil", icon=":material/badge:", url_path="profil"),
    st.Page("pages/tackning.py", title="Täckning", icon=":material/grid_on:", url_path="tackning"),
    st.Page("pages/kallor.py", title="Källor och datakvalitet", icon=":material/fact_check:", url_path="kallor"),
]

IMPORT_PAGE = st.Page(
    "pages/importera.py", title="Importera rapport", icon=":material/upload_file:", url_path="importera"
)
REGISTER_PAGE = st.Page(
    "pages/register.py", title="Förbundsregister", icon=":material/app_registration:", url_path="register"
)
# Only signed-in editors get the import page, and only admins the register: for everyone else they are not part
# of the app at all (and each page, and every write, asks again).
# Headings wrap between words, never inside one ("Kostnadsfördelni|ng"), and are smaller on a phone.
st.html(
    "<style>h1,h2,h3{overflow-wrap:normal;word-break:normal;hyphens:manual}"
    "@media (max-width:640px){h1{font-size:1.7rem!important}h2{font-size:1.3rem!important}"
    "h3{font-size:1.1rem!important}}</style>"
)
decision = common.editor_decision() if common.auth_configured() else None
menu = PAGES + ([IMPORT_PAGE] if decision and decision.allowed else [])
menu += [REGISTER_PAGE] if decision and decision.role == ADMIN else []
# Streamlit's own sidebar menu is off (config: it would list the raw files in pages/ on a cold start). On a
# phone Streamlit draws a "top" menu in the sidebar, all pages listed, and closes the sidebar after a tap;
# on a larger screen the same menu is drawn here, in the sidebar (Streamlit's top bar folds pages away).
phone = common.on_phone()
page = st.navigation(menu, position="top" if phone else "hidden")
if not phone:
    with st.sidebar.container(key="meny"):
        for item in menu:
            st.page_link(item, label=item.title, icon=item.icon)
        st.divider()

try:
    common.dataset()
except DataValidationError as exc:
    st.error("Data kunde inte läsas in, så inga siffror visas. Felen nedan behöver rättas i data/.")
    st.code(str(exc), language=None)
    st.stop()
freeze_long_lived_heap()  # after the imports and the dataset: see ui/boot.py
common.start_scb_refresh()  # SCB's monthly HÅE, when missing or a month old: in the background, once at a time

common.check_url(page.url_path)
common.shared_controls()
with st.sidebar:
    if common.auth_configured():
        if getattr(st.user, "is_logged_in", False):
            if not decision.allowed:
                st.caption("Import och publicering: " + escape_markdown(decision.reason, 300))
            st.button("Logga ut", on_click=st.logout, key="logout", icon=":material/logout:")
        else:
            st.button("Logga in (redaktörer)", on_click=st.login, key="login", icon=":material/login:")
with st.sidebar, st.expander("Om data"):
    st.markdown(
        "Siffrorna är hämtade ur förbundens årsredovisningar och verksamhetsplan, rad för rad. "
        "Belopp anges i kronor. **Härledda** värden är uträknade ur andra uppgifter och märkta så. "
        "Där en rapport motsäger sig själv visas både rapportens uppgift och det delarna ger, markerat ⚠."
    )
st.session_state["_page"] = page.url_path
try:
    page.run()
finally:  # also when a page stops early (st.stop): the URL must show the view
    common.write_url(page.url_path)
