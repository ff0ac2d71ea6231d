"""Streamlit entry point: page config, shared session state and its link, navigation."""

import streamlit as st

from ui import state, workshop

st.set_page_config(
    page_title="Which ops team? · revenue-org simulator",
    page_icon=":material/groups:",
    layout="wide",
    initial_sidebar_state="auto",
)
state.init()
state.sync_url()
workshop.url_notice()
page = st.navigation(
    [
        st.Page(
            "ui/pages/which_team.py", title="Which team?", icon=":material/groups:", default=True
        ),
        st.Page(
            "ui/pages/explore.py",
            title="What would change the answer?",
            icon=":material/alt_route:",
        ),
        st.Page("ui/pages/assumptions.py", title="Assumptions", icon=":material/tune:"),
        st.Page("ui/pages/variants.py", title="Variants", icon=":material/compare:"),
        st.Page("ui/pages/calibrate.py", title="Calibrate", icon=":material/query_stats:"),
        st.Page("ui/pages/model.py", title="Model", icon=":material/account_tree:"),
        st.Page("ui/pages/status.py", title="Status", icon=":material/monitor_heart:"),
    ]
)
if page.url_path != "assumptions":
    workshop.unsaved_mark()  # that page draws its own, after reading its widgets
page.run()
state.sync_url()
