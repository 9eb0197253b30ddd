"""`laoyuan create-api-token USERNAME --name NAME`: issue an API token (API 令牌) on the console.

Also `--revoke PREFIX` to revoke one and `--list` to see a user's tokens. The secret is printed
once, alone on stdout so a script can capture it, and never stored; only its hash is. The module
name has hyphens on purpose: Django finds commands by file name, and this is the name operators
type.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.timezone import localtime

from laoyuan.core.actions import api_token_create, api_token_revoke
from laoyuan.core.models import ApiToken, User


class Command(BaseCommand):
    help = "为用户签发 API 令牌（密钥只显示这一次），或列出、撤销令牌。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", help="令牌所代表的用户名")
        parser.add_argument("--name", help="令牌用途，例如“花名册同步脚本”")
        parser.add_argument("--revoke", metavar="PREFIX", help="撤销前缀为 PREFIX 的令牌")
        parser.add_argument(
            "--list", action="store_true", dest="list_tokens", help="列出该用户的令牌"
        )

    def handle(
        self,
        *args,
        username: str | None,
        name: str | None,
        revoke: str | None,
        list_tokens: bool,
        **options,
    ) -> None:
        user = self._user(username) if username else None
        if revoke:
            self._revoke(revoke, user)
        elif list_tokens:
            if user is None:
                raise CommandError("--list 需要指定用户名")
            self._list(user)
        else:
            if user is None:
                raise CommandError(
                    "请指定用户名（并用 --name 说明用途），或用 --revoke PREFIX 撤销"
                )
            if not name:
                raise CommandError("缺少 --name：请说明令牌的用途")
            self._create(user, name)

    def _user(self, username: str) -> User:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"没有用户名为 {username!r} 的用户") from exc

    def _create(self, user: User, name: str) -> None:
        if not user.is_active:
            raise CommandError(f"用户 {user.username!r} 已停用，令牌将无法使用")
        try:
            token, secret = api_token_create(actor=None, user=user, name=name)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stderr.write(
            f"已为 {user.username} 签发令牌 {token.prefix}…（{token.name}）。"
            "请立即复制下面的密钥：它只显示这一次。"
        )
        self.stdout.write(secret)

    def _revoke(self, prefix: str, user: User | None) -> None:
        tokens = ApiToken.objects.select_related("user").filter(prefix=prefix)
        if user is not None:
            tokens = tokens.filter(user=user)
        found = list(tokens[:2])
        if not found:
            raise CommandError(f"没有前缀为 {prefix!r} 的令牌")
        if len(found) > 1:
            raise CommandError(f"有多个令牌的前缀为 {prefix!r}，请同时指定用户名")
        token = found[0]
        if token.revoked_at is not None:
            self.stdout.write(
                f"令牌 {token.prefix}… 已于 {localtime(token.revoked_at):%Y-%m-%d %H:%M} 撤销"
            )
            return
        api_token_revoke(actor=None, token=token)
        self.stdout.write(f"已撤销 {token.user.username} 的令牌 {token.prefix}…（{token.name}）")

    def _list(self, user: User) -> None:
        tokens = list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))
        if not tokens:
            self.stdout.write(f"{user.username} 没有令牌")
        for t in tokens:
            state = f"已撤销 {localtime(t.revoked_at):%Y-%m-%d %H:%M}" if t.revoked_at else "有效"
            used = f"{localtime(t.last_used_at):%Y-%m-%d %H:%M}" if t.last_used_at else "从未使用"
            self.stdout.write(
                f"{t.prefix}\t{t.name}\t创建于 {localtime(t.created_at):%Y-%m-%d %H:%M}\t"
                f"最近使用 {used}\t{state}"
            )
