"""Open data JSON API, version 1."""

urlpatterns: list[object] = []
