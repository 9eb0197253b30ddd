from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenewalConfig(AppConfig):
    name = "laoyuan.renewal"
    label = "renewal"
    verbose_name = _("老旧小区改造")
