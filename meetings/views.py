"""The meetings section. Meetings themselves arrive with the meetings issue."""

from django.shortcuts import render


def index(request):
    return render(request, "meetings/index.html", {"section": "meetings"})
