"""Meeting pages."""

urlpatterns: list = []
