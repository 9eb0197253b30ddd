from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "laoyuan.decisions"
    label = "decisions"
    verbose_name = _("议事与决策")

    def ready(self) -> None:
        # A notice publishing a vote's result links back to the vote: staff to its page, an
        # owner to her portal page of it (she reaches a vote by being on its roll, not by place).
        from laoyuan.decisions.votes import queries
        from laoyuan.notices import subjects

        subjects.register(
            "decisions.vote",
            subjects.SubjectKind(
                label=_("表决"),
                staff_url="decisions:vote",
                staff_permission="votes.view",
                portal_url="decisions:portal_vote",
                portal_permission="portal.vote",
                portal_objects=queries.portal_votes,
            ),
        )
