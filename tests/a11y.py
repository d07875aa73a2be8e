"""Accessibility checks the browser tests share: axe-core in the page, and the contrasts axe cannot see.

axe-core comes bundled in ``axe-playwright-python`` (``axe.min.js`` inside the wheel; never a CDN).
It is run in the page itself, so it walks into open shadow roots: the web chat widget's
elements are checked like any other (their targets come back as ``[host, inner selector]``).
Only the WCAG 2.0-2.2 A/AA rules are run; a ``critical`` or ``serious`` one fails a test.

axe does not measure focus rings or field borders (WCAG 1.4.11, non-text contrast), so
``contrast`` and ``effective_background`` are here for tests that do.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.base import AXE_SCRIPT

#: The rule sets of WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING = ("critical", "serious")


async def axe(page: Any) -> list[dict[str, Any]]:
    """Every WCAG A/AA violation axe finds on the page as it is now (all impacts)."""
    if not await page.evaluate("typeof window.axe === 'object'"):
        await page.evaluate(AXE_SCRIPT)
    result = await page.evaluate(
        "opts => axe.run(document, opts)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return list(result["violations"])


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v.get("impact") in BLOCKING]


def counts(violations: list[dict[str, Any]]) -> dict[str, int]:
    """Violating elements per impact, as the issue counts them."""
    out: dict[str, int] = {}
    for v in violations:
        out[v["impact"]] = out.get(v["impact"], 0) + len(v["nodes"])
    return out


def report(where: str, violations: list[dict[str, Any]]) -> str:
    """A readable list: rule, impact, what it means, and each element with axe's reason."""
    lines = [f"{where}: {sum(len(v['nodes']) for v in violations)} critical/serious accessibility problems"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  [{v['helpUrl']}]")
        for node in v["nodes"]:
            target = " >> ".join(t if isinstance(t, str) else " ".join(t) for t in node["target"])
            lines.append(f"    {target}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
            lines.append(f"      {node.get('html', '')[:160]}")
    return "\n".join(lines)


async def assert_no_blocking(page: Any, where: str) -> dict[str, int]:
    """Fail with the readable list on any critical or serious WCAG A/AA violation; return the counts."""
    found = await axe(page)
    bad = blocking(found)
    assert not bad, report(where, bad)
    return counts(found)


def _linear(c: float) -> float:
    c = c / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[float, float, float]) -> float:
    r, g, b = (_linear(x) for x in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG contrast ratio of two opaque colours."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def blend(rgba: list[float], under: tuple[float, float, float]) -> tuple[float, float, float]:
    """A colour with alpha, as it shows over ``under``."""
    a = rgba[3] if len(rgba) > 3 else 1.0
    return tuple(a * c + (1 - a) * u for c, u in zip(rgba[:3], under, strict=True))  # type: ignore[return-value]


#: In the page: the element's outline and border (RGBA) and the opaque background around it (the first
#: non-transparent background of its parent or an ancestor, through shadow roots) and its own.
COLOURS_JS = """
el => {
  function rgba(s) { return (s.match(/[\\d.]+/g) || [0, 0, 0, 0]).map(Number); }
  function up(x) { const p = x.parentNode; return p && p.nodeType === 11 ? p.host : p; }
  function behind(x) {
    for (; x && x.nodeType === 1; x = up(x)) {
      const c = rgba(getComputedStyle(x).backgroundColor);
      if (c.length < 4 || c[3] >= 0.99) return c.slice(0, 3);
    }
    return [255, 255, 255];
  }
  const cs = getComputedStyle(el);
  return { tag: el.tagName.toLowerCase(), cls: String(el.className), outline: rgba(cs.outlineColor),
           outlineStyle: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth) || 0,
           outlineOffset: parseFloat(cs.outlineOffset) || 0, border: rgba(cs.borderTopColor),
           borderWidth: parseFloat(cs.borderTopWidth) || 0, own: behind(el), around: behind(up(el)) };
}
"""

#: The focused element, looking into shadow roots.
DEEP_FOCUS_JS = """
() => { let a = document.activeElement;
        while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
        return a; }
"""


async def tab_through(page: Any, stops: int) -> list[dict[str, Any]]:
    """Press Tab ``stops`` times; each focused element's colours as COLOURS_JS gives them."""
    seen = []
    for _ in range(stops):
        await page.keyboard.press("Tab")
        handle = await page.evaluate_handle(DEEP_FOCUS_JS)
        element = handle.as_element()
        if element is None or await element.evaluate("el => el === document.body || el === document.documentElement"):
            continue  # focus went past the page, to the browser's own controls
        seen.append(await element.evaluate(COLOURS_JS))
    return seen


def ring_problems(focused: list[dict[str, Any]]) -> list[str]:
    """Focus rings under 2px or under 3:1 against what they are drawn on (WCAG 1.4.11)."""
    bad = []
    for f in focused:
        on = tuple(f["around"] if f["outlineOffset"] >= 0 else f["own"])
        ring = blend(f["outline"], on)  # type: ignore[arg-type]
        ratio = contrast(ring, on)  # type: ignore[arg-type]
        if f["outlineStyle"] == "none" or f["outlineWidth"] < 2 or ratio < 3:
            bad.append(
                f"{f['tag']}.{f['cls']}: ring {f['outlineStyle']} {f['outlineWidth']}px "
                f"{f['outline']} on {on}: {ratio:.2f}:1"
            )
    return bad


async def field_border_problems(page: Any, selector: str) -> list[str]:
    """Fields whose border is under 3:1 against the background around them (WCAG 1.4.11)."""
    bad = []
    for field in await page.locator(selector).all():
        if not await field.is_visible():
            continue
        f = await field.evaluate(COLOURS_JS)
        on = tuple(f["around"])
        ratio = contrast(blend(f["border"], on), on)  # type: ignore[arg-type]
        if f["borderWidth"] < 1 or ratio < 3:
            bad.append(f"{f['tag']}.{f['cls']}: border {f['borderWidth']}px {f['border']} on {on}: {ratio:.2f}:1")
    return bad
