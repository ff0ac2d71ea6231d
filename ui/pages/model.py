"""The Model page: how the simulation works, as a flow diagram and the model document.

The diagram is drawn from a DOT string; the text is `docs/MODEL.md` (the model documented to
the STRESS-DES checklist) when it exists, else a short summary.
"""

from __future__ import annotations

import re

import streamlit as st

from ui.charts import KNOWN_COLORS
from ui.state import ROOT

MODEL_DOC = ROOT / "docs" / "MODEL.md"

SUMMARY = """
**One replication of one setup** simulates the company's revenue engine day by day over the
horizon: leads arrive, wait for a first touch, qualify (less often the slower the response),
wait for a free deal slot of a rep (or go cold), run through the sales cycle and close won or
lost; customers pay monthly, expand and churn. Costs are the reps, SDRs, marketing, other
go-to-market cost and the ops teams.

**Each setup** (no ops team, SalesOps, RevOps, both) runs on **the same random futures**: the same
leads, deal sizes and draws. A team's effect on each lever is drawn once per future from its
triangular range and ramps up over its months to full effect. The difference between two
setups in one future is therefore due to the teams alone.

**The verdict** ranks setups by the mean objective over futures, gives the paired gain over no
ops team with its 90% confidence interval, the chance each setup is best, and says plainly when
the top two cannot be told apart.
"""


def flow_dot() -> str:
    """The model's flow as Graphviz DOT: stages top to bottom, each team's levers beside them."""
    so, ro = KNOWN_COLORS["salesops"], KNOWN_COLORS["revops"]
    return f"""
digraph model {{
  rankdir=TB; bgcolor="transparent"; nodesep=0.3; ranksep=0.32; newrank=true;
  node [shape=box, style="rounded,filled", fillcolor="#F4F6F9", color="#B8C0CC",
        fontname="Helvetica", fontsize=12, width=2.6, group=main];
  edge [color="#7A8594", fontname="Helvetica", fontsize=10];
  audience [label="Addressable audience\n(accounts not yet reached)", shape=cylinder,
            fillcolor="#E9EDF2"];
  inbound [label="Inbound MQLs\n(Poisson, drifting)"];
  handoff [label="Marketing → sales handoff"];
  touch [label="First touch\n(SDR queue)"];
  qualify [label="Qualification\n(falls with slow response)"];
  slots [label="Wait for a deal slot\n(reps × open deals)"];
  cycle [label="Sales cycle"];
  close [label="Close: won or lost"];
  customers [label="Customers: MRR, ARR"];
  money [label="Contribution\n= revenue × margin − costs", fillcolor="#E8F3EC"];
  outbound [label="Outbound leads\n(reps' selling time)", group=side, width=1.8];
  node [shape=plaintext, style="", fontcolor="#A33333", width=0, group=""];
  leaked [label="never followed up"]; cold [label="gone cold (patience)"]; churn [label="churn"];
  audience -> inbound -> handoff -> touch -> qualify -> slots -> cycle -> close -> customers
    -> money [weight=10];
  audience -> outbound [style=dashed]; outbound -> qualify;
  {{rank=same; handoff -> leaked [style=dotted, weight=0];}}
  {{rank=same; slots -> cold [style=dotted, weight=0];}}
  {{rank=same; customers -> churn [style=dotted, weight=0];}}
  customers:e -> customers:e [label=" expansion"];
  node [shape=note, style="filled", fontsize=10, fontcolor="#222222", width=1.9, group=""];
  r1 [label="RevOps: inbound rate,\naudience size", fillcolor="{ro}30", color="{ro}"];
  r2 [label="RevOps: handoff leakage", fillcolor="{ro}30", color="{ro}"];
  s1 [label="SalesOps: response time", fillcolor="{so}30", color="{so}"];
  r3 [label="RevOps: qualification rate", fillcolor="{ro}30", color="{ro}"];
  s2 [label="SalesOps: lead scoring,\nselling time", fillcolor="{so}30", color="{so}"];
  s3 [label="SalesOps (and RevOps):\ncycle length", fillcolor="{so}30", color="{so}"];
  s4 [label="SalesOps: win rate\nRevOps: price", fillcolor="{so}30", color="{so}"];
  r4 [label="RevOps: churn, expansion", fillcolor="{ro}30", color="{ro}"];
  edge [style=dashed, arrowhead=none, color="#AAB2BD", weight=0];
  {{rank=same; r1 -> inbound;}} {{rank=same; r2 -> handoff;}} {{rank=same; s1 -> touch;}}
  {{rank=same; r3 -> qualify;}} {{rank=same; s2 -> slots;}} {{rank=same; s3 -> cycle;}}
  {{rank=same; s4 -> close;}} {{rank=same; r4 -> customers;}}
}}
"""


def _escape_money(text: str) -> str:
    """Escape "$" before digits so amounts like $40K are not read as LaTeX."""
    return re.sub(r"(?<![\\$])\$(?=\d)", r"\\$", text)


def render() -> None:
    """Draw the page."""
    st.title("How the model works")
    st.caption(
        "The simulation behind every answer: what flows where, and which levers each team "
        "moves. Blue notes are SalesOps levers, orange notes RevOps levers."
    )
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.graphviz_chart(flow_dot(), width="content")
    with right:
        st.markdown(SUMMARY)
    with st.expander("Diagram source (Graphviz DOT)"):
        st.code(flow_dot(), language="dot")
    st.download_button(
        "Download the diagram (DOT)",
        data=flow_dot(),
        file_name="model_flow.dot",
        mime="text/vnd.graphviz",
        icon=":material/download:",
        on_click="ignore",
        key="dl_dot",
    )
    st.divider()
    if MODEL_DOC.exists():
        text = MODEL_DOC.read_text(encoding="utf-8")
        st.download_button(
            "Download MODEL.md",
            data=text,
            file_name="MODEL.md",
            mime="text/markdown",
            icon=":material/download:",
            on_click="ignore",
            key="dl_model_md",
        )
        st.markdown(_escape_money(text))
    else:
        st.info(
            "The full model document (`docs/MODEL.md`, written to the STRESS-DES checklist) is "
            "not available yet; the summary above says how the model works.",
            icon=":material/description:",
        )


render()
