from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenewalConfig(AppConfig):
    name = "laoyuan.renewal"
    label = "renewal"
    verbose_name = _("老旧小区改造")

    def ready(self) -> None:
        # A notice about a project links back to it (staff: the project page; residents: the
        # portal's project page), and the compound's public page lists its projects.
        from laoyuan.notices import subjects
        from laoyuan.notices.public_page import Section, register_section
        from laoyuan.renewal.queries.links import public_projects

        subjects.register(
            "renewal.project",
            subjects.SubjectKind(
                label=_("改造项目"),
                staff_url="renewal:project",
                staff_permission="renewal.view",
                portal_url="renewal:portal_project",
                portal_permission="portal.renewal",
            ),
        )
        register_section(
            Section(
                key="renewal_projects",
                order=20,
                template="renewal/public/_projects.html",
                context=public_projects,
            )
        )
