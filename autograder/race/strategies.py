"""Scheduling strategies: who runs next at each preemption point, derived only from a seed.

A schedule seed is one int that names the strategy, its parameters and its random stream, so that
``replay(fn, seed)`` re-derives exactly the same schedule:

* ``seed < 2**32``: the *random* strategy, uniform choice among runnable threads at every point;
  the seed is the random stream.
* ``config = seed >> 32`` with ``config & 0xF`` in 1..15: *PCT* (Burckhardt et al., ASPLOS 2010)
  with depth ``d = config & 0xF`` and ``k = config >> 4`` expected steps; the low 32 bits are the
  random stream. PCT gives each thread a random priority, always runs the highest-priority runnable
  thread, and lowers the running thread's priority at ``d - 1`` random change points.
* ``config & 0xF == 0``: an *explicit* schedule, what shrinking produces. The thread that runs keeps
  running until it blocks or finishes (then the lowest-numbered runnable thread goes on), except at
  the listed decisions, where a named thread is switched in. ``config >> 4`` packs that list.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

RNG_BITS = 32
RNG_MASK = (1 << RNG_BITS) - 1
MAX_PCT_DEPTH = 15


class Schedulable(Protocol):
    index: int


class Strategy(Protocol):
    """What the runtime asks of a strategy."""

    seed: int
    description: str

    def on_spawn(self, thread: Schedulable) -> None:
        """A new thread became runnable."""

    def choose(self, runnable: Sequence[Schedulable], current: Schedulable) -> Schedulable:
        """At a preemption point of ``current`` (which is in ``runnable``): who runs next."""

    def pick(self, runnable: Sequence[Schedulable], previous: Schedulable | None) -> Schedulable:
        """``previous`` (the running thread) blocked or finished: who runs next."""


class RandomStrategy:
    """Uniform choice among the runnable threads at every preemption point."""

    def __init__(self, rng_seed: int) -> None:
        self.seed = rng_seed & RNG_MASK
        self.description = f"random (seed {self.seed})"
        self._random = random.Random(self.seed).random

    def on_spawn(self, thread: Schedulable) -> None:
        pass

    def choose(self, runnable: Sequence[Schedulable], current: Schedulable) -> Schedulable:
        return runnable[int(self._random() * len(runnable))]

    def pick(self, runnable: Sequence[Schedulable], previous: Schedulable | None) -> Schedulable:
        return runnable[int(self._random() * len(runnable))]


class PCTStrategy:
    """Probabilistic concurrency testing with depth ``d`` and ``k`` expected steps."""

    def __init__(self, depth: int, steps: int, rng_seed: int) -> None:
        if not 1 <= depth <= MAX_PCT_DEPTH:
            raise ValueError(f"PCT depth must be between 1 and {MAX_PCT_DEPTH}, not {depth}")
        self.depth = depth
        self.steps = max(1, steps)
        self.rng_seed = rng_seed & RNG_MASK
        self.seed = encode_pct(depth, self.steps, self.rng_seed)
        self.description = f"pct (depth {depth}, {depth - 1} change point{'s' * (depth != 2)})"
        self._rng = random.Random(self.rng_seed)
        population = range(1, self.steps + 1)
        count = min(depth - 1, len(population))
        # change point step -> the low priority the running thread drops to there
        points = sorted(self._rng.sample(population, count))
        self._change = {step: float(depth - 1 - i) for i, step in enumerate(points)}
        self._priority: dict[int, float] = {}
        self._step = 0

    def on_spawn(self, thread: Schedulable) -> None:
        # initial priorities lie above every change-point priority (which are < depth)
        self._priority[thread.index] = self.depth + self._rng.random()

    def _best(self, runnable: Sequence[Schedulable]) -> Schedulable:
        priority = self._priority
        return max(runnable, key=lambda t: priority[t.index])

    def choose(self, runnable: Sequence[Schedulable], current: Schedulable) -> Schedulable:
        self._step += 1
        low = self._change.get(self._step)
        if low is not None:
            self._priority[current.index] = low
        return self._best(runnable)

    def pick(self, runnable: Sequence[Schedulable], previous: Schedulable | None) -> Schedulable:
        return self._best(runnable)


class ExplicitStrategy:
    """Run-to-block by default, with forced switches (what shrinking makes).

    A forced switch ``(thread, n, target)`` says: at the ``n``-th decision taken while ``thread``
    runs (a preemption point of its own, or the moment it blocks or finishes), run ``target``.
    Counting per thread keeps the other switches in place when shrinking deletes one of them.
    """

    def __init__(self, switches: Sequence[tuple[int, int, int]]) -> None:
        self.switches = sorted(switches)
        self._at = {(thread, n): target for thread, n, target in self.switches}
        self.seed = encode_explicit(self.switches)
        count = len(self.switches)
        self.description = f"explicit, {count} forced switch{'es' * (count != 1)}"
        self._count: dict[int, int] = {}

    def _wanted(self, by: Schedulable | None) -> int | None:
        key = -1 if by is None else by.index
        n = self._count.get(key, 0) + 1
        self._count[key] = n
        return self._at.get((key, n))

    def on_spawn(self, thread: Schedulable) -> None:
        pass

    def choose(self, runnable: Sequence[Schedulable], current: Schedulable) -> Schedulable:
        wanted = self._wanted(current)
        if wanted is not None:
            for thread in runnable:
                if thread.index == wanted:
                    return thread
        return current

    def pick(self, runnable: Sequence[Schedulable], previous: Schedulable | None) -> Schedulable:
        wanted = self._wanted(previous)
        if wanted is not None:
            for thread in runnable:
                if thread.index == wanted:
                    return thread
        return runnable[0]


class Recording:
    """Wraps a strategy and writes down where it departs from the explicit strategy's defaults.

    Replaying those switches with :class:`ExplicitStrategy` gives exactly the same schedule.
    """

    def __init__(self, inner: RandomStrategy | PCTStrategy | ExplicitStrategy) -> None:
        self.inner = inner
        self.seed = inner.seed
        self.description = inner.description
        self.switches: list[tuple[int, int, int]] = []
        self._count: dict[int, int] = {}

    def _tick(self, by: Schedulable | None) -> tuple[int, int]:
        key = -1 if by is None else by.index
        n = self._count.get(key, 0) + 1
        self._count[key] = n
        return key, n

    def on_spawn(self, thread: Schedulable) -> None:
        self.inner.on_spawn(thread)

    def choose(self, runnable: Sequence[Schedulable], current: Schedulable) -> Schedulable:
        key, n = self._tick(current)
        chosen = self.inner.choose(runnable, current)
        if chosen is not current:
            self.switches.append((key, n, chosen.index))
        return chosen

    def pick(self, runnable: Sequence[Schedulable], previous: Schedulable | None) -> Schedulable:
        key, n = self._tick(previous)
        chosen = self.inner.pick(runnable, previous)
        if chosen is not runnable[0]:
            self.switches.append((key, n, chosen.index))
        return chosen


def _varints(numbers: Sequence[int]) -> int:
    data = bytearray()
    for number in numbers:
        while True:
            low = number & 0x7F
            number >>= 7
            data.append(low | (0x80 if number else 0))
            if not number:
                break
    data.append(1)  # a sentinel, so trailing zero bytes survive as an int
    return int.from_bytes(bytes(data), "little")


def _unvarints(packed: int) -> list[int]:
    data = packed.to_bytes((packed.bit_length() + 7) // 8, "little")
    if not data or data[-1] != 1:
        raise ValueError("not a schedule seed this engine wrote")
    numbers, value, shift = [], 0, 0
    for byte in data[:-1]:
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            numbers.append(value)
            value, shift = 0, 0
    return numbers


def encode_explicit(switches: Sequence[tuple[int, int, int]]) -> int:
    numbers: list[int] = []
    for thread, n, target in sorted(switches):
        numbers += [thread + 1, n, target]  # thread -1 is "no thread" (the supervisor's pick)
    return (_varints(numbers) << 4) << RNG_BITS


def decode_explicit(config: int) -> list[tuple[int, int, int]]:
    numbers = _unvarints(config >> 4)
    if len(numbers) % 3:
        raise ValueError("not a schedule seed this engine wrote")
    return [(t - 1, n, target) for t, n, target in zip(numbers[::3], numbers[1::3], numbers[2::3])]


def encode_pct(depth: int, steps: int, rng_seed: int) -> int:
    return (((steps << 4) | depth) << RNG_BITS) | (rng_seed & RNG_MASK)


@dataclass(frozen=True)
class SeedInfo:
    strategy: str
    rng_seed: int = 0
    depth: int = 0
    steps: int = 0
    switches: tuple[tuple[int, int, int], ...] = ()


def decode(seed: int) -> SeedInfo:
    """Split a schedule seed into its strategy and parameters (see the module docstring)."""
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"a schedule seed is a non-negative int, not {seed!r}")
    config = seed >> RNG_BITS
    rng_seed = seed & RNG_MASK
    if config == 0:
        return SeedInfo("random", rng_seed)
    depth, steps = config & 0xF, config >> 4
    if depth == 0:
        if rng_seed:
            raise ValueError(f"{seed} is not a schedule seed this engine wrote")
        return SeedInfo("explicit", switches=tuple(decode_explicit(config)))
    if steps == 0:
        raise ValueError(f"{seed} is not a schedule seed this engine wrote")
    return SeedInfo("pct", rng_seed, depth, steps)


def from_seed(seed: int) -> RandomStrategy | PCTStrategy | ExplicitStrategy:
    """The strategy object that re-derives the schedule named by ``seed``."""
    info = decode(seed)
    if info.strategy == "random":
        return RandomStrategy(info.rng_seed)
    if info.strategy == "explicit":
        return ExplicitStrategy(info.switches)
    return PCTStrategy(info.depth, info.steps, info.rng_seed)
