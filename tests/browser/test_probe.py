import json
import pytest
from axe_playwright_python.sync_playwright import Axe

def dump(p, url, status=None):
    res = Axe().run(p)
    print(url, status, p.title(), p.locator("html").get_attribute("lang"))
    for v in res.response["violations"]:
        print("   ", v["id"], v["impact"], v["help"])
        for n in v["nodes"][:4]:
            print("       ", n["target"], n["html"][:150], (n["any"] or n["all"] or n["none"])[0]["message"])

@pytest.mark.browser
def test_probe(new_context, live_territory, live_staff, live_spokesperson, log_in):
    for locale in ["it-IT", "en-GB"]:
        ctx = new_context(locale=locale)
        p = ctx.new_page()
        for url in ["/", "/zone/", "/zone/torino/", "/zone/pinerolese/?q=pin", "/privacy/", "/accessibilita/", "/pratiche/", "/riunioni/", "/account/login/", "/account/password/reset/", "/account/signup/", "/nope/"]:
            r = p.goto(url)
            dump(p, url, r.status)
        p.fill("#id_login", "x@example.org") if p.goto("/account/login/") else None
        p.fill("#id_password", "wrong-password-123")
        p.get_by_role("button", name="Accedi" if locale == "it-IT" else "Log in", exact=True).click(); p.wait_for_load_state()
        dump(p, "failed login")
        p.screenshot(path=f"/tmp/failed-{locale}.png", full_page=True)
        ctx = new_context(locale=locale)
        log_in(ctx, live_staff)
        p = ctx.new_page()
        for url in ["/zone/", "/zone/torino/", "/zone/pinerolese/", "/zone/non-assegnati/"]:
            r = p.goto(url)
            dump(p, "staff " + url, r.status)
        p.goto("/zone/pinerolese/")
        p.screenshot(path=f"/tmp/staff-{locale}.png", full_page=False)
        ctx = new_context(locale=locale)
        log_in(ctx, live_spokesperson)
        p = ctx.new_page()
        for url in ["/zone/pinerolese/", "/zone/non-assegnati/"]:
            r = p.goto(url)
            dump(p, "spokes " + url, r.status)
