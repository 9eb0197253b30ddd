from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoicesConfig(AppConfig):
    name = "laoyuan.voices"
    label = "voices"
    verbose_name = _("社情民意")
