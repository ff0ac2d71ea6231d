"""Random streams: one independent generator per stochastic element.

Common random numbers (CRN) need every setup of a comparison to see the same random future.
A single global generator cannot give that: the moment one setup makes one more draw than
another, every later draw shifts. Instead each stochastic element has its own stream, keyed
by ``(seed, replication, name)`` through `numpy.random.SeedSequence`, so a stream's draws do
not depend on how many draws any other stream made.

Per-lead attributes are drawn *per candidate*: candidate ``j`` of the inbound candidate
stream carries the same segment, deal size, qualification, cycle, win, churn and expansion
draws in every setup. A setup with a higher inbound rate accepts more candidates by thinning,
but the candidates it shares with another setup are the very same leads.
"""

from __future__ import annotations

import hashlib

import numpy as np

STREAM_FAMILIES = (
    "effects.<team>",  # one uniform per lever, drawn once per replication
    "<source>.candidates",  # Poisson count and times of arrival candidates
    "<source>.<element>",  # per-candidate attribute: accept, segment, acv, leak, touch,
    # handling, qualify, fit, score, cycle.z / cycle.exp / cycle.gamma, win, churn,
    # expansion.block<b>
    "starting_customers.<element>",  # segment, churn, expansion.block<b>
    "seats.<team>",  # hires and leavers of a team's seats (seats.sales), when simulated
)
"""Stream name patterns (<source> is inbound or outbound); docs/MODEL.md lists them all."""


def _name_key(name: str) -> int:
    """A stable 64-bit integer for a stream name (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


def stream(seed: int, replication: int, name: str) -> np.random.Generator:
    """The generator of stream `name` in replication `replication` of master seed `seed`.

    Same arguments give the same draws in any process; different names are independent.
    """
    if seed < 0 or replication < 0:
        raise ValueError("seed and replication must be non-negative integers")
    ss = np.random.SeedSequence([int(seed), int(replication), _name_key(name)])
    return np.random.Generator(np.random.PCG64(ss))


class CandidateDraws:
    """Per-candidate attribute draws of one lead source, each from its own stream.

    Arrays are indexed by candidate number. They are drawn lazily, once, on first use, so
    that a replication only pays for what its scenario needs.
    """

    def __init__(self, seed: int, replication: int, source: str, n: int) -> None:
        self.seed = seed
        self.replication = replication
        self.source = source
        self.n = n
        self._cache: dict[str, np.ndarray] = {}

    def _rng(self, element: str) -> np.random.Generator:
        return stream(self.seed, self.replication, f"{self.source}.{element}")

    def uniform(self, element: str) -> np.ndarray:
        """U(0, 1) per candidate from stream `element`."""
        key = f"u:{element}"
        if key not in self._cache:
            self._cache[key] = self._rng(element).random(self.n)
        return self._cache[key]

    def normal(self, element: str) -> np.ndarray:
        """N(0, 1) per candidate from stream `element`."""
        key = f"z:{element}"
        if key not in self._cache:
            self._cache[key] = self._rng(element).standard_normal(self.n)
        return self._cache[key]

    def exponential(self, element: str) -> np.ndarray:
        """Exp(1) per candidate from stream `element`."""
        key = f"e:{element}"
        if key not in self._cache:
            self._cache[key] = self._rng(element).standard_exponential(self.n)
        return self._cache[key]

    def gamma(self, element: str, shape: np.ndarray) -> np.ndarray:
        """Standard gamma per candidate with per-candidate `shape` (mean = shape)."""
        key = f"g:{element}"
        if key not in self._cache:
            self._cache[key] = self._rng(element).standard_gamma(shape)
        return self._cache[key]

    def exponential_block(self, element: str, block: int) -> np.ndarray:
        """Block `block` (n x 4) of further Exp(1) draws, e.g. successive expansion gaps."""
        key = f"eb:{element}:{block}"
        if key not in self._cache:
            rng = self._rng(f"{element}.block{block}")
            self._cache[key] = rng.standard_exponential((self.n, 4))
        return self._cache[key]


class ReplicationDraws:
    """The random numbers of one replication, shared by every setup that runs on it.

    Streams depend only on (seed, replication, name), so each setup of a replication would
    draw the very same candidates and attributes; drawing them once and handing them to every
    setup changes no result and saves the work. Keyed by what a draw depends on, so a setup
    cannot be handed draws made for another shape.
    """

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = seed
        self.replication = replication
        self._candidates: dict[tuple[str, float, float], np.ndarray] = {}
        self._draws: dict[tuple[str, int], CandidateDraws] = {}
        self.memo: dict[object, object] = {}  # replication-wide results shared by setups

    def candidates(self, source: str, rate_bound_per_day: float, horizon: float) -> np.ndarray:
        """Candidate arrival times of `source`: Poisson at the bound, as order statistics."""
        key = (source, rate_bound_per_day, horizon)
        if key not in self._candidates:
            rng = stream(self.seed, self.replication, f"{source}.candidates")
            mean = rate_bound_per_day * horizon
            n = int(rng.poisson(mean)) if mean > 0 else 0
            self._candidates[key] = np.sort(rng.random(n) * horizon)
        return self._candidates[key]

    def draws(self, source: str, n: int) -> CandidateDraws:
        """The per-candidate attribute draws of `source`'s first `n` candidates."""
        key = (source, n)
        if key not in self._draws:
            self._draws[key] = CandidateDraws(self.seed, self.replication, source, n)
        return self._draws[key]
