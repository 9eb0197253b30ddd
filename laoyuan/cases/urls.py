"""Pages of case work (工单). Each area's module declares its own routes."""

from django.urls import path

from laoyuan.cases.views import cases, levels, origins, parties, portal, stats, supervision, work

app_name = "cases"
urlpatterns = [
    path("cases/", cases.case_list, name="list"),
    path("cases/new/", cases.case_new, name="new"),
    path("cases/board/", supervision.board, name="board"),
    path("cases/stats/", stats.stats_page, name="stats"),
    path("cases/stats.xlsx", stats.stats_export, name="stats_export"),
    path("cases/<int:pk>/", cases.case_detail, name="detail"),
    path("cases/<int:pk>/reveal/", cases.case_reveal, name="reveal"),
    path("cases/<int:pk>/receipt.pdf", cases.case_receipt, name="receipt"),
    path("cases/photos/<int:pk>/", cases.case_photo, name="photo"),
    *work.urlpatterns,
    path("cases/notices/<int:pk>.pdf", supervision.notice_pdf, name="notice_pdf"),
    path("cases/notices/<int:pk>/answer/", supervision.notice_answer, name="notice_answer"),
    path("cases/from-topic/<int:pk>/", origins.from_topic, name="from_topic"),
    path("cases/from-decision/<int:pk>/", origins.from_decision, name="from_decision"),
    path("cases/parties/", parties.party_list, name="parties"),
    path("cases/parties/new/", parties.party_new, name="party_new"),
    path("cases/parties/<int:pk>/", parties.party_detail, name="party"),
    path("cases/parties/<int:pk>/edit/", parties.party_edit, name="party_edit"),
    path("cases/parties/<int:pk>/contacts/", parties.contact_add, name="contact_add"),
    path("cases/parties/<int:pk>/members/", parties.member_add, name="member_add"),
    path("cases/contacts/<int:pk>/reveal/", parties.contact_reveal, name="contact_reveal"),
    path("cases/contacts/<int:pk>/remove/", parties.contact_remove, name="contact_remove"),
    path("cases/service-levels/", levels.level_list, name="levels"),
    path("cases/service-levels/<int:pk>/", levels.level_edit, name="level_edit"),
    path("portal/cases/", portal.portal_cases, name="portal_cases"),
    path("portal/cases/new/", portal.portal_new, name="portal_new"),
    path("portal/cases/<int:pk>/", portal.portal_case, name="portal_case"),
    # The public progress page (no login): its address holds an unguessable token.
    path("p/<str:token>/", portal.public_progress, name="public_progress"),
]
