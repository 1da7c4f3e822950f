"""A URLconf with a view that fails, to see the 500 page."""

from django.urls import path

from roundtable.urls import handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("this must not reach the visitor")


urlpatterns = [*urlpatterns, path("boom/", boom)]
