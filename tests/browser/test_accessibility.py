"""Every page of the portal, checked with axe-core in Chromium.

Every page is checked in Italian, the portal's language; a sample of them in English too (the
pages differ only in their words, and each check costs about a second). A violation of impact
"serious" or "critical" fails the test, with the rule, its help and the elements at fault;
lesser ones are reported as warnings. No axe rule is disabled.
"""

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

FAILING_IMPACTS = {"serious", "critical"}
LOCALES = {"it": "it-IT", "en": "en-GB"}

axe = Axe()


def fail_log_in(page: Page) -> None:
    """Submit the log-in form with a wrong password, so the page shows its errors."""
    form = page.locator("main form")
    form.locator("#id_login").fill("portavoce5@example.org")
    form.locator("#id_password").fill("not-the-right-password")
    form.locator("button[type=submit]").click()
    expect(page.locator("main .alert-danger")).to_be_visible()


def ask_password_reset(page: Page) -> None:
    page.locator("main form input[type=email]").fill("portavoce5@example.org")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account/password/reset/done/$"))


def filter_in_place(page: Page) -> None:
    """Type in the municipality filter and let htmx swap the list in."""
    page.locator("#id_q").fill("pin")
    expect(page).to_have_url(re.compile(r"\?q=pin$"))
    expect(page.locator("#municipality-results tbody tr")).to_have_count(5)


@dataclass(frozen=True)
class Visit:
    path: str
    status: int | None = 200
    user: str | None = None  # the fixture giving the logged-in user, if any
    fixtures: tuple[str, ...] = ()
    then: Callable[[Page], None] | None = None
    context: dict = field(default_factory=dict)


PAGES = {
    "home": Visit("/"),
    "home-mobile": Visit("/", context={"viewport": {"width": 375, "height": 740}}),
    "zones": Visit("/zone/"),
    "zone": Visit("/zone/torino/"),
    "zone-filtered": Visit("/zone/pinerolese/?q=pin"),
    "zone-filtered-htmx": Visit("/zone/pinerolese/", then=filter_in_place),
    "zone-no-match": Visit("/zone/pinerolese/?q=nessun-comune"),
    "zone-spokesperson": Visit("/zone/pinerolese/", user="live_spokesperson"),
    "zones-staff": Visit("/zone/", user="live_staff", fixtures=("unassigned_municipality",)),
    "zone-staff": Visit("/zone/torino/", user="live_staff"),
    # Zone 9 has a note on its evidence, and municipalities of every strength in their colours.
    "zone-evidence-staff": Visit("/zone/eporediese/", user="live_staff"),
    "unassigned-staff": Visit(
        "/zone/non-assegnati/", user="live_staff", fixtures=("unassigned_municipality",)
    ),
    "privacy": Visit("/privacy/"),
    "accessibility": Visit("/accessibilita/"),
    "practices": Visit("/pratiche/"),
    "meetings": Visit("/riunioni/"),
    "login": Visit("/account/login/"),
    "login-failed": Visit("/account/login/", fixtures=("live_spokesperson",), then=fail_log_in),
    "password-reset": Visit("/account/password/reset/"),
    "password-reset-sent": Visit("/account/password/reset/", then=ask_password_reset),
    "signup-closed": Visit("/account/signup/"),
    "404": Visit("/pagina-che-non-esiste/", status=404),
    "403": Visit("/zone/non-assegnati/", status=403, user="live_spokesperson"),
}


# Pages checked in English as well: one of each layout (cards, wide tables, evidence colours,
# a form with errors, an error page).
ALSO_IN_ENGLISH = ["home", "zones-staff", "zone-evidence-staff", "login-failed", "403"]
CASES = [pytest.param(name, "it", id=f"{name}-it") for name in PAGES] + [
    pytest.param(name, "en", id=f"{name}-en") for name in ALSO_IN_ENGLISH
]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {node['html'][:200]}")
            if summary:
                lines.append(f"        {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize(("name", "language"), CASES)
def test_no_serious_accessibility_violations(
    name, language, request, new_context, log_in, live_territory
):
    visit = PAGES[name]
    for fixture in visit.fixtures:
        request.getfixturevalue(fixture)
    context = new_context(locale=LOCALES[language], **visit.context)
    if visit.user:
        log_in(context, request.getfixturevalue(visit.user))
    page = context.new_page()

    response = page.goto(visit.path)
    assert response is not None
    if visit.status is not None:
        assert response.status == visit.status, f"{visit.path} answered {response.status}"
    if visit.then:
        visit.then(page)
    page.wait_for_load_state()
    # The page really is in the language under test, or the English case would check the
    # Italian page a second time.
    expect(page.locator("html")).to_have_attribute("lang", language)

    violations = axe.run(page).response["violations"]
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    lesser = [v for v in violations if v["impact"] not in FAILING_IMPACTS]
    if lesser:
        warnings.warn(
            f"axe on {page.url} ({language}), minor or moderate:\n{describe(lesser)}",
            stacklevel=1,
        )
    if failing:
        pytest.fail(
            f"axe found {len(failing)} serious or critical violation(s) on {page.url} "
            f"({language}):\n{describe(failing)}",
            pytrace=False,
        )
