"""Casting and entering ballots (投票与录票), and recording written proxies (委托投票).

- Online (线上): an owner votes on her phone for a voting person she belongs to (her
  portal account speaks for a resident who is one of its owners on the frozen roll), or for one
  whose owner gave her a written proxy that staff recorded. Only between the opening and the
  closing time. Voting the same again changes nothing; another choice replaces the earlier
  ballot in the count, and both stay in the chain.
- Paper (纸质): staff type in a signed paper ballot with its number (票号, once per vote), the
  moment it was handed in (no later than the closing time) and its scan (sealed: it shows the
  owner's name and signature), cast by an owner or by her proxy.
- Which ballot counts is `counting.counted_ballot`: a paper ballot prevails over online ones;
  among ballots of one kind the latest counts. A second paper ballot of the same voting person
  is refused unless staff say it replaces the first; an owner who voted on paper is told to
  change it on paper. A person who voted online and on paper is listed for the organiser.

Every write takes the vote's row lock first, so ballots of one vote are written one at a time:
each gets the next place in the chain and the counted ballot of its person is recomputed from
all her ballots under that lock (exactly one counted ballot per voting person, however many
arrive at once).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission, visible
from laoyuan.decisions.plan_actions import residents_of
from laoyuan.decisions.votes import chain, counting
from laoyuan.decisions.votes.models import (
    Ballot,
    BallotChannel,
    Proxy,
    RollOwner,
    Vote,
    VoteStatus,
    VotingPerson,
)
from laoyuan.registry.models import Resident

MAX_SCAN_BYTES = 10 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "MPO": "jpg"}


def _locked(vote: Vote) -> Vote:
    return Vote.objects.select_for_update().get(pk=vote.pk)


def _when(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def checked_scan(upload: UploadedFile | None, field: str = "scan") -> tuple[ContentFile, str]:
    """A scan as stored (sealed): a PDF as it came, a photo re-encoded without its EXIF (no
    GPS position); and the SHA-256 of what is stored, which the chain covers."""
    if upload is None:
        raise ValidationError({field: _("请上传扫描件或照片（PDF、JPG、PNG）。")})
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_SCAN_BYTES:
        raise ValidationError({field: _("扫描件太大：不超过10MB。")})
    upload.seek(0)
    data = upload.read(MAX_SCAN_BYTES + 1)
    if len(data) > MAX_SCAN_BYTES:
        raise ValidationError({field: _("扫描件太大：不超过10MB。")})
    if not data:
        raise ValidationError({field: _("上传的文件是空的。")})
    if data.startswith(b"%PDF-"):
        return ContentFile(data, name="scan.pdf"), hashlib.sha256(data).hexdigest()
    from PIL import Image, ImageOps

    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in IMAGE_FORMATS or image.width * image.height > 60_000_000:
            raise ValueError(image.format)
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=88)
    except Exception as exc:  # Pillow raises many kinds for broken or disguised files
        raise ValidationError(
            {field: _("不是可识别的扫描件：请上传 PDF 或照片（JPG、PNG）。")}
        ) from exc
    stored = out.getvalue()
    return ContentFile(stored, name="scan.jpg"), hashlib.sha256(stored).hexdigest()


def _recount(person: VotingPerson) -> Ballot | None:
    """Recompute the ballot that counts for the person from all her ballots."""
    ballots = list(
        Ballot.objects.filter(person=person).only("pk", "seq", "channel", "choice", "at")
    )
    chosen = counting.counted_ballot(ballots)
    VotingPerson.objects.filter(pk=person.pk).update(
        counted_ballot=chosen,
        counted_choice=chosen.choice if chosen else "",
        counted_channel=chosen.channel if chosen else "",
        counted_at=chosen.at if chosen else None,
    )
    return chosen


def _choice(vote: Vote, choice: str) -> str:
    if choice not in {o["key"] for o in vote.options}:
        raise ValidationError({"choice": _("请选择一个选项。")})
    return choice


def _counted(person: VotingPerson) -> Ballot | None:
    if person.counted_ballot_id is None:
        return None
    return Ballot.objects.get(pk=person.counted_ballot_id)


def voice_of(user: User, person: VotingPerson) -> tuple[RollOwner, Proxy | None] | None:
    """As whom the user may vote for the person: one of its owners (her account speaks for
    that owner's resident), or the proxy of one of them; None if neither."""
    ids = residents_of(user)
    if not ids:
        return None
    owner = RollOwner.objects.filter(person=person, resident_id__in=ids).order_by("pk").first()
    if owner is not None:
        return owner, None
    proxy = (
        Proxy.objects.filter(person=person, proxy_resident_id__in=ids)
        .select_related("owner")
        .order_by("-seq")
        .first()
    )
    if proxy is not None:
        return proxy.owner, proxy
    return None


@transaction.atomic
def ballot_cast_online(*, actor: User, vote: Vote, person: VotingPerson, choice: str) -> Ballot:
    """An owner (or her proxy) votes on her phone for one voting person."""
    if not has_permission(actor, "portal.vote"):
        raise PermissionDenied("portal.vote")
    vote = _locked(vote)
    person = VotingPerson.objects.select_for_update().get(pk=person.pk)
    voice = voice_of(actor, person) if person.vote_id == vote.pk else None
    if voice is None:
        raise PermissionDenied("portal.vote")
    owner, proxy = voice
    now = timezone.now()
    if vote.status != VoteStatus.OPEN:
        raise ValidationError(
            _("这次表决{state}，不能再投票。").format(state=vote.get_status_display())
        )
    if now < vote.opens_at:
        raise ValidationError(_("投票还没开始：{at}开始。").format(at=_when(vote.opens_at)))
    if now >= vote.closes_at:
        raise ValidationError(_("投票已经截止（{at}）。").format(at=_when(vote.closes_at)))
    choice = _choice(vote, choice)
    counted = _counted(person)
    if counted is not None and counted.channel == BallotChannel.PAPER:
        raise ValidationError(
            _(
                "您的纸质表决票已经登记（票号{number}），以纸质票为准，手机上不能再改。"
                "如需改变，请到社区或业委会重新填写纸质表决票。"
            ).format(number=counted.ballot_number)
        )
    if (
        counted is not None
        and counted.choice == choice
        and counted.owner_id == owner.pk
        and counted.proxy_id == (proxy.pk if proxy else None)
    ):
        return counted  # the same again: nothing changed
    ballot = Ballot(
        person=person,
        owner=owner,
        choice=choice,
        channel=BallotChannel.ONLINE,
        proxy=proxy,
        cast_by=actor,
        at=now,
        replaces=counted,
    )
    chain.append(vote, ballot)
    _recount(person)
    audit_log(
        actor=actor,
        action="vote.ballot.online",
        obj=vote,
        changes={"person": person.number, "seq": ballot.seq, "proxy": bool(proxy)},
    )
    return ballot


@dataclass
class PaperBallot:
    """A signed paper ballot as staff type it in."""

    owner: RollOwner
    choice: str
    ballot_number: str
    received_at: dt.datetime | None
    scan: UploadedFile | None
    proxy: Proxy | None = None
    # Staff confirm that this paper ballot replaces the person's earlier paper ballot.
    replaces_paper: bool = False


def _may_enter(actor: User, vote: Vote, person_id: int) -> None:
    if not has_permission(actor, "votes.enter", vote):
        raise PermissionDenied("votes.enter")
    if not visible(actor, VotingPerson, "votes.enter").filter(pk=person_id).exists():
        raise PermissionDenied("votes.enter")


@transaction.atomic
def ballot_enter_paper(*, actor: User, vote: Vote, paper: PaperBallot) -> Ballot:
    """Type in a signed paper ballot with its number, when it was handed in and its scan."""
    owner = paper.owner
    if owner.vote_id != vote.pk:
        raise ValidationError({"owner": _("这位业主不在本次表决的名册上。")})
    _may_enter(actor, vote, owner.person_id)
    vote = _locked(vote)
    person = VotingPerson.objects.select_for_update().get(pk=owner.person_id)
    if vote.status != VoteStatus.OPEN:
        raise ValidationError(
            _("这次表决{state}，不能再录入表决票。").format(state=vote.get_status_display())
        )
    problems: dict[str, str] = {}
    if paper.choice not in {o["key"] for o in vote.options}:
        problems["choice"] = _("请选择表决票上勾选的选项。")
    number = (paper.ballot_number or "").strip()
    if not number:
        problems["ballot_number"] = _("请填写表决票上的票号。")
    elif len(number) > 40 or any(ord(c) < 32 for c in number):
        problems["ballot_number"] = _("票号最多40个字符，不能有换行。")
    else:
        twin = (
            Ballot.objects.filter(vote=vote, ballot_number=number).select_related("person").first()
        )
        if twin is not None:
            problems["ballot_number"] = _(
                "票号{number}已经录入过（{who}，{at}）：同一张票只录一次。"
            ).format(number=number, who=twin.person.label, at=_when(twin.at))
    now = timezone.now()
    received = paper.received_at
    if received is not None and timezone.is_naive(received):
        received = timezone.make_aware(received)  # a time without a zone is local time
    if received is None:
        problems["received_at"] = _("请填写收到这张票的时间。")
    elif received < vote.opens_at:
        problems["received_at"] = _("收票时间早于投票开始时间（{at}）。").format(
            at=_when(vote.opens_at)
        )
    elif received > vote.closes_at:
        problems["received_at"] = _("这张票在截止时间（{at}）之后才收到，不能计入。").format(
            at=_when(vote.closes_at)
        )
    elif received > now:
        problems["received_at"] = _("收票时间不能晚于现在。")
    proxy = paper.proxy
    if proxy is not None and (proxy.vote_id != vote.pk or proxy.owner_id != owner.pk):
        problems["proxy"] = _("所选委托不是这位业主的。")
    counted = _counted(person)
    if counted is not None and counted.channel == BallotChannel.PAPER and not paper.replaces_paper:
        problems["replaces_paper"] = _(
            "“{who}”已有一张纸质票（票号{number}）。如果这是业主重新填写、用来替换原票的新票，"
            "请勾选“替换原纸质票”；否则请核对是否重复录入。"
        ).format(who=person.label, number=counted.ballot_number)
    try:
        scan, digest = checked_scan(paper.scan)
    except ValidationError as exc:
        problems.update(exc.message_dict)
        scan = digest = None
    if problems:
        raise ValidationError(problems)
    ballot = Ballot(
        person=person,
        owner=owner,
        choice=paper.choice,
        channel=BallotChannel.PAPER,
        proxy=proxy,
        ballot_number=number,
        received_at=received,
        scan_sha256=digest,
        cast_by=actor,
        at=now,
        replaces=counted,
    )
    ballot.scan.save(scan.name, scan, save=False)
    chain.append(vote, ballot)
    _recount(person)
    audit_log(
        actor=actor,
        action="vote.ballot.paper",
        obj=vote,
        changes={
            "person": person.number,
            "seq": ballot.seq,
            "ballot_number": number,
            "proxy": bool(proxy),
            "replaced_online": bool(counted and counted.channel == BallotChannel.ONLINE),
        },
    )
    return ballot


@transaction.atomic
def proxy_record(
    *,
    actor: User,
    vote: Vote,
    owner: RollOwner,
    proxy_name: str,
    scan: UploadedFile | None,
    proxy_resident: Resident | None = None,
    note: str = "",
) -> Proxy:
    """Record a written proxy (授权委托书): who may vote for which owner, with its scan. With
    `proxy_resident`, the proxy may also vote online from her own portal account."""
    if owner.vote_id != vote.pk:
        raise ValidationError({"owner": _("这位业主不在本次表决的名册上。")})
    _may_enter(actor, vote, owner.person_id)
    vote = _locked(vote)
    if vote.status != VoteStatus.OPEN:
        raise ValidationError(
            _("这次表决{state}，不能再登记委托。").format(state=vote.get_status_display())
        )
    problems: dict[str, str] = {}
    name = (proxy_name or "").strip()
    if not name:
        problems["proxy_name"] = _("请填写受托人姓名。")
    elif len(name) > 60 or any(ord(c) < 32 for c in name):
        problems["proxy_name"] = _("受托人姓名最多60个字。")
    note = (note or "").strip()
    if len(note) > 200:
        problems["note"] = _("备注最多200个字。")
    if proxy_resident is not None and proxy_resident.pk == owner.resident_id:
        problems["proxy_resident"] = _("业主本人投票不需要委托。")
    try:
        content, digest = checked_scan(scan)
    except ValidationError as exc:
        problems.update(exc.message_dict)
        content = digest = None
    if problems:
        raise ValidationError(problems)
    proxy = Proxy(
        person_id=owner.person_id,
        owner=owner,
        proxy_name=name,
        proxy_resident=proxy_resident,
        scan_sha256=digest,
        note=note,
        recorded_by=actor,
        at=timezone.now(),
    )
    proxy.scan.save(content.name, content, save=False)
    chain.append(vote, proxy)
    audit_log(
        actor=actor,
        action="vote.proxy",
        obj=vote,
        changes={"owner": owner.owner_id, "seq": proxy.seq, "online": bool(proxy_resident)},
    )
    return proxy


def scan_open(*, actor: User, row: Ballot | Proxy) -> File:
    """Open the scan of a paper ballot or a written proxy (it shows names and signatures: only
    organisers, and each opening is logged like a reveal of personal data)."""
    if not has_permission(actor, "votes.organise", row.vote):
        raise PermissionDenied("votes.organise")
    if not row.scan:
        raise ValidationError(_("没有扫描件。"))
    audit_log(
        actor=actor,
        action="pii.reveal.vote_scan",
        obj=row.vote,
        changes={"row": f"{type(row).__name__.lower()}:{row.pk}", "seq": row.seq},
    )
    return row.scan.open("rb")
