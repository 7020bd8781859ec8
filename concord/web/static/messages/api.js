// The messages pages' requests to their own endpoints: the session cookie travels by
// itself, the CSRF token (on <body data-csrf>) in the X-CSRF-Token header.

export class ApiError extends Error {
  constructor(message, field, status) {
    super(message);
    this.field = field;
    this.status = status;
  }
}

export async function call(method, url, { json, body, headers = {} } = {}) {
  const init = {
    method,
    credentials: "same-origin",
    headers: { "X-CSRF-Token": document.body.dataset.csrf || "", Accept: "application/json", ...headers },
  };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers["Content-Type"] = "application/json";
  } else if (body !== undefined) {
    init.body = body;
  }
  const response = await fetch(url, init);
  if (!response.ok) {
    let error = { error: `${response.status} ${response.statusText}`, field: null };
    try {
      error = await response.json();
    } catch {
      /* not JSON: the status says it */
    }
    throw new ApiError(String(error.error), error.field ?? null, response.status);
  }
  const type = response.headers.get("content-type") || "";
  return type.includes("application/json") ? response.json() : new Uint8Array(await response.arrayBuffer());
}

/** A country's keys (current first, then replaced), fetched once per page. */
const histories = new Map();
export function keyHistory(country) {
  if (!histories.has(country)) {
    histories.set(country, call("GET", `/web/messages/keys/${encodeURIComponent(country)}`)
      .then((answer) => answer.items)
      .catch(() => []));
  }
  return histories.get(country);
}
