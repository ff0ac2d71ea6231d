"""Streamlit entry point: page config and navigation only."""

import streamlit as st

st.set_page_config(page_title="Which ops team?", layout="wide")
st.title("Which ops team?")
st.write("The app is being built; run `python -m sim compare scenarios/default.yaml`.")
