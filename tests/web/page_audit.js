// Run in the page by tests/web/test_usability.py: what a counter officer would trip
// over. Returns {contrast: [...failures], reachable: [...elements no key reaches],
// overflow: px wider than the screen, unlabelled: [...form fields without a label]}.
(() => {
  const parse = (color) => {
    const m = color.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const luminance = ({ r, g, b }) => {
    const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const background = (el) => {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg && bg.a > 0.5) return bg;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const visible = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== "hidden" && style.display !== "none" && box.width > 0 && box.height > 0;
  };
  const contrast = [];
  for (const el of document.body.querySelectorAll("*")) {
    const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim();
    if (!text || !visible(el) || el.closest("[hidden]")) continue;
    const fg = parse(getComputedStyle(el).color);
    const bg = background(el);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    // WCAG AAA (7:1): readable at a counter in bright light.
    if (ratio < 7) contrast.push(`${el.tagName.toLowerCase()}.${el.className}: "${text.slice(0, 40)}" ${ratio.toFixed(2)}:1`);
  }
  const focusable = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")]
    .filter((el) => !el.disabled && visible(el) && !el.closest("[hidden]"));
  // A second link to the same place may stay out of the Tab order (one stop per row).
  const reachedHrefs = new Set(focusable.filter((el) => el.tabIndex >= 0 && el.href).map((el) => el.href));
  const unreachable = focusable.filter((el) => el.tabIndex < 0 && !(el.href && reachedHrefs.has(el.href)))
    .map((el) => el.outerHTML.slice(0, 80));
  const unlabelled = [...document.querySelectorAll("input:not([type=hidden]):not([type=submit]), select, textarea")]
    .filter((el) => visible(el) && !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
      && !el.getAttribute("aria-labelledby"))
    .map((el) => el.outerHTML.slice(0, 80));
  return {
    contrast,
    unreachable,
    unlabelled,
    overflow: Math.max(0, document.documentElement.scrollWidth - window.innerWidth),
    focusable: focusable.length,
  };
})()
