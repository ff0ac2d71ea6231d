"""Write the CRM exports of Lumen Ledger, a fictional B2B SaaS company, for calibration.

    python examples/make_crm_export.py            # writes examples/lumen_ledger/*.csv

This generator is deliberately *not* the simulation model, so that calibrating on its files
tests the estimators and the back-test the way real data would:

- inbound leads arrive with a yearly season (a summer and a December dip) and overdispersed
  daily counts (negative binomial), on business hours, growing about 1.5% a month;
- first responses follow a gamma distribution in working hours (not lognormal); 12% of
  inbound leads are never touched;
- sales cycles are Weibull (shape 1.4), deal sizes a Student-t on the log scale (SMB) and a
  gamma (Mid-Market); win chances fall slightly with a slow response;
- customers churn with a falling Weibull hazard (shape 0.8), expand at random;
- rows are messy the way exports are: amounts as "$12,400.00", "12400" or blank for open
  deals, stage names in several spellings, padded owner names, an unnamed trailing column.

Four files: `deals.csv` (HubSpot's deals export), `opportunities.csv` (the same deals as a
Salesforce opportunity report, US dates), `leads.csv` (contacts with lifecycle dates) and
`customers.csv` (subscriptions). Only numpy and the standard library are used.
"""

from __future__ import annotations

import argparse
import csv
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

START = datetime(2022, 1, 1)
END = datetime(2024, 12, 31, 23, 59)
REPS = ["Ana Ruiz", "Ben Okafor", "Chloe Martin", "Dev Patel", "Emma Stone", "Farid Haddad"]
LATE_REPS = ["Grace Lee", "Hugo Brandt"]  # join in 2023
OPEN_STAGES = [
    "Appointment Scheduled",
    "Qualified To Buy",
    "Presentation Scheduled",
    "Decision Maker Bought-In",
    "Contract Sent",
]
WON_SPELLINGS = ["Closed Won", "Closed Won", "Closed Won", "closed won", "Closed Won "]
LOST_SPELLINGS = ["Closed Lost", "Closed Lost", "Closed Lost", "closedlost"]


def _season(month: int) -> float:
    """Relative inbound volume by calendar month: a summer and a December dip."""
    return {7: 0.8, 8: 0.7, 12: 0.75, 1: 1.1, 3: 1.15, 10: 1.1}.get(month, 1.0)


def _work_time(rng: np.random.Generator, day: datetime) -> datetime:
    return day + timedelta(hours=float(rng.uniform(8, 18)))


def _inbound_times(rng: np.random.Generator) -> list[datetime]:
    out = []
    day = START
    while day <= END:
        months = (day.year - START.year) * 12 + day.month - 1
        mean = (
            190 / 30.4 * 1.015**months * _season(day.month) * (0.35 if day.weekday() >= 5 else 1.2)
        )
        k = 4.0  # negative binomial: variance mean + mean²/k
        n = rng.negative_binomial(k, k / (k + mean))
        out += [_work_time(rng, day) for _ in range(n)]
        day += timedelta(days=1)
    return sorted(out)


def _money(rng: np.random.Generator, amount: float) -> str:
    style = rng.integers(0, 3)
    if style == 0:
        return f"${amount:,.2f}"
    if style == 1:
        return f"{amount:.0f}"
    return f" {amount:.2f} "


def _owner(rng: np.random.Generator, when: datetime) -> str:
    pool = REPS + (LATE_REPS if when >= datetime(2023, 3, 1) else [])
    name = pool[int(rng.integers(len(pool)))]
    return name + (" " if rng.random() < 0.05 else "")


def make(seed: int = 7) -> dict[str, list[dict[str, str]]]:
    """The four exports as lists of rows (column -> text)."""
    rng = np.random.default_rng(seed)
    fmt = "%Y-%m-%d %H:%M"
    leads, deals, customers = [], [], []
    inbound = _inbound_times(rng)
    outbound = sorted(
        START + timedelta(days=float(rng.uniform(0, (END - START).days))) for _ in range(1500)
    )
    items = [(t, False) for t in inbound] + [(t, True) for t in outbound]
    items.sort()
    deal_no = 0
    for i, (created, is_out) in enumerate(items):
        row = {
            "Record ID": str(100000 + i),
            "Create Date": created.strftime(fmt),
            "Became a Marketing Qualified Lead Date": "" if is_out else created.strftime(fmt),
            "Became a Sales Qualified Lead Date": "",
            "First Contact Date": "",
            "Original Source": "Outbound - SDR"
            if is_out
            else ["Organic Search", "Paid Search", "Paid Social", "Referrals", "Direct Traffic"][
                int(rng.integers(5))
            ],
        }
        if is_out:
            touch, hours = created, 0.0
        elif rng.random() < 0.12:
            leads.append(row)
            continue
        else:
            hours = float(rng.gamma(0.9, 7.0))
            touch = (
                created
                + timedelta(hours=hours)
                + (
                    timedelta(days=2)
                    if (created + timedelta(hours=hours)).weekday() >= 5
                    else timedelta()
                )
            )
        if touch > END:
            leads.append(row)
            continue
        row["First Contact Date"] = "" if is_out else touch.strftime(fmt)
        q = (0.36 if is_out else 0.30) * (0.75 + 0.25 * np.exp(-hours / 12))
        if rng.random() < q:
            sql = touch + timedelta(days=float(rng.uniform(0, 3)))
            if sql <= END:
                row["Became a Sales Qualified Lead Date"] = sql.strftime(fmt)
                deal_no += 1
                deals.append(
                    _deal(rng, deal_no, sql + timedelta(hours=float(rng.uniform(1, 30))), hours)
                )
        leads.append(row)
    customers = _customers(rng, [d for d in deals if d["_outcome"] == "won"])
    sf = [_salesforce(d) for d in deals]
    for d in deals:
        for k in [k for k in d if k.startswith("_")]:
            d.pop(k)
    return {"deals": deals, "opportunities": sf, "leads": leads, "customers": customers}


def _deal(rng: np.random.Generator, no: int, created: datetime, hours: float) -> dict[str, str]:
    mid = rng.random() < 0.4
    segment = "Mid-Market" if mid else "SMB"
    scale = 85.0 if mid else 45.0
    cycle = scale * rng.weibull(1.4)
    win = (0.20 if mid else 0.26) * (0.85 + 0.15 * np.exp(-hours / 24))
    amount = rng.gamma(3.0, 12000.0) if mid else 12000.0 * np.exp(0.45 * rng.standard_t(5))
    amount = max(1200.0, round(amount, -2))
    close = created + timedelta(days=float(cycle))
    owner = _owner(rng, created)
    won = rng.random() < win
    if close > END:
        outcome, stage = "open", OPEN_STAGES[int(rng.integers(len(OPEN_STAGES)))]
        close_text = (
            (END + timedelta(days=float(rng.uniform(5, 90)))).strftime("%Y-%m-%d %H:%M")
            if rng.random() < 0.7
            else ""
        )
        amount_text = _money(rng, amount) if rng.random() < 0.6 else ""
    else:
        outcome = "won" if won else "lost"
        stage = (WON_SPELLINGS if won else LOST_SPELLINGS)[int(rng.integers(4))]
        close_text = close.strftime("%Y-%m-%d %H:%M")
        amount_text = _money(rng, amount) if (won or rng.random() < 0.7) else ""
    return {
        "Record ID": str(9000000 + no),
        "Deal Name": f"{['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay'][no % 6]} "
        f"{['Analytics', 'Ops', 'Finance', 'Logistics'][no % 4]} #{no}",
        "Deal Stage": stage,
        "Amount": amount_text,
        "Create Date": created.strftime("%Y-%m-%d %H:%M"),
        "Close Date": close_text,
        "Pipeline": "Sales Pipeline",
        "Deal owner": owner,
        "Segment": segment,
        "Deal Type": "newbusiness",
        "": "",
        "_outcome": outcome,
        "_amount": f"{amount:.0f}",
        "_close": close.strftime("%m/%d/%Y") if close_text else "",
        "_created": created.strftime("%m/%d/%Y"),
    }


def _salesforce(d: dict[str, str]) -> dict[str, str]:
    outcome = d["_outcome"]
    return {
        "Opportunity ID": "006" + d["Record ID"],
        "Opportunity Name": d["Deal Name"],
        "Stage": {"won": "Closed Won", "lost": "Closed Lost"}.get(outcome, "Negotiation/Review"),
        "Amount": d["_amount"],
        "Created Date": d["_created"],
        "Close Date": d["_close"] if outcome != "open" else "",
        "Closed": "1" if outcome != "open" else "0",
        "Won": "1" if outcome == "won" else "0",
        "Opportunity Owner": d["Deal owner"].strip(),
        "Type": "New Business",
    }


def _customers(rng: np.random.Generator, won: list[dict[str, str]]) -> list[dict[str, str]]:
    rows = []
    starts = [START - timedelta(days=float(rng.uniform(30, 900))) for _ in range(140)]
    base = [
        (s, float(rng.gamma(2.0, 700.0)), "SMB" if rng.random() < 0.6 else "Mid-Market")
        for s in starts
    ]
    new = [
        (
            datetime.strptime(d["Close Date"], "%Y-%m-%d %H:%M"),
            float(d["_amount"]) / 12,
            d["Segment"],
        )
        for d in won
    ]
    for i, (start, mrr, segment) in enumerate(base + new):
        # Weibull lifetime in months, shape 0.8: churn is likeliest early.
        life = 70.0 * rng.weibull(0.8)
        end = start + timedelta(days=life * 30.4)
        until = min(end, END)
        months = max((until - start).days / 30.4, 0.0)
        current = mrr * 1.25 ** rng.poisson(0.02 * months)
        rows.append(
            {
                "Customer ID": f"C{10000 + i}",
                "Company": f"Customer {i}",
                "Segment": segment,
                "Start Date": start.strftime("%Y-%m-%d"),
                "Cancel Date": end.strftime("%Y-%m-%d") if end <= END else "",
                "MRR": f"{current:.2f}",
                "Initial MRR": f"{mrr:.2f}",
                "Currency": "USD",
            }
        )
    return rows


def write(out: Path, seed: int = 7) -> list[Path]:
    """Write the four CSV files into `out`; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in make(seed).items():
        path = out / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        paths.append(path)
    return paths


def main() -> None:
    """Command line: where to write, and the seed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "lumen_ledger")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for path in write(args.out, args.seed):
        print(path)


if __name__ == "__main__":
    main()
