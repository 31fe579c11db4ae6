"""The Streamlit edge: helpers shared by the pages (caching, URL state, chart panels). lib/ stays UI-free."""
