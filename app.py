"""Router of the dashboard: the explicit list of pages (st.navigation does not scan pages/)."""

import streamlit as st

st.set_page_config(page_title="Finsam-jämförelsen", page_icon="📊", layout="wide")
page = st.navigation([st.Page("pages/overview.py", title="Översikt", default=True)])
page.run()
