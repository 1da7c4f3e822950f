"""Strict templates in tests: reading a variable that does not exist fails the test.

Django renders a missing variable (``{{ tipo }}`` for ``{{ tipo_pratica }}``, ``{{ obj.titel }}``,
a filter argument such as ``{{ x|date:formato }}``) as an empty string, so a typo in a template
hides. Django's ``string_if_invalid`` option is the hook: when ``FilterExpression.resolve`` cannot
resolve a variable and the option is truthy and contains ``%s``, it returns
``string_if_invalid % variable``. :class:`StrictInvalid` is a ``str`` containing ``%s`` whose
``__mod__`` looks up the call stack for the template node being rendered; every node carries the
``origin`` of the template file it was parsed from, so this names the file that reads the
variable, even inside ``{% include %}``, ``{% extends %}`` blocks or inclusion tags.

- A node of OUR templates (``templates/`` and the apps' ``templates/`` folders): the failure is
  recorded and :class:`MissingTemplateVariable` raised, which the test client re-raises. The
  record makes the test fail even if some code swallowed the exception (the autouse fixture
  checks it after the test).
- Any other template (the admin, allauth's own, bootstrap_italia_template, simple_history,
  django_filters widgets, strings compiled in code) reads missing variables by design: there the
  value is rendered exactly as Django does by default, an empty string run through the
  expression's filters (``{{ missing|default:"x" }}`` still gives ``x``), by resolving a copy of
  the expression whose variable is the literal ``""``.

Not covered by ``string_if_invalid`` at all (a Django limit, not this module's): ``{% if %}``,
``{% for %}`` and the other tags that resolve with ``ignore_failures``. When Django hands the
object itself out as a value (a method with ``alters_data`` or one that needs arguments, e.g.
``{{ practice.delete }}``), rendering it goes through ``__html__``/``__str__``, checked the same
way.
"""

import copy
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.base import FilterExpression, Node

OUR_APPS = ("zones", "practices", "meetings", "roundtable")


def our_template_dirs():
    base = Path(settings.BASE_DIR).resolve()
    return (base / "templates", *(base / app / "templates" for app in OUR_APPS))


class MissingTemplateVariable(Exception):
    """One of our templates read a variable that does not exist."""


def _rendering_node(frame):
    """The innermost template node on the stack from ``frame`` up, or None."""
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, Node):
            return candidate
        frame = frame.f_back
    return None


def _is_ours(origin_name):
    if not origin_name:
        return False
    try:
        path = Path(origin_name).resolve()
    except (OSError, ValueError):  # "<unknown source>" and the like
        return False
    return any(path.is_relative_to(folder) for folder in our_template_dirs())


class StrictInvalid(str):
    """The ``string_if_invalid`` of the tests; see the module docstring."""

    def __new__(cls):
        instance = super().__new__(cls, "%s")
        instance.failures = []
        return instance

    def _fail_if_ours(self, frame, variable):
        node = _rendering_node(frame)
        origin = getattr(node, "origin", None)
        name = getattr(origin, "name", None)
        if not _is_ours(name):
            return
        token = getattr(node, "token", None)
        line = token.lineno if token is not None else "?"
        message = f"template {name}, line {line}: variable {variable!r} does not exist"
        self.failures.append(message)
        raise MissingTemplateVariable(message)

    def __mod__(self, variable):
        caller = sys._getframe(1)
        self._fail_if_ours(caller, variable)
        # Not ours: behave as Django does with the default "" (filters still applied).
        expression = caller.f_locals.get("self")
        context = caller.f_locals.get("context")
        if isinstance(expression, FilterExpression) and context is not None:
            plain = copy.copy(expression)
            plain.var, plain.is_var = "", False
            return plain.resolve(context)
        return ""

    def __html__(self):
        self._fail_if_ours(sys._getframe(1), "(a method Django would not call)")
        return ""

    def __str__(self):
        self._fail_if_ours(sys._getframe(1), "(a method Django would not call)")
        return ""


@pytest.fixture(autouse=True)
def strict_templates():
    """Install :class:`StrictInvalid` on the Django template engine for this test, fail the test
    if one of our templates read a missing variable, and restore the engine after."""
    engine = engines["django"].engine
    previous = engine.string_if_invalid
    strict = StrictInvalid()
    engine.string_if_invalid = strict
    yield strict
    engine.string_if_invalid = previous
    if strict.failures:
        pytest.fail("Missing template variables:\n" + "\n".join(dict.fromkeys(strict.failures)))
