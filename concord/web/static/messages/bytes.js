// Byte helpers shared by the messages scripts: base64, hex, SHA-256, and the
// canonical JSON that Python's envelope signs (json.dumps with sort_keys=True,
// ensure_ascii=False and the given separators), so a signature made on one side
// verifies on the other.

export const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder("utf-8", { fatal: true });

export function decodeUtf8(bytes) {
  return utf8Strict.decode(bytes);
}

export function b64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Strict base64 (as Python's b64decode(validate=True)); throws on anything else. */
export function unb64(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4) {
    throw new Error("a field is not base64: damaged");
  }
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function b64url(text) {
  return unb64(text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "="));
}

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

export async function sha256Hex(bytes) {
  return hex(await sha256(bytes));
}

/** A key's name: the first 16 bytes of the SHA-256 of its raw public bytes, in hex. */
export async function fingerprint(publicRaw) {
  return (await sha256Hex(publicRaw)).slice(0, 32);
}

/** Python's sort order for keys: by code point (JS sorts UTF-16 code units). */
function byCodePoint(a, b) {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d) return d;
  }
  return x.length - y.length;
}

/** json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(item, key)). */
export function canonical(value, item = ",", key = ":") {
  if (value === null || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error("only whole numbers are signed");
    return String(value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, item, key)).join(item)}]`;
  if (typeof value === "object") {
    const names = Object.keys(value).sort(byCodePoint);
    return `{${names.map((n) => JSON.stringify(n) + key + canonical(value[n], item, key)).join(item)}}`;
  }
  throw new Error(`cannot sign a ${typeof value}`);
}

export function canonicalBytes(value) {
  return utf8.encode(canonical(value));
}

export function randomBytes(length) {
  return crypto.getRandomValues(new Uint8Array(length));
}
