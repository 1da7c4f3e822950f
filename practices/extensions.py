"""Places where apps after ``practices`` add to its pages without ``practices`` importing them.

``my_zone_sections``: callables ``(request, zones) -> dict | None``, registered by a later app
in its ``AppConfig.ready()``. Each returns the context of one section of "My zone's work", with
the template to render under the key ``template`` (or ``None`` to show nothing).
"""

my_zone_sections: list = []


def register_my_zone_section(section) -> None:
    if section not in my_zone_sections:
        my_zone_sections.append(section)
