"""The practices section. The catalogue itself arrives with the practices issue."""

from django.shortcuts import render


def index(request):
    return render(request, "practices/index.html", {"section": "practices"})
