"""What the browser laid out, read as a person would: a date (11月17日, 2026-11-23) is read whole on
one line, never broken between its month and its day, whatever the width of the screen; a name
written on a map lies wholly inside the map or is not shown."""

from __future__ import annotations

from selenium.webdriver.remote.webdriver import WebDriver

# every date in the page's visible text whose characters lie on more than one line, with the text
# around it: a range over the date has client rectangles on two lines when the line broke inside it
BROKEN = r"""
const root = arguments[0] ? document.querySelector(arguments[0]) : document.body;
const found = [];
const date = /\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}/g;
const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
let dates = 0;
while (walker.nextNode()) {
  const node = walker.currentNode, s = node.textContent;
  for (const m of s.matchAll(date)) {
    const range = document.createRange();
    range.setStart(node, m.index);
    range.setEnd(node, m.index + m[0].length);
    const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    if (!rects.length) continue;  // not shown
    dates += 1;
    const tops = rects.map(r => r.top + r.height / 2);
    const h = Math.min(...rects.map(r => r.height));
    if (Math.max(...tops) - Math.min(...tops) > h / 2) {
      found.push(s.slice(Math.max(0, m.index - 12), m.index + m[0].length + 12));
    }
  }
}
return {dates: dates, broken: found};
"""


def broken_dates(driver: WebDriver, within: str | None = None) -> tuple[int, list[str]]:
    """How many dates are shown (in the element ``within``, a CSS selector, or the whole page),
    and the text around each one broken across lines."""
    out = driver.execute_script(BROKEN, within)
    return int(out["dates"]), list(out["broken"])


# every name written on the map (station, grid, street, place) that is shown, with its text's box
# and the map's: a name cut at the map's edge is not shown, it is left out
LABELS = r"""
const map = document.querySelector(arguments[0]);
const box = map.getBoundingClientRect();
const out = {written: 0, shown: [], cut: []};
for (const el of map.querySelectorAll(".station-label, .grid-label, .bm-label, .wall-label")) {
  const text = el.firstElementChild || el;
  if (!text.textContent.trim()) continue;
  out.written += 1;
  const r = text.getBoundingClientRect();
  if (getComputedStyle(el).visibility === "hidden" || getComputedStyle(text).visibility === "hidden"
      || r.width === 0) continue;
  out.shown.push(text.textContent);
  const cut = r.left < box.left - 0.5 || r.right > box.right + 0.5
    || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
  if (cut) out.cut.push(text.textContent);
}
return out;
"""


def map_names(driver: WebDriver, the_map: str) -> dict[str, object]:
    """The names written on the map ``the_map`` (a CSS selector): how many there are (``written``),
    the texts of those shown, and of those shown but cut at the map's edge (``cut``)."""
    return dict(driver.execute_script(LABELS, the_map))


# the contrast ratio (WCAG) of each text in the element ``arguments[0]`` against what lies behind it:
# its own background and its ancestors' composed (a see-through fill over the one below)
CONTRAST = r"""
const rgba = s => {
  const m = s.match(/[\d.]+/g).map(Number);
  return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
};
const over = (top, below) => [0, 1, 2].map(i => top[i] * top[3] + below[i] * (1 - top[3])).concat([1]);
const lum = c => {
  const [r, g, b] = c.slice(0, 3).map(v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const out = [];
for (const root of document.querySelectorAll(arguments[0])) {
  for (const el of [root, ...root.querySelectorAll("*")]) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const bg = rgba(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    let back = [255, 255, 255, 1];  // the page's canvas
    for (const bg of layers.reverse()) back = over(bg, back);
    const fg = over(rgba(getComputedStyle(el).color), back);
    const [a, b] = [lum(fg), lum(back)].sort((x, y) => y - x);
    out.push([el.textContent.trim().slice(0, 30), Math.round((a + 0.05) / (b + 0.05) * 10) / 10]);
  }
}
return out;
"""


def contrasts(driver: WebDriver, selector: str) -> list[tuple[str, float]]:
    """Each text shown in the elements ``selector`` names, with its contrast ratio against its
    background (WCAG's: 4.5 reads as body text, 1 is invisible)."""
    return [(str(t), float(r)) for t, r in driver.execute_script(CONTRAST, selector)]
