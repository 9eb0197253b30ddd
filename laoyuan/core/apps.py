from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "laoyuan.core"
    label = "core"
    verbose_name = "核心"
