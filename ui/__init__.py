"""The browser app: pages, widgets, Altair chart builders and the words on screen.

Everything that imports streamlit lives here; `sim` never does. Chart builders
(`ui.charts`) and data shaping (`ui.data`) are pure functions, testable without a running
app. Pages live in `ui/pages/` and are registered by `app.py` with `st.navigation`.
"""
