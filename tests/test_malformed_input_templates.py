"""The strict templates of the tests (tests/template_strict.py): a variable our templates read
and the view did not give fails the test; third-party templates keep Django's leniency."""

import contextlib

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from .template_strict import MissingTemplateVariable


def test_a_missing_variable_in_our_template_fails(strict_templates):
    # The swatch reads {{ zone.colour }}: without a zone it is a missing variable.
    with pytest.raises(MissingTemplateVariable, match=r"zone_swatch\.html, line 1: .*zone\.colour"):
        render_to_string("includes/zone_swatch.html", {})
    assert len(strict_templates.failures) == 1
    strict_templates.failures.clear()  # seen: the autouse check must not fail this test


def test_a_misspelt_attribute_in_our_template_fails(strict_templates):
    class Zone:
        color = "#336699"  # the American spelling: the template asks for ``colour``

    with pytest.raises(MissingTemplateVariable, match=r"zone\.colour"):
        render_to_string("includes/zone_swatch.html", {"zone": Zone()})
    strict_templates.failures.clear()


def test_our_template_with_its_variables_renders(strict_templates):
    class Zone:
        colour = "#336699"

    assert 'fill="#336699"' in render_to_string("includes/zone_swatch.html", {"zone": Zone()})
    assert strict_templates.failures == []


def test_a_failure_swallowed_by_code_still_fails_the_test(strict_templates):
    # What a careless try/except in a view or a template tag would do:
    with contextlib.suppress(MissingTemplateVariable):
        render_to_string("includes/zone_swatch.html", {})
    assert strict_templates.failures, "the autouse check would fail the test after it"
    strict_templates.failures.clear()


def test_templates_that_are_not_ours_keep_django_defaults(strict_templates):
    rendered = Template("[{{ missing }}|{{ missing|default:'none' }}|{{ a.b.c }}]").render(
        Context({})
    )
    assert rendered == "[|none|]"
    assert strict_templates.failures == []


@pytest.mark.django_db
def test_the_admin_reads_missing_variables_without_failing(staff_client, strict_templates):
    for url in ("/admin/", "/admin/practices/practice/", "/admin/zones/zone/"):
        assert staff_client.get(url).status_code == 200, url
    assert strict_templates.failures == []
