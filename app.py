"""Streamlit entry point: page config, the session's language, shared state, navigation."""

import streamlit as st

from ui import state
from ui.i18n import _, init_language, language_switch

init_language()
st.set_page_config(
    page_title=_("Which ops team? · revenue-org simulator"),
    page_icon=":material/groups:",
    layout="wide",
    initial_sidebar_state="expanded",
)
state.init()
language_switch()
st.navigation(
    [
        st.Page(
            "ui/pages/which_team.py",
            title=_("Which team?"),
            icon=":material/groups:",
            default=True,
        ),
        st.Page(
            "ui/pages/explore.py",
            title=_("What would change the answer?"),
            icon=":material/alt_route:",
        ),
        st.Page("ui/pages/assumptions.py", title=_("Assumptions"), icon=":material/tune:"),
        st.Page("ui/pages/calibrate.py", title=_("Calibrate"), icon=":material/query_stats:"),
        st.Page("ui/pages/model.py", title=_("Model"), icon=":material/account_tree:"),
        st.Page("ui/pages/status.py", title=_("Status"), icon=":material/monitor_heart:"),
    ]
).run()
