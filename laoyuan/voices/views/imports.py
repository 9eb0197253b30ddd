"""imports pages of voices (filled in by its owner)."""

urlpatterns: list = []
