from django.urls import path

from laoyuan.registry import import_views, views

app_name = "registry"
urlpatterns = [
    path("workspace/", views.workspace, name="workspace"),
    path("communities/<int:pk>/", views.community_detail, name="community"),
    path("compounds/<int:pk>/", views.compound_detail, name="compound"),
    path("compounds/<int:pk>/ages/", views.age_structure, name="age_structure"),
    path("buildings/<int:pk>/", views.building_detail, name="building"),
    path("grids/<int:pk>/", views.grid_detail, name="grid"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("residents/", views.resident_list, name="residents"),
    path("residents/<int:pk>/", views.resident_detail, name="resident"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="resident_edit"),
    path("residents/<int:pk>/reveal/", views.resident_reveal, name="resident_reveal"),
    path("households/<int:pk>/residents/new/", views.resident_create, name="resident_create"),
    path("portal/", views.portal, name="portal"),
    path("portal/residents/<int:pk>/reveal/", views.portal_reveal, name="portal_reveal"),
    # Roster import (花名册导入)
    path("imports/template.xlsx", import_views.template_download, name="import_template"),
    path("compounds/<int:pk>/imports/new/", import_views.import_upload, name="import_upload"),
    path("imports/", import_views.import_list, name="imports"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/commit/", import_views.import_commit, name="import_commit"),
    path("imports/<int:pk>/rejected.xlsx", import_views.rejected_download, name="import_rejected"),
    path("imports/<int:pk>/original", import_views.original_download, name="import_original"),
]
