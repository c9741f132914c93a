"""Pages."""

urlpatterns: list[object] = []
