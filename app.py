"""Streamlit entry point: page config, shared session state, navigation. Nothing else."""

import streamlit as st

from ui import state

st.set_page_config(
    page_title="Which ops team? · revenue-org simulator",
    page_icon=":material/groups:",
    layout="wide",
    initial_sidebar_state="expanded",
)
state.init()
st.navigation(
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
        st.Page("ui/pages/calibrate.py", title="Calibrate", icon=":material/query_stats:"),
        st.Page("ui/pages/model.py", title="Model", icon=":material/account_tree:"),
        st.Page("ui/pages/status.py", title="Status", icon=":material/monitor_heart:"),
    ]
).run()
