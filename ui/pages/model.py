"""The Model page: how the simulation works, as a flow diagram and the model document.

The diagram is drawn from a DOT string; beside it an overview of the model in the session's
language (Japanese too); below, `docs/MODEL.md` (the model documented to the STRESS-DES
checklist, in English) when it exists.
"""

from __future__ import annotations

import re

import streamlit as st

from sim.text import N_, translator
from ui.charts import KNOWN_COLORS
from ui.i18n import _, lang
from ui.state import ROOT

MODEL_DOC = ROOT / "docs" / "MODEL.md"

SUMMARY = N_(
    """**One replication of one setup** simulates the company's revenue engine day by day over the
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
the top two cannot be told apart."""
)
# The overview beside the diagram (a catalog message: Japanese readers get it in Japanese).


DOT_LABELS = {
    "audience": N_("Addressable audience\n(accounts not yet reached)"),
    "inbound": N_("Inbound MQLs\n(Poisson, drifting)"),
    "handoff": N_("Marketing → sales handoff"),
    "touch": N_("First touch\n(SDR queue)"),
    "qualify": N_("Qualification\n(falls with slow response)"),
    "slots": N_("Wait for a deal slot\n(reps × open deals)"),
    "cycle": N_("Sales cycle"),
    "close": N_("Close: won or lost"),
    "customers": N_("Customers: MRR, ARR"),
    "money": N_("Contribution\n= revenue × margin − costs"),
    "outbound": N_("Outbound leads\n(reps' selling time)"),
    "leaked": N_("never followed up"),
    "cold": N_("gone cold (patience)"),
    "churn": N_("churn"),
    "expansion": N_(" expansion"),
    "r1": N_("RevOps: inbound rate,\naudience size"),
    "r2": N_("RevOps: handoff leakage"),
    "s1": N_("SalesOps: response time"),
    "r3": N_("RevOps: qualification rate"),
    "s2": N_("SalesOps: lead scoring,\nselling time"),
    "s3": N_("SalesOps (and RevOps):\ncycle length"),
    "s4": N_("SalesOps: win rate\nRevOps: price"),
    "r4": N_("RevOps: churn, expansion"),
}
# The diagram's words, by node.


def flow_dot(lang: str = "en") -> str:
    """The model's flow as Graphviz DOT: stages top to bottom, each team's levers beside them."""
    so, ro = KNOWN_COLORS["salesops"], KNOWN_COLORS["revops"]
    tr = translator(lang)
    w = {k: tr(v).replace("\n", "\\n").replace('"', "'") for k, v in DOT_LABELS.items()}
    font = "Noto Sans CJK JP" if lang == "ja" else "Helvetica"  # i18n: ok (font names)
    return f"""
digraph model {{
  rankdir=TB; bgcolor="transparent"; nodesep=0.3; ranksep=0.32; newrank=true;
  node [shape=box, style="rounded,filled", fillcolor="#F4F6F9", color="#B8C0CC",
        fontname="{font}", fontsize=12, width=2.6, group=main];
  edge [color="#7A8594", fontname="{font}", fontsize=10];
  audience [label="{w["audience"]}", shape=cylinder, fillcolor="#E9EDF2"];
  inbound [label="{w["inbound"]}"];
  handoff [label="{w["handoff"]}"];
  touch [label="{w["touch"]}"];
  qualify [label="{w["qualify"]}"];
  slots [label="{w["slots"]}"];
  cycle [label="{w["cycle"]}"];
  close [label="{w["close"]}"];
  customers [label="{w["customers"]}"];
  money [label="{w["money"]}", fillcolor="#E8F3EC"];
  outbound [label="{w["outbound"]}", group=side, width=1.8];
  node [shape=plaintext, style="", fontcolor="#A33333", width=0, group=""];
  leaked [label="{w["leaked"]}"]; cold [label="{w["cold"]}"]; churn [label="{w["churn"]}"];
  audience -> inbound -> handoff -> touch -> qualify -> slots -> cycle -> close -> customers
    -> money [weight=10];
  audience -> outbound [style=dashed]; outbound -> qualify;
  {{rank=same; handoff -> leaked [style=dotted, weight=0];}}
  {{rank=same; slots -> cold [style=dotted, weight=0];}}
  {{rank=same; customers -> churn [style=dotted, weight=0];}}
  customers:e -> customers:e [label="{w["expansion"]}"];
  node [shape=note, style="filled", fontsize=10, fontcolor="#222222", width=1.9, group=""];
  r1 [label="{w["r1"]}", fillcolor="{ro}30", color="{ro}"];
  r2 [label="{w["r2"]}", fillcolor="{ro}30", color="{ro}"];
  s1 [label="{w["s1"]}", fillcolor="{so}30", color="{so}"];
  r3 [label="{w["r3"]}", fillcolor="{ro}30", color="{ro}"];
  s2 [label="{w["s2"]}", fillcolor="{so}30", color="{so}"];
  s3 [label="{w["s3"]}", fillcolor="{so}30", color="{so}"];
  s4 [label="{w["s4"]}", fillcolor="{so}30", color="{so}"];
  r4 [label="{w["r4"]}", fillcolor="{ro}30", color="{ro}"];
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
    st.title(_("How the model works"))
    st.caption(
        _(
            "The simulation behind every answer: what flows where, and which levers each team "
            "moves. Blue notes are SalesOps levers, orange notes RevOps levers."
        )
    )
    dot = flow_dot(lang())
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.graphviz_chart(dot, width="content")
    with right:
        st.markdown(_(SUMMARY))
    with st.expander(_("Diagram source (Graphviz DOT)")):
        st.code(dot, language="dot", wrap_lines=True)
    st.download_button(
        _("Download the diagram (DOT)"),
        data=dot,
        file_name="model_flow.dot",
        mime="text/vnd.graphviz",
        icon=":material/download:",
        on_click="ignore",
        key="dl_dot",
    )
    st.divider()
    if MODEL_DOC.exists():
        text = MODEL_DOC.read_text(encoding="utf-8")
        if lang() != "en":
            st.info(
                _(
                    "The full model document below (`docs/MODEL.md`) is in English; the "
                    "overview above says the same in short."
                ),
                icon=":material/translate:",
            )
        st.download_button(
            _("Download MODEL.md"),
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
            _(
                "The full model document (`docs/MODEL.md`, written to the STRESS-DES checklist) "
                "is not available yet; the summary above says how the model works."
            ),
            icon=":material/description:",
        )


render()
