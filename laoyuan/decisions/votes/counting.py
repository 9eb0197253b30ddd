"""Counting owners' votes exactly (计票): the tally, the quorum and pass tests, and which ballot
of a voting person counts. Pure functions over integers: areas are hundredths of m², fractions
are pairs of integers, and every comparison is a cross-multiplication, never a float.

Civil Code art. 278: owners holding at least 2/3 of the area AND at least 2/3 of the owners take
part; matters (6)-(8) pass with at least 3/4 of the participating area AND owners, the others
with more than half of both. Abstentions take part. "以上" (at least) includes the boundary,
"过半数" (more than half) excludes it (art. 1259): exactly 2/3 takes part, exactly 1/2 fails.

Which ballot counts (the stated rule, shown to organisers and owners): a written ballot (paper,
signed by the owner or her proxy) prevails over online ones, whenever each was cast, because it
bears the signature; among ballots of the same kind the latest counts. An owner who voted on
paper therefore changes her vote on paper, not on her phone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

YES, NO, ABSTAIN = "yes", "no", "abstain"
WRITTEN_CHANNELS = frozenset({"paper"})


@dataclass(frozen=True)
class Fraction:
    num: int
    den: int

    def __post_init__(self) -> None:
        if self.den <= 0 or not 0 <= self.num <= self.den:
            raise ValueError(f"not a share: {self.num}/{self.den}")

    def __str__(self) -> str:
        return f"{self.num}/{self.den}"


@dataclass(frozen=True)
class Test:
    """part/whole must reach the fraction: at least (以上, inclusive) or, when `strict`, more
    than it (过半数, exclusive)."""

    fraction: Fraction
    strict: bool = False

    def met(self, part: int, whole: int) -> bool:
        if whole <= 0:
            return False  # nobody to measure against: a test is never met by default
        left, right = part * self.fraction.den, self.fraction.num * whole
        return left > right if self.strict else left >= right

    def describe(self) -> str:
        return f"{'>' if self.strict else '≥'} {self.fraction}"

    def snapshot(self) -> dict:
        return {"num": self.fraction.num, "den": self.fraction.den, "strict": self.strict}

    @classmethod
    def from_snapshot(cls, data: dict) -> Test:
        return cls(Fraction(int(data["num"]), int(data["den"])), bool(data["strict"]))


@dataclass(frozen=True)
class Rule:
    """The rule one vote is counted by (copied onto the vote when it opens)."""

    rule_set: str
    name: str
    matter: str
    binding: bool
    quorum_area: Test
    quorum_owners: Test
    pass_area: Test
    pass_owners: Test
    citation: str = ""

    def snapshot(self) -> dict:
        return {
            "rule_set": self.rule_set,
            "name": self.name,
            "matter": self.matter,
            "binding": self.binding,
            "quorum_area": self.quorum_area.snapshot(),
            "quorum_owners": self.quorum_owners.snapshot(),
            "pass_area": self.pass_area.snapshot(),
            "pass_owners": self.pass_owners.snapshot(),
            "citation": self.citation,
        }

    @classmethod
    def from_snapshot(cls, data: dict) -> Rule:
        return cls(
            rule_set=data["rule_set"],
            name=data["name"],
            matter=data["matter"],
            binding=bool(data["binding"]),
            quorum_area=Test.from_snapshot(data["quorum_area"]),
            quorum_owners=Test.from_snapshot(data["quorum_owners"]),
            pass_area=Test.from_snapshot(data["pass_area"]),
            pass_owners=Test.from_snapshot(data["pass_owners"]),
            citation=data.get("citation", ""),
        )


@dataclass(frozen=True)
class Share:
    """An area (hundredths of m²) and a number of voting persons."""

    area_cents: int = 0
    persons: int = 0

    def __add__(self, other: Share) -> Share:
        return Share(self.area_cents + other.area_cents, self.persons + other.persons)


@dataclass(frozen=True)
class Tally:
    total: Share
    participating: Share
    by_option: dict[str, Share] = field(default_factory=dict)

    def of(self, key: str) -> Share:
        return self.by_option.get(key, Share())


def tally(persons: Iterable[tuple[int, str]], options: Sequence[str]) -> Tally:
    """Count the roll: each voting person as (area in hundredths of m², the choice of her
    counted ballot, or "" if she has not voted). A choice not among `options` is an error."""
    total = Share()
    by_option = {key: Share() for key in options}
    for area, choice in persons:
        one = Share(area, 1)
        total += one
        if choice:
            if choice not in by_option:
                raise ValueError(f"choice {choice!r} is not an option")
            by_option[choice] += one
    participating = sum(by_option.values(), Share())
    return Tally(total=total, participating=participating, by_option=by_option)


def tally_from_groups(
    total: Share, groups: Iterable[tuple[str, int, int]], options: Sequence[str]
) -> Tally:
    """The same tally from the database's aggregate: (choice, area, persons) per choice."""
    by_option = {key: Share() for key in options}
    for choice, area, persons in groups:
        if not choice:
            continue
        if choice not in by_option:
            raise ValueError(f"choice {choice!r} is not an option")
        by_option[choice] += Share(int(area or 0), int(persons or 0))
    participating = sum(by_option.values(), Share())
    return Tally(total=total, participating=participating, by_option=by_option)


@dataclass(frozen=True)
class Check:
    """One test applied: part/whole against the rule's fraction."""

    part: int
    whole: int
    test: Test
    met: bool


@dataclass(frozen=True)
class Result:
    tally: Tally
    rule: Rule
    quorum_area: Check | None
    quorum_owners: Check | None
    pass_area: Check | None
    pass_owners: Check | None

    @property
    def quorum_met(self) -> bool | None:
        if not self.rule.binding:
            return None
        return self.quorum_area.met and self.quorum_owners.met

    @property
    def passed(self) -> bool | None:
        if not self.rule.binding:
            return None
        return bool(self.quorum_met and self.pass_area.met and self.pass_owners.met)

    @property
    def outcome(self) -> str:
        """advisory, passed, no_quorum (too few took part) or rejected."""
        if not self.rule.binding:
            return "advisory"
        if self.passed:
            return "passed"
        return "no_quorum" if not self.quorum_met else "rejected"


def judge(result_tally: Tally, rule: Rule, *, yes: str = YES) -> Result:
    """Apply the rule's quorum and pass tests to a tally (advisory polls have none)."""
    if not rule.binding:
        return Result(result_tally, rule, None, None, None, None)
    total, taking_part, approving = (
        result_tally.total,
        result_tally.participating,
        result_tally.of(yes),
    )

    def check(test: Test, part: int, whole: int) -> Check:
        return Check(part, whole, test, test.met(part, whole))

    return Result(
        result_tally,
        rule,
        quorum_area=check(rule.quorum_area, taking_part.area_cents, total.area_cents),
        quorum_owners=check(rule.quorum_owners, taking_part.persons, total.persons),
        pass_area=check(rule.pass_area, approving.area_cents, taking_part.area_cents),
        pass_owners=check(rule.pass_owners, approving.persons, taking_part.persons),
    )


class BallotLike(Protocol):
    seq: int
    channel: str


B = TypeVar("B", bound=BallotLike)


def counted_ballot(ballots: Iterable[B]) -> B | None:
    """The ballot of a voting person that counts: the latest written one if there is any,
    else the latest online one."""
    ballots = list(ballots)
    written = [b for b in ballots if b.channel in WRITTEN_CHANNELS]
    pool = written or ballots
    return max(pool, key=lambda b: b.seq) if pool else None


def percent(part: int, whole: int, places: int = 2) -> str:
    """part/whole as a percentage, rounded half up, in integers only ("66.67")."""
    if whole <= 0:
        return "0." + "0" * places if places else "0"
    scale = 10**places
    value = (part * 100 * scale * 2 + whole) // (2 * whole)
    if not places:
        return str(value)
    return f"{value // scale}.{value % scale:0{places}d}"
