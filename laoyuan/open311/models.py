"""What Open311 adds to a case (工单): how it came in.

The case itself (place, category, description, the reporter's name and sealed phone, the clocks)
lives in the cases app and is opened through its action; `Submission` keeps what only the
Open311 client knows and a staff member may need to trace it: which API key sent it, the client's
account and device ids, the media URL it pointed at, and how its location was placed on a
compound. An e-mail address is never stored (nothing here writes e-mail to outside reporters;
PIPL art. 6: collect no more than the purpose needs).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laoyuan.cases.models import Case
from laoyuan.core.models import TimeStamped

CLIENT_ID_MAX = 64
MEDIA_URL_MAX = 500


class LocatedBy(models.TextChoices):
    ADDRESS_ID = "address_id", _("小区编码（address_id）")
    ADDRESS_STRING = "address_string", _("地址文字（address_string）")


class Submission(TimeStamped):
    """One service request received through the Open311 endpoint; its case has source
    "open311". Append-only: written once by `actions.request_submit`, never changed."""

    case = models.OneToOneField(
        Case, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="open311"
    )
    # The key that sent it (kept when the key is revoked; gone only if its row is deleted).
    token = models.ForeignKey(
        "core.ApiToken",
        verbose_name=_("API 令牌"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("令牌所属账号"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    jurisdiction = models.CharField(_("辖区编码"), max_length=32)
    located_by = models.CharField(_("定位方式"), max_length=16, choices=LocatedBy.choices)
    # The client's own identifiers, as sent (the spec's account_id and device_id).
    account_id = models.CharField(_("客户端账号编号"), max_length=CLIENT_ID_MAX, blank=True)
    device_id = models.CharField(_("客户端设备编号"), max_length=CLIENT_ID_MAX, blank=True)
    # A link the client gave (never fetched by the server: no request goes out to an address
    # chosen by a client), shown to staff as a link only.
    media_url = models.URLField(_("媒体链接"), max_length=MEDIA_URL_MAX, blank=True)

    scope_paths = {level: f"case__{path}" for level, path in Case.scope_paths.items()}

    class Meta:
        verbose_name = _("Open311 提交")
        verbose_name_plural = _("Open311 提交")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at"], name="open311_submission_created")]

    def __str__(self) -> str:
        return f"Open311 {self.case.request_id}"
