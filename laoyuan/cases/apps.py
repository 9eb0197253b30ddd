from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    name = "laoyuan.cases"
    label = "cases"
    verbose_name = "工单"

    def ready(self) -> None:
        from laoyuan.cases.categories import seed_after_migrate

        # The shipped categories and their default service levels are reference data, written
        # (never overwritten) after every migrate and after a test database is flushed, the way
        # Django writes its own permissions and content types.
        post_migrate.connect(seed_after_migrate, sender=self)
