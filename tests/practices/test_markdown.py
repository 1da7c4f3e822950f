"""Markdown in practices: ordinary writing renders, nothing that could run survives."""

import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from practices.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render

ALLOWED_SCHEMES = ("http://", "https://", "mailto:")

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<ScRiPt>alert(document.cookie)</sCrIpT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="  javascript:alert(1)">click</a>',
    "[click]( javascript:alert(1))",
    "[click](javascj&#x61;vascript:alert(1))",
    "[click](jav&#x61;script:alert(1))",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="data:text/html,<script>alert(1)</script>">click</a>',
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x](x" onerror="alert(1))',
    '![x](https://example.org/a.png "t" onerror="alert(1)")',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="width: expression(alert(1))">x</p>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<body onload="alert(1)">',
    '<a href="https://example.org" onclick="alert(1)">ok</a>',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    '<input autofocus onfocus="alert(1)">',
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "[x](vbscript:msgbox(1))",
    "<details open ontoggle=alert(1)>",
    "**bold <img src=x onerror=alert(1)>** and [link](javascript:alert(1) 'title')",
    "> quote <script>alert(1)</script>\n\n- item <svg onload=alert(1)>",
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "<!-- --><script>alert(1)</script> -->",
    "\x00<script>alert(1)</script>",
]


class _Collect(HTMLParser):
    """Every start tag with its attributes, as a browser would parse them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _parsed(html: str):
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser.tags


def assert_harmless(html: str) -> None:
    lowered = html.lower()
    for danger in ("<script", "<img", "<svg", "<iframe", "<object", "<embed", "<style", "<math"):
        assert danger not in lowered, (danger, html)
    for tag, attrs in _parsed(html):
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attrs:
            assert not name.startswith("on"), (name, html)
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, (tag, name, html)
            if name == "href":
                address = (value or "").strip().lower()
                assert (
                    address.startswith(ALLOWED_SCHEMES)
                    or address.startswith(("/", "#"))
                    or (":" not in address.split("/")[0])
                ), (address, html)
            if name == "rel":
                assert value == "noopener noreferrer nofollow"


def test_there_are_enough_payloads():
    assert len(XSS_PAYLOADS) >= 15


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_nothing_dangerous_survives(payload):
    assert_harmless(str(render(payload)))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_nothing_dangerous_survives_at_any_heading_level(payload):
    assert_harmless(str(render(f"# {payload}\n\n{payload}", top_heading=3)))


def test_raw_html_is_shown_as_text_not_markup():
    html = str(render('<b>bold</b> and <a href="https://example.org">a link</a>'))
    assert "<b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<a " not in html


def test_ordinary_markdown_still_renders():
    html = str(
        render(
            "# Obiettivi\n\n## Fasi\n\n### Dettagli\n\n"
            "Testo con *enfasi* e **grassetto**.\n\n"
            "- primo\n- secondo\n\n1. uno\n2. due\n\n"
            "> una citazione\n\n"
            '[Il sito](https://www.example.org/pagina?a=1&b=2 "Titolo") e '
            "[scrivici](mailto:tavolo@example.org) e [una pagina](/pratiche/1/).\n\n"
            "| Comune | Abitanti |\n|---|---|\n| Pinerolo | 35000 |\n\n"
            "```\ncodice\n```"
        )
    )
    assert "<h2>Obiettivi</h2>" in html
    assert "<h3>Fasi</h3>" in html
    assert "<h4>Dettagli</h4>" in html
    assert "<em>enfasi</em>" in html and "<strong>grassetto</strong>" in html
    assert "<ul>\n<li>primo</li>\n<li>secondo</li>\n</ul>" in html
    assert "<ol>\n<li>uno</li>\n<li>due</li>\n</ol>" in html
    assert "<blockquote>" in html
    assert (
        '<a href="https://www.example.org/pagina?a=1&amp;b=2" title="Titolo" '
        'rel="noopener noreferrer nofollow">Il sito</a>'
    ) in html
    assert 'href="mailto:tavolo@example.org"' in html
    assert 'href="/pratiche/1/"' in html
    assert "<table>" in html and "<th>Comune</th>" in html and "<td>Pinerolo</td>" in html
    assert "<pre><code>codice" in html
    assert_harmless(html)


def test_headings_start_where_the_page_needs_them_and_never_go_below_h4():
    html = str(render("# Uno\n\n## Due\n\n### Tre\n\n###### Sei", top_heading=3))
    assert "<h3>Uno</h3>" in html
    assert "<h4>Due</h4>" in html
    assert "<h4>Tre</h4>" in html
    assert "<h4>Sei</h4>" in html
    assert "<h1" not in html and "<h5" not in html and "<h6" not in html


def test_dangerous_links_keep_their_text_but_lose_their_address():
    html = str(render("[premi qui](javascript:alert(1))"))
    assert "premi qui" in html
    assert "javascript" not in html.lower()


def test_empty_text_renders_nothing():
    assert render("") == ""
    assert render(None) == ""


def test_the_template_filter_renders_and_sanitises():
    template = Template("{% load practices_tags %}{{ text|markdown:3 }}")
    html = template.render(Context({"text": "# Titolo\n\n<script>x</script> **ok**"}))
    assert "<h3>Titolo</h3>" in html
    assert "<strong>ok</strong>" in html
    assert "<script" not in html
    assert "&lt;script&gt;" in html  # shown as text, escaped once (not double-escaped)


@pytest.mark.parametrize(
    "bad",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<p onclick="alert(1)">x</p>',
        "<img src=x>",
        '<a href="data:text/html,x">x</a>',
        '<p style="color:red">x</p>',
    ],
)
def test_the_check_itself_catches_what_it_looks_for(bad):
    with pytest.raises(AssertionError):
        assert_harmless(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("## Come funziona\n\ntesto", ["h3"]),  # as the form's help text suggests
        ("# Obiettivi\n\n## Come\n\ntesto", ["h3", "h4"]),
        ("### Dettagli\n\ntesto", ["h3"]),
        ("## A\n\n#### B\n\n###### C", ["h3", "h4", "h4"]),  # never below h4
    ],
)
def test_headings_follow_the_page_without_skipping_a_level(text, expected):
    html = str(render(text, top_heading=3))
    assert re.findall(r"<(h\d)>", html) == expected
