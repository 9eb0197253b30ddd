from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "laoyuan.decisions"
    label = "decisions"
    verbose_name = _("议事与决策")
