"""The hash chain of a vote (防篡改链): its events, proxies and ballots in one sequence.

Every row stores its place in the vote's sequence (`seq`, 1, 2, 3 …), the hash of the row
before it and the hash of its own content together with that previous hash. The hash is an
HMAC keyed from LAOYUAN_DATA_KEY, so someone who can write to the database but does not hold
the key cannot forge a row that checks. The vote keeps the length and the last hash of its
chain; the closing event holds the result, and the result PDF prints the last hash.

`verify` walks a vote's chain and reports, in Chinese, every row changed, inserted or deleted
behind the system's back, and also a roll or a counted ballot that no longer matches what the
chain says (`laoyuan verify-votes`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

from laoyuan.decisions.votes.models import Ballot, Proxy, Vote, VoteEvent

GENESIS = "0" * 64


@lru_cache(maxsize=4)
def _key(master_b64: str) -> bytes:
    master = base64.urlsafe_b64decode(master_b64.encode() + b"=" * (-len(master_b64) % 4))
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"laoyuan-vote-chain").derive(
        master
    )


def _moment(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def content_of(row: models.Model) -> dict:
    """What a row's hash covers: every field that says what happened, when and by whom."""
    common = {"vote": row.vote_id, "seq": row.seq, "at": _moment(row.at)}
    if isinstance(row, VoteEvent):
        return {
            **common,
            "type": "event",
            "actor": row.actor_id,
            "kind": row.kind,
            "from": row.from_status,
            "to": row.to_status,
            "note": row.note,
            "data": row.data,
        }
    if isinstance(row, Proxy):
        return {
            **common,
            "type": "proxy",
            "person": row.person_id,
            "owner": row.owner_id,
            "proxy_name": row.proxy_name,
            "proxy_resident": row.proxy_resident_id,
            "scan_sha256": row.scan_sha256,
            "note": row.note,
            "recorded_by": row.recorded_by_id,
        }
    if isinstance(row, Ballot):
        return {
            **common,
            "type": "ballot",
            "person": row.person_id,
            "owner": row.owner_id,
            "choice": row.choice,
            "channel": row.channel,
            "proxy": row.proxy_id,
            "ballot_number": row.ballot_number,
            "received_at": _moment(row.received_at),
            "scan_sha256": row.scan_sha256,
            "cast_by": row.cast_by_id,
            "replaces": row.replaces_id,
        }
    raise TypeError(f"{type(row).__name__} is not part of a vote's chain")


def seal(content: dict, prev_hash: str) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    message = f"{prev_hash}\n{canonical}".encode()
    return hmac.new(_key(settings.LAOYUAN_DATA_KEY), message, hashlib.sha256).hexdigest()


def append(vote: Vote, row: VoteEvent | Proxy | Ballot) -> None:
    """Give `row` the next place in the vote's chain and save it, and move the vote's head.
    The caller holds the vote's row lock (select_for_update), so places never collide."""
    row.vote = vote
    row.seq = vote.chain_length + 1
    row.prev_hash = vote.chain_head or GENESIS
    row.hash = seal(content_of(row), row.prev_hash)
    row.save()
    vote.chain_length, vote.chain_head = row.seq, row.hash
    Vote.objects.filter(pk=vote.pk).update(chain_length=row.seq, chain_head=row.hash)


def rows_of(vote: Vote) -> list[VoteEvent | Proxy | Ballot]:
    """The vote's chain in order (three queries)."""
    rows: list = [
        *VoteEvent.objects.filter(vote=vote),
        *Proxy.objects.filter(vote=vote),
        *Ballot.objects.filter(vote=vote),
    ]
    kinds = {VoteEvent: 0, Proxy: 1, Ballot: 2}
    return sorted(rows, key=lambda r: (r.seq, kinds[type(r)], r.pk))


@dataclass(frozen=True)
class Problem:
    seq: int | None
    message: str


def _label(row) -> str:
    if isinstance(row, VoteEvent):
        return f"表决记录（{row.get_kind_display()}，编号{row.pk}）"
    if isinstance(row, Proxy):
        return f"委托记录（编号{row.pk}）"
    return f"表决票（编号{row.pk}）"


def verify_chain(vote: Vote, rows: list | None = None) -> list[Problem]:
    """Problems with the chain itself: changed, inserted or deleted rows."""
    rows = rows_of(vote) if rows is None else rows
    problems: list[Problem] = []
    expected_seq, expected_prev = 1, GENESIS
    for row in rows:
        gap = row.seq > expected_seq
        if gap:
            missing = (
                f"第{expected_seq}条"
                if row.seq == expected_seq + 1
                else f"第{expected_seq}至{row.seq - 1}条"
            )
            problems.append(Problem(expected_seq, f"{missing}记录不见了（被删除）"))
        elif row.seq < expected_seq:
            problems.append(Problem(row.seq, f"第{row.seq}条位置上多出一条{_label(row)}（被插入）"))
            continue
        if row.prev_hash != expected_prev and not gap:
            problems.append(
                Problem(
                    row.seq,
                    f"第{row.seq}条{_label(row)}与前一条接不上（前面有记录被改动、插入或删除）",
                )
            )
        if seal(content_of(row), row.prev_hash) != row.hash:
            problems.append(Problem(row.seq, f"第{row.seq}条{_label(row)}的内容被改动过"))
        expected_seq, expected_prev = row.seq + 1, row.hash
    last_seq = expected_seq - 1
    if vote.chain_length != last_seq or (vote.chain_head or GENESIS) != expected_prev:
        if vote.chain_length > last_seq:
            problems.append(
                Problem(
                    last_seq + 1,
                    f"最后的第{last_seq + 1}至{vote.chain_length}条记录不见了（被删除）",
                )
            )
        else:
            problems.append(Problem(None, "表决的链尾与记录不符（链尾被改动，或有记录被插入）"))
    return problems
