"""Streamlit entry point: page config, language, shared state and its link, navigation."""

import streamlit as st

from ui import state, workshop
from ui.guard import shown_errors
from ui.i18n import _, init_language, language_switch

init_language()
st.set_page_config(
    page_title=_("Which ops team? · revenue-org simulator"),
    page_icon=":material/groups:",
    layout="wide",
    initial_sidebar_state="auto",
)
state.init()
language_switch()
state.sync_url()
workshop.url_notice()
page = st.navigation(
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
        st.Page("ui/pages/when.py", title=_("When?"), icon=":material/event:"),
        st.Page("ui/pages/assumptions.py", title=_("Assumptions"), icon=":material/tune:"),
        st.Page("ui/pages/variants.py", title=_("Variants"), icon=":material/compare:"),
        st.Page("ui/pages/calibrate.py", title=_("Calibrate"), icon=":material/query_stats:"),
        st.Page("ui/pages/model.py", title=_("Model"), icon=":material/account_tree:"),
        st.Page("ui/pages/status.py", title=_("Status"), icon=":material/monitor_heart:"),
    ]
)
if page.url_path != "assumptions":
    workshop.unsaved_mark()  # that page draws its own, after reading its widgets
with shown_errors(getattr(page, "title", "") or _("This page")):
    page.run()
state.sync_url()
