"""What would change the answer: sensitivity, breakevens, decision maps, value of information.

Every method runs variants of a scenario through `sim.experiments.run_experiment` (any
executor, the run cache, progress), on common random numbers, and returns facts with
intervals; `sim.text.explore` words them.

* `inputs`: the uncertain inputs and their ranges (declared ranges, ±25%, team effects and
  strengths), and which of them can move alone (`sweepable`).
* `tornado`: one input at a time at its two ends — the top-two gap, gains vs none, and the
  winner over every setup (a row flips when another setup wins at an end).
* `breakeven`: where a pair's paired gap crosses zero along one input, with an interval.
* `decision_map`: the verdict on a grid of two inputs.
* `voi`: EVPI and partial EVPI of the teams' effects, from the same replications.
* `discovery`: Latin hypercube + PRIM boxes where a setup wins; Sobol indices (SALib).
"""

from sim.explore.breakeven import Breakeven, breakeven, nearest_breakevens
from sim.explore.decision_map import DEFAULT_AXES, DecisionMap, decision_map, default_axes
from sim.explore.discovery import Discovery, Sobol, discover, latin_hypercube, sobol_indices
from sim.explore.inputs import (
    Input,
    Skipped,
    all_inputs,
    default_inputs,
    make_input,
    parse_inputs,
    sweepable,
    value_at,
)
from sim.explore.prim import Box, Rule, prim
from sim.explore.runs import REPLICATIONS, RunOptions
from sim.explore.tornado import Tornado, TornadoRow, tornado
from sim.explore.voi import ValueOfInformation, evpi_of, evppi, value_of_information

__all__ = [
    "DEFAULT_AXES",
    "REPLICATIONS",
    "Box",
    "Breakeven",
    "DecisionMap",
    "Discovery",
    "Input",
    "Rule",
    "RunOptions",
    "Skipped",
    "Sobol",
    "Tornado",
    "TornadoRow",
    "ValueOfInformation",
    "all_inputs",
    "breakeven",
    "decision_map",
    "default_axes",
    "default_inputs",
    "discover",
    "evpi_of",
    "evppi",
    "latin_hypercube",
    "make_input",
    "nearest_breakevens",
    "parse_inputs",
    "prim",
    "sobol_indices",
    "sweepable",
    "tornado",
    "value_at",
    "value_of_information",
]
