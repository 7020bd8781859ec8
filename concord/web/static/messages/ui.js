// Shared by the messages pages: the interface text (rendered from the catalogue into
// a JSON block, since every text shown comes from it), the JSON data blocks, and
// small DOM helpers (text only: nothing from a message is ever parsed as HTML).

let texts = null;

export function data(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

export function t(key, values = {}) {
  texts ??= data("messages-text") || {};
  return String(texts[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

export function el(tag, attrs = {}, ...content) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  for (const part of content) node.append(part);
  return node;
}

export function show(node, ...content) {
  node.replaceChildren(...content);
}

export function size(bytes) {
  if (bytes < 1024) return t("size_bytes", { n: bytes });
  if (bytes < 1024 * 1024) return t("size_kib", { n: (bytes / 1024).toFixed(1) });
  return t("size_mib", { n: (bytes / 1024 / 1024).toFixed(1) });
}
