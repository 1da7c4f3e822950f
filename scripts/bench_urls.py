"""The portal's URLs plus the benchmark's reference: a bare Django view that renders a
template without touching the database (bench_settings only, so production has no such URL)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from roundtable.urls import *  # noqa: F403
from roundtable.urls import urlpatterns as portal_urlpatterns

# About the size of a small page: a heading and a list of twenty links.
BARE_TEMPLATE = engines["django"].from_string(
    """<!doctype html><html lang="it"><head><meta charset="utf-8"><title>{{ title }}</title>
</head><body><main><h1>{{ title }}</h1><ul>
{% for item in items %}<li><a href="/pratiche/{{ item }}/">Pratica {{ item }}</a></li>{% endfor %}
</ul></main></body></html>"""
)


def bare(request):
    context = {"title": "Riferimento", "items": range(20)}
    return HttpResponse(BARE_TEMPLATE.render(context))


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *portal_urlpatterns]
