from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "laoyuan.registry"
    label = "registry"
    verbose_name = "地点与人口"
