"""Places where apps after ``practices`` add to its pages without ``practices`` importing them.

``my_zone_sections``: callables ``(request, zones) -> dict | None``, registered by a later app
in its ``AppConfig.ready()``. Each returns the context of one section of "My zone's work", with
the template to render under the key ``template`` (or ``None`` to show nothing).

``practice_sections``: callables ``(request, practice) -> dict | None``, the same for a
practice's page (the Round Table's agenda items and actions that link the practice, say). Each
must run a constant number of queries: the page's query count is pinned by tests.
"""

my_zone_sections: list = []
practice_sections: list = []


def register_my_zone_section(section) -> None:
    if section not in my_zone_sections:
        my_zone_sections.append(section)


def register_practice_section(section) -> None:
    if section not in practice_sections:
        practice_sections.append(section)
