"""Förbundsregister (admins only): the register of förbund, loading a list, changes, roles and refused attempts."""

from ui.boot import ensure_router

ensure_router()  # see ui/boot.py

import streamlit as st

from lib.editors import ADMIN
from ui import common, published, register_admin

common.dataset()
common.show_notices()
decision = common.editor_decision()
if decision.role != ADMIN:
    # Not in the menu for anyone else; this guards a page opened some other way (and every write asks again).
    st.error("Den här sidan är bara för administratörer.")
    st.stop()

st.title("Förbundsregister")
st.caption(
    "Registret över Sveriges samordningsförbund, oberoende av rapporterna: namn, organisationsnummer, "
    "medlemskommuner och från när till när förbundet finns. Kartan och täckningen följer registret för det år som "
    "visas. Varje ändring sparas som en ny version med vem och när."
)
register_admin.message()
try:
    entries = published.store().register()
except Exception as exc:  # the store down: said, never a traceback
    st.error(f"Databasen kan inte nås: {exc}")
    st.stop()
register_admin.register_table(entries)
register_admin.load_list()
register_admin.entry_form(entries)
register_admin.end_and_merge(entries)
register_admin.proposals_panel()
register_admin.roles_panel(entries, common.names())
register_admin.identities_panel()
register_admin.refusals_panel()
