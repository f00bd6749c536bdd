// The dashboard's only way to the data: Siang's /v1 API on the same origin, with X-API-Key.

const KEY = "siang.apiKey";

/** A failed API call; ``status`` is the HTTP status (0 when the server was not reached). */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.detail = detail;
  }
}

export function storedKey() {
  return sessionStorage.getItem(KEY);
}

export function storeKey(key) {
  sessionStorage.setItem(KEY, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
}

const listeners = new Set();

/**
 * Called with the ApiError of every 401 (no key, unknown or revoked key), so the page can ask
 * for the key again. A 403 (the key's role is too low) is shown where the call was made.
 */
export function onUnauthorized(listener) {
  listeners.add(listener);
}

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** Call ``path`` under /v1 with the stored key; the parsed JSON body (null for a 204). */
export async function api(path, { method = "GET", body, key = storedKey() } = {}) {
  const response = await send(path, { method, body, key, accept: "application/json" });
  return response.status === 204 ? null : response.json();
}

/**
 * Fetch a file under /v1 (an export) with the stored key: {blob, name}, the name from the
 * Content-Disposition header (null when it gives none).
 */
export async function download(path) {
  const response = await send(path, { method: "GET", key: storedKey(), accept: "*/*" });
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const name = disposition.match(/filename="?([^";]+)"?/)?.[1] ?? null;
  return { blob: await response.blob(), name };
}

/** The response to one call; an ApiError when it fails (401s reach the listeners). */
async function send(path, { method, body, key, accept }) {
  const headers = { Accept: accept };
  if (key) headers["X-API-Key"] = key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(`/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (exc) {
    throw new ApiError(0, exc instanceof Error ? exc.message : String(exc));
  }
  if (!response.ok) {
    const error = new ApiError(response.status, await problemDetail(response));
    if (response.status === 401) for (const listener of listeners) listener(error);
    throw error;
  }
  return response;
}

async function problemDetail(response) {
  try {
    const problem = await response.json();
    if (typeof problem.detail === "string") return problem.detail;
    return problem.title || JSON.stringify(problem.detail);
  } catch {
    return response.statusText;
  }
}
