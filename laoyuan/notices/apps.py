from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "laoyuan.notices"
    label = "notices"
    verbose_name = _("公示")

    def ready(self) -> None:
        # The subjects this app knows how to link (topics, meetings); other apps register their
        # own kinds (a vote, a project, an account statement) in their ready().
        from laoyuan.notices import subjects
        from laoyuan.notices.views import public

        subjects.register_builtin()
        public.register_notices_section()
