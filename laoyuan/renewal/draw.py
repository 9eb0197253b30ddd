"""The public draw (公开抽签) of a supervision group (改造监督小组) from its volunteers, done so
that anyone can run it again and get the same members.

Before the draw, the volunteers are listed with their numbers (报名序号: the order they signed
up). At the meeting a seed is chosen in front of the witnesses — the numbers of a lottery
drawing, dice rolled by residents, any text everyone saw. Each candidate's key is the SHA-256
of "seed:number" in hexadecimal; the seats go to the smallest keys. Any SHA-256 tool, the seed
and the list are enough to check it (e.g. `echo -n "20250512-3-8-1:7" | sha256sum`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

MAX_SEED_CHARS = 100


@dataclass(frozen=True)
class Ticket:
    number: int
    key: str
    chosen: bool


def draw_key(seed: str, number: int) -> str:
    return hashlib.sha256(f"{seed}:{number}".encode()).hexdigest()


def run_draw(seed: str, numbers: Sequence[int], seats: int) -> list[Ticket]:
    """Every candidate's ticket, in the order of `numbers`; the `seats` smallest keys win."""
    if not seed or len(seed) > MAX_SEED_CHARS:
        raise ValueError("seed")
    if len(set(numbers)) != len(numbers):
        raise ValueError("numbers must be distinct")
    keys = {n: draw_key(seed, n) for n in numbers}
    winners = set(sorted(numbers, key=lambda n: (keys[n], n))[:seats])
    return [Ticket(number=n, key=keys[n], chosen=n in winners) for n in numbers]
