"""The world: assumptions about the company as it is today, whatever org it chooses.

Segments, market, lead handling, sales and costs are observed (or judged) facts about the
company; every simulated run depends on them, whichever setup it simulates, so they form the
"world" part of a run's cache key. Each scalar declares its label, unit, help and a sweep
range (`sim.params.base.info`): the span a sensitivity sweep moves it over, chosen as values
seen in real B2B SaaS companies, narrower than what validation accepts.
"""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from pydantic import Field, field_validator, model_validator

from sim.params.base import (
    Frozen,
    NonNegative,
    Number,
    Positive,
    Probability,
    Whole,
    info,
)
from sim.params.distributions import CycleDistribution

SEASON_MEAN_TOLERANCE = 1e-3
"""How far from 1 the mean of `market.seasonality` may be (rounded figures)."""

__all__ = [
    "Costs",
    "Expansion",
    "FirstTouch",
    "HandlingDelay",
    "LeadHandling",
    "Lognormal",
    "Market",
    "Sales",
    "Segment",
    "SpeedToLeadDecay",
    "StartingCustomers",
]


# --------------------------------------------------------------------------- segments
class Lognormal(Frozen):
    """A lognormal given by its median and log-scale standard deviation (deal sizes)."""

    median: Positive = info(
        label="ACV median",
        unit="money/year",
        help="Median annual contract value of a new deal.",
        low=5_000,
        high=200_000,
        step=1000,
    )
    sigma: NonNegative = info(
        0.5,
        label="ACV spread",
        unit="log-sd",
        help="Log-sd of deal size (0.5 = deals vary about x/÷1.65).",
        low=0.1,
        high=1.2,
        step=0.05,
    )


class HandlingDelay(Frozen):
    """Time from a lead's arrival to its first touch besides any queue, lognormal in hours."""

    median: Positive = info(
        label="Handling delay, median (hours)",
        unit="hours",
        help="Time from a lead's arrival to its first touch, besides any queue (lognormal).",
        low=0.25,
        high=48.0,
        step=0.5,
    )
    sigma: NonNegative = info(
        0.5,
        label="Handling delay, spread (log sd)",
        unit="log-sd",
        help="Spread of the handling delay: 0 = always the median, 1 = very uneven.",
        low=0.0,
        high=1.5,
        step=0.1,
    )


class Expansion(Frozen):
    """Upsell: each month a customer expands with this probability, by `size` of its MRR."""

    monthly_probability: Probability = info(
        0.0,
        label="Expansion %/month",
        unit="share/month",
        help="Chance a customer expands in a month.",
        low=0.0,
        high=0.08,
        step=0.005,
    )
    size: NonNegative = info(
        0.0,
        label="Expansion size %",
        unit="share",
        help="MRR added by one expansion, as % of the customer's MRR.",
        low=0.05,
        high=0.6,
        step=0.05,
    )


class Segment(Frozen):
    """One customer segment: its share of leads and its economics, as observed today."""

    name: str = info(label="Segment", unit="text", help="Unique name.", min_length=1)
    lead_share: Probability = info(
        label="Lead share %",
        unit="share",
        help="Share of leads in this segment; all segments sum to 100%.",
        low=0.1,
        high=0.9,
        step=0.05,
    )
    acv: Lognormal = info(label="Deal size", help="Annual contract value of a new deal.")
    qualification_rate: Probability = info(
        label="MQL->SQL %",
        unit="share",
        help="Qualification at an instant response.",
        low=0.1,
        high=0.5,
        step=0.01,
    )
    win_rate: Probability = info(
        label="Win rate %",
        unit="share",
        help="Opportunities won (before scoring or fit effects).",
        low=0.1,
        high=0.35,
        step=0.01,
    )
    sales_cycle_days: CycleDistribution = info(
        label="Cycle shape",
        unit="text",
        help="lognormal (default), gamma, exponential or fixed.",
    )
    monthly_churn: Annotated[Number, Field(ge=0.0, lt=1.0, allow_inf_nan=False)] = info(
        label="Churn %/month",
        unit="share/month",
        help="Share of customers leaving each month.",
        low=0.003,
        high=0.04,
        step=0.001,
    )
    expansion: Expansion = Expansion()
    win_propensity_spread: Annotated[Number, Field(ge=0.0, le=5.0, allow_inf_nan=False)] = info(
        0.0,
        label="Fit spread",
        unit="logit-sd",
        help="How much leads differ in fit (logit sd); 0 = all alike. Lead scoring needs it > 0.",
        low=0.0,
        high=2.0,
        step=0.1,
    )


# --------------------------------------------------------------------------- market etc.
class Market(Frozen):
    """Where leads come from: a finite audience, inbound flow and its drift, spend."""

    audience_size: Positive | None = info(
        None,
        label="Addressable accounts",
        unit="accounts",
        help="Accounts the company can reach. Every lead (inbound or outbound) uses one up, "
        "so inbound slows as the market is used. Leave empty for an unlimited market.",
        low=2_000,
        high=100_000,
        step=1000.0,
    )
    inbound_mqls_per_month: NonNegative = info(
        label="Inbound MQLs per month",
        unit="leads/month",
        help="Marketing-qualified leads a month today, at a full audience.",
        low=20.0,
        high=600.0,
        step=10.0,
    )
    inbound_growth_per_month: Annotated[Number, Field(gt=-1.0, le=1.0, allow_inf_nan=False)] = info(
        0.0,
        label="Inbound drift per month (%)",
        unit="share/month",
        help="Monthly growth of the inbound rate; negative = the lead supply is shrinking.",
        low=-0.03,
        high=0.05,
        step=0.005,
    )
    inbound_growth_cap: Annotated[Number, Field(ge=1.0, le=1e3, allow_inf_nan=False)] | None = info(
        3.0,
        label="Inbound growth cap (x today)",
        unit="multiple",
        help="Growth saturates toward this multiple of today's inbound rate (a logistic "
        "curve that starts at the stated monthly growth); empty = compounds without bound. "
        "A market's demand does not grow for ever: the default 3x is a judgment.",
        low=1.5,
        high=10.0,
        step=0.5,
    )
    marketing_spend_per_month: NonNegative = info(
        0.0,
        label="Marketing spend per month",
        unit="money/month",
        help="Program spend a month (same in every setup). Cost per lead is its result.",
        low=0.0,
        high=150_000.0,
        step=1000.0,
    )
    seasonality: tuple[Number, ...] | None = info(
        None,
        label="Inbound season (12 monthly multipliers)",
        unit="multiple",
        help="Inbound volume in each month of the year as a multiple of the month's trend "
        "value: 12 positive numbers with mean 1, the first for the simulation's first month "
        "(then repeating every 12 months). Empty = no season.",
    )

    @field_validator("seasonality")
    @classmethod
    def _twelve_months(cls, value: tuple[float, ...] | None) -> tuple[float, ...] | None:
        """12 positive numbers with mean 1 (within `SEASON_MEAN_TOLERANCE`), or none."""
        if value is None:
            return None
        if len(value) != 12:
            raise ValueError(f"12 numbers, one a month, are needed; got {len(value)}")
        bad = [i + 1 for i, x in enumerate(value) if not (x > 0 and np.isfinite(x))]
        if bad:
            raise ValueError(f"every month's multiplier must be above 0; month(s) {bad} are not")
        mean = float(np.mean(value))
        if abs(mean - 1.0) > SEASON_MEAN_TOLERANCE:
            raise ValueError(
                f"the 12 multipliers must average 1 (the trend is the year's mean); "
                f"their mean is {mean:.4f}"
            )
        return tuple(float(x) for x in value)

    @property
    def season(self) -> tuple[float, ...] | None:
        """The 12 multipliers when they change anything (None when absent or all 1)."""
        s = self.seasonality
        return None if s is None or all(x == 1.0 for x in s) else s


class SpeedToLeadDecay(Frozen):
    """decay(t) = floor + (1 - floor) * exp(-t / tau): qualification falls with response time."""

    floor: Probability = info(
        1.0,
        label="Qualification kept after a slow response (%)",
        unit="share",
        help="Speed-to-lead: the share of a lead's qualification chance left when the "
        "response is very slow (100% = response time does not matter).",
        low=0.3,
        high=1.0,
        step=0.01,
    )
    tau_hours: Positive = info(
        6.0,
        label="Speed-to-lead time constant (hours)",
        unit="hours",
        help="How fast leads cool: after this many hours about 63% of the loss has happened.",
        low=1.0,
        high=48.0,
        step=0.5,
    )

    def kept(self, response_hours: Any) -> Any:
        """Share of a lead's qualification chance kept after waiting `response_hours`."""
        return self.floor + (1.0 - self.floor) * np.exp(-response_hours / self.tau_hours)

    def expected_kept(self, median_hours: float, sigma: float) -> float:
        """E[kept(R)] for a lognormal response R (Gauss–Hermite, 40 nodes)."""
        x, w = np.polynomial.hermite_e.hermegauss(40)
        r = median_hours * np.exp(sigma * x)
        return float(
            self.floor + (1 - self.floor) * np.sum(w * np.exp(-r / self.tau_hours)) / np.sum(w)
        )


class FirstTouch(Frozen):
    """Who makes the first touch: `capacity` people (0 = the reps, null = unlimited)."""

    capacity: Annotated[Whole, Field(ge=0)] | None = info(
        None,
        label="People making first touches (SDRs)",
        unit="people",
        help="0 = the reps make first touches in their selling time; empty = unlimited (no queue).",
        low=0,
        high=10,
        step=1.0,
    )
    touches_per_person_day: Positive = info(
        30.0,
        label="First touches per person a day",
        unit="touches/day",
        help="How many new leads one SDR can contact a day.",
        low=10.0,
        high=60.0,
        step=1.0,
    )
    handling_delay_hours: HandlingDelay = HandlingDelay(median=1.0, sigma=0.0)


class LeadHandling(Frozen):
    """From MQL to a qualified SQL: leakage, first touch, speed-to-lead."""

    handoff_leakage: Probability = info(
        0.0,
        label="MQLs never followed up (%)",
        unit="share",
        help="Share of inbound MQLs lost at the marketing-sales handoff.",
        low=0.0,
        high=0.35,
        step=0.01,
    )
    first_touch: FirstTouch = FirstTouch()
    speed_to_lead_decay: SpeedToLeadDecay = SpeedToLeadDecay()


class Hire(Frozen):
    """A step of the hiring plan: seats added (or removed) at the start of a month."""

    month: Annotated[Whole, Field(ge=0)] = info(
        label="Month", unit="month", help="Month the seats open (0 = now)."
    )
    reps: int = info(
        label="Seats", unit="people", help="Seats added; negative closes the newest seats."
    )


class Sales(Frozen):
    """The sales team as it is today."""

    reps: Annotated[Whole, Field(ge=0)] = info(
        label="Account executives (reps)",
        unit="people",
        help="Quota-carrying reps.",
        low=2,
        high=30,
        step=1.0,
    )
    max_open_deals_per_rep: Annotated[Whole, Field(ge=1)] = info(
        15,
        label="Open deals a rep can work at once",
        unit="deals",
        help="Deal slots per rep; SQLs wait for a free slot.",
        low=5,
        high=40,
        step=1.0,
    )
    selling_time_share: Annotated[Number, Field(gt=0.0, le=1.0, allow_inf_nan=False)] = info(
        0.3,
        label="Share of rep time spent selling (%)",
        unit="share",
        help="The rest is admin and internal work. Cycles and outbound scale with it.",
        low=0.15,
        high=0.5,
        step=0.01,
    )
    outbound_leads_per_rep_month: NonNegative = info(
        0.0,
        label="Outbound leads per rep a month",
        unit="leads/rep/month",
        help="Engaged prospects a rep finds a month by their own outreach.",
        low=0.0,
        high=20.0,
        step=0.5,
    )
    sql_patience_days: Positive | None = info(
        None,
        label="Days an SQL waits before going cold",
        unit="days",
        help="An SQL not taken up by a rep within this many days is lost. Empty = waits for ever.",
        low=7.0,
        high=60.0,
        step=1.0,
    )
    score_weight_days: NonNegative = info(
        14.0,
        label="Days of queue a better lead score may jump",
        unit="days",
        help="With a lead score (SalesOps), reps take the SQL whose wait plus promised fit is "
        "worth most: one standard deviation of expected fit is worth this many days of "
        "waiting. 0 = the score is ignored.",
        low=0.0,
        high=30.0,
        step=1.0,
    )
    cycle_time_elasticity: Annotated[Number, Field(ge=0.0, le=2.0, allow_inf_nan=False)] = info(
        0.5,
        label="Cycle-time elasticity to selling time",
        unit="elasticity",
        help="0 = buyers alone set the pace; 1 = the cycle shrinks in proportion to more "
        "selling time.",
        low=0.0,
        high=1.0,
        step=0.1,
    )
    price_elasticity: Annotated[Number, Field(ge=0.0, le=10.0, allow_inf_nan=False)] = info(
        1.0,
        label="Price elasticity of wins",
        unit="elasticity",
        help="1 = a 3% higher price loses about 3% of wins. Revenue per deal worked peaks at "
        "1 / elasticity times today's price.",
        low=0.0,
        high=2.0,
        step=0.1,
    )
    renewal_price_elasticity: Annotated[Number, Field(ge=0.0, le=10.0, allow_inf_nan=False)] = info(
        0.5,
        label="Price elasticity at renewal",
        unit="elasticity",
        help="Share of customers a price rise loses at renewal: 1 - exp(-e x rise), so 0.5 "
        "= a 4% rise loses about 2%. Customers already using the product switch less "
        "readily than new buyers walk away (judgment: half the new-business elasticity).",
        low=0.0,
        high=2.0,
        step=0.1,
    )
    warmup_months: Annotated[Number, Field(ge=0.0, le=60.0, allow_inf_nan=False)] = info(
        12.0,
        label="Months already selling (warm-up)",
        unit="months",
        help="How long the company has been selling before day 0, as far as its pipeline "
        "goes: the run starts with the waiting SQLs and open deals this warm-up leaves "
        "(0 = an empty pipeline).",
        low=0.0,
        high=24.0,
        step=1.0,
    )
    hours_per_month: Annotated[Number, Field(ge=40.0, le=300.0, allow_inf_nan=False)] = info(
        160.0,
        label="Rep working hours a month",
        unit="hours/month",
        help="A rep's working hours a month: the time that admin, first touches and selling share.",
        low=140.0,
        high=200.0,
        step=5.0,
    )
    hours_per_first_touch: Annotated[Number, Field(ge=0.0, le=8.0, allow_inf_nan=False)] = info(
        0.25,
        label="Rep hours per first touch",
        unit="hours",
        help="Rep hours one inbound first touch takes when the reps make first touches "
        "(first-touch capacity 0): more inbound then leaves them less selling time.",
        low=0.1,
        high=1.0,
        step=0.05,
    )
    renewal_months: Annotated[Number, Field(ge=1.0, le=60.0, allow_inf_nan=False)] = info(
        12.0,
        label="Contract term (months)",
        unit="months",
        help="Customers renew every term, and a price change reaches them there.",
        low=1.0,
        high=36.0,
        step=1.0,
    )
    hiring: tuple[Hire, ...] = info(
        label="Hiring plan",
        unit="",
        help="Seats added (or removed, with a negative count) on a date; each new seat's "
        "first hire starts that month and ramps.",
        default_factory=tuple,
    )
    ramp_months: Annotated[Number, Field(ge=0.0, le=24.0, allow_inf_nan=False)] = info(
        0.0,
        label="Months for a new rep to ramp",
        unit="months",
        help="A new hire's deal slots and outbound grow linearly from 0 to full over this "
        "many months (0 = productive at once).",
        low=0.0,
        high=9.0,
        step=0.5,
    )
    attrition_per_year: Annotated[Number, Field(ge=0.0, le=3.0, allow_inf_nan=False)] = info(
        0.0,
        label="Rep attrition a year (%)",
        unit="share/year",
        help="Leavers per filled seat a year; a leaver's open deals stay with a seat. "
        "0 = nobody leaves (the seats are not simulated).",
        low=0.0,
        high=0.4,
        step=0.01,
    )
    backfill_months: Annotated[Number, Field(ge=0.0, le=24.0, allow_inf_nan=False)] = info(
        0.0,
        label="Months to backfill a leaver",
        unit="months",
        help="A leaver's seat stays vacant (no salary) this long before a new hire starts.",
        low=0.0,
        high=6.0,
        step=0.5,
    )

    @model_validator(mode="after")
    def _seats_never_negative(self) -> Sales:
        seats = self.reps
        for i, step in sorted(enumerate(self.hiring), key=lambda item: item[1].month):
            seats += step.reps
            if seats < 0:
                raise ValueError(
                    f"hiring.{i}.reps: leaves {seats} seats in month {step.month} "
                    "(seats cannot be negative)"
                )
        return self

    @property
    def has_seats(self) -> bool:
        """Whether the seats are simulated: someone is hired, leaves or ramps."""
        return bool(self.hiring) or self.attrition_per_year > 0


class Costs(Frozen):
    """Monthly loaded costs and the money assumptions of the objective."""

    rep_per_month: NonNegative = info(
        0.0,
        label="Loaded cost per rep a month",
        unit="money/month",
        help="Salary, commission, benefits and tools of one rep.",
        low=6_000.0,
        high=30_000.0,
        step=100.0,
    )
    first_touch_per_person_month: NonNegative = info(
        0.0,
        label="Loaded cost per SDR a month",
        unit="money/month",
        help="Cost of one first-touch person (not charged when the reps make first touches).",
        low=4_000.0,
        high=15_000.0,
        step=100.0,
    )
    recruiting_per_hire: NonNegative = info(
        0.0,
        label="Recruiting cost per rep hired",
        unit="money",
        help="Paid once per hire: new seats and backfills.",
        low=0.0,
        high=40_000.0,
        step=1000.0,
    )
    other_gtm_per_month: NonNegative = info(
        0.0,
        label="Other go-to-market cost a month",
        unit="money/month",
        help="Sales leadership, marketing staff, tools: the same in every setup.",
        low=0.0,
        high=100_000.0,
        step=1000.0,
    )
    gross_margin: Probability = info(
        0.8,
        label="Gross margin (%)",
        unit="share",
        help="Share of revenue left after cost of service.",
        low=0.6,
        high=0.9,
        step=0.01,
    )
    discount_rate_annual: Annotated[Number, Field(ge=0.0, le=1.0, allow_inf_nan=False)] = info(
        0.1,
        label="Discount rate a year (%)",
        unit="share/year",
        help="Discounts future money in the NPV and value-created objectives and in CLTV.",
        low=0.05,
        high=0.2,
        step=0.01,
    )
    customer_value_months: Annotated[Number, Field(ge=0.0, le=240.0, allow_inf_nan=False)] = info(
        120.0,
        label="Value counted up to (months from today)",
        unit="months",
        help="How far from today 'value created' counts value after the horizon: the "
        "customers' remaining margin and the sales engine's run-rate (with the teams kept to "
        "earn them) up to this month; 10 years caps a customer's life. Counted from today, "
        "so the horizon is only where the simulation stops.",
        low=36.0,
        high=180.0,
        step=12.0,
    )


class StartingCustomers(Frozen):
    """An existing customer base at time 0, churned and expanded like new customers."""

    count: Annotated[Whole, Field(ge=0)] = info(
        0,
        label="Existing customers",
        unit="customers",
        help="Customers at the start; they churn and expand like new ones.",
        low=0,
        high=1000,
        step=10.0,
    )
    mrr_each: NonNegative = info(
        0.0,
        label="MRR per existing customer",
        unit="money/month",
        help="Monthly recurring revenue of each existing customer.",
        low=200.0,
        high=15_000.0,
        step=100.0,
    )
