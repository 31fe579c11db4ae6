"""Översikt: placeholder until the dashboard pages land."""

import streamlit as st

from lib.data import load_dataset


@st.cache_data(show_spinner=False)
def _figures():
    return load_dataset().figures


st.title("Finsam-jämförelsen")
st.write(f"{_figures().height} figurer från fem rapporter.")
