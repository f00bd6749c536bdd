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

/** Call ``path`` under /v1 with the stored key and return the parsed JSON body. */
export async function api(path, { method = "GET", body, key = storedKey() } = {}) {
  const headers = { Accept: "application/json" };
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
  return response.json();
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
