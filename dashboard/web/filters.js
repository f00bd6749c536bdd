// The post filters every view shares, kept in the URL so that a copied link reproduces the
// view and Back/Forward step through what the user looked at.
//
// URL scheme: #/<view>[/<id>][?<params>], for example
//   #/overview?province=นนทบุรี&category=water_supply&start=2026-11-01&end=2026-11-07
//   #/topic/12?province=นครราชสีมา&interval=hour
// The post filters (FILTER_KEYS) are named as the API names them:
//   start, end   Bangkok calendar days as yyyy-mm-dd, both included (end=2026-11-07 keeps
//                the whole of 7 November). A Buddhist-era year is read too (2569-11-01), so a
//                hand-typed Thai link works; links the page writes use Western years.
//   province     as people write it (นครราชสีมา, โคราช, Khon Kaen); the API resolves it and
//                resolveProvince() gives the official name to show.
//   category, sentiment, platform   one value each, the API's vocabulary.
//   grievance    "true": grievances only.
// Every other param belongs to the view that reads it (the overview's q, offset, interval,
// period; the topic's interval) and is dropped when another view is opened.
//
// Using it in a view (search, alerts, ...): the router calls the view's render on every
// hashchange, so a view reads the URL, never keeps filters of its own:
//   const { id, params } = currentRoute();
//   const filters = readFilters(params);                     // {start, end, province, ...}
//   api(`/posts/search${query({ ...apiFilters(filters), q: params.get("q") })}`);
// To change them, write the URL and let the router render:
//   navigate(hrefFor("search", { filters: { ...filters, province: null }, params: { q } }));
// A filter form whose controls are named as FILTER_KEYS (dates are text inputs, see
// dates.js) is filled by fillFilterForm(form, filters) and read by readFilterForm(form),
// which returns {filters} or {errors: [{input, message}]} for showFormErrors(form, errors).

import { api, query } from "./api.js";
import { bangkokMidnight, formatTypedDate, parseTypedDate } from "./dates.js";
import { PROVINCES_TH, formatTime, lang, provinceName, t, term } from "./i18n.js";
import provinces from "./provinces.json";

export const FILTER_KEYS = [
  "start",
  "end",
  "province",
  "category",
  "sentiment",
  "platform",
  "grievance",
];

/** The view, the id after it (e.g. a topic id) and the URL params of the current hash. */
export function currentRoute(hash = location.hash) {
  const [path, search = ""] = hash.replace(/^#/, "").split("?", 2);
  const [view = "", ...rest] = path.replace(/^\//, "").split("/");
  const id = rest.length ? decodeURIComponent(rest.join("/")) : null;
  return { view, id, params: new URLSearchParams(search) };
}

/** A yyyy-mm-dd day from a URL value (Western or Buddhist-era year), else null. */
function urlDay(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? "");
  if (!match) return null;
  const era = Number(match[1]) >= 2400 ? "th" : "en";
  return parseTypedDate(`${match[3]}/${match[2]}/${match[1]}`, era).date ?? null;
}

/** The filters the URL params hold; a missing or unreadable one is null. */
export function readFilters(params) {
  const text = (name) => params.get(name)?.trim() || null;
  return {
    start: urlDay(params.get("start")),
    end: urlDay(params.get("end")),
    province: text("province"),
    category: text("category"),
    sentiment: text("sentiment"),
    platform: text("platform"),
    grievance: params.get("grievance") === "true" ? true : null,
  };
}

export function hasFilters(filters) {
  return FILTER_KEYS.some((key) => filters[key] !== null && filters[key] !== undefined);
}

/**
 * The hash of ``view`` (and ``id``) with ``filters`` and the view's own ``params``; empty
 * values are left out.
 */
export function hrefFor(view, { id = null, filters = {}, params = {} } = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of [
    ...FILTER_KEYS.map((key) => [key, filters[key]]),
    ...Object.entries(params),
  ]) {
    if (value !== null && value !== undefined && value !== "") search.set(name, String(value));
  }
  const path = id === null || id === undefined ? view : `${view}/${encodeURIComponent(id)}`;
  const text = search.toString();
  return `#/${path}${text ? `?${text}` : ""}`;
}

/** Go to ``href``; when it is the page's hash already, render it again all the same. */
export function navigate(href) {
  if (new URL(href, location.href).hash === location.hash) {
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    location.hash = href;
  }
}

/** Show ``href`` in the address bar in place of the current entry, without rendering. */
export function replaceRoute(href) {
  history.replaceState(history.state, "", href);
}

/** The filters as the API's query params: dates become [start, end) instants in Bangkok. */
export function apiFilters(filters) {
  return {
    start: filters.start ? bangkokMidnight(filters.start) : null,
    end: filters.end ? bangkokMidnight(filters.end, 1) : null,
    province: filters.province,
    category: filters.category,
    sentiment: filters.sentiment,
    platform: filters.platform,
    grievance: filters.grievance,
  };
}

/** The filters /v1/emergences takes: place and category, the dates as detection times. */
export function emergenceFilters(filters) {
  const { start, end, province, category } = apiFilters(filters);
  return { province, category, detected_from: start, detected_to: end };
}

const OFFICIAL_BY_ENGLISH = Object.fromEntries(
  Object.values(provinces).map((p) => [p.en.toLowerCase(), p.th]),
);

/**
 * The official Thai name of ``name`` (null stays null). Official and English names are known
 * here; a nickname (โคราช, กทม.) is asked of the API (GET /v1/places/province), which
 * resolves every form people write. Throws the API's 422 when ``name`` is no province.
 */
export async function resolveProvince(name) {
  if (!name || PROVINCES_TH.includes(name)) return name;
  const english = OFFICIAL_BY_ENGLISH[name.toLowerCase()];
  if (english) return english;
  // The API resolves nicknames and short forms (โคราช, กทม., อุบลฯ) as every filter does;
  // a name it does not know is a 422, which the caller shows.
  const { province } = await api(`/places/province${query({ province: name })}`);
  return province;
}

/** One short line per set filter, in the UI's language, for "filtered by" notes. */
export function describeFilters(filters) {
  const day = (value) => formatTime(bangkokMidnight(value), { dateOnly: true });
  const lines = [];
  if (filters.start || filters.end) {
    lines.push(
      `${filters.start ? day(filters.start) : "…"} – ${filters.end ? day(filters.end) : "…"}`,
    );
  }
  if (filters.province) lines.push(provinceName(filters.province));
  if (filters.category) lines.push(term("category", filters.category));
  if (filters.sentiment) lines.push(term("sentiment", filters.sentiment));
  if (filters.platform) lines.push(term("platform", filters.platform));
  if (filters.grievance) lines.push(t("filters.grievance"));
  return lines;
}

/** Put ``filters`` into the controls of ``form`` named as FILTER_KEYS (those it has). */
export function fillFilterForm(form, filters) {
  for (const key of FILTER_KEYS) {
    const control = form.elements.namedItem(key);
    if (!control) continue;
    if (control.type === "checkbox") {
      control.checked = Boolean(filters[key]);
    } else if (key === "start" || key === "end") {
      control.value = formatTypedDate(filters[key], lang());
    } else if (control.tagName === "SELECT") {
      selectValue(control, filters[key] ?? "");
    } else {
      control.value = filters[key] ?? "";
    }
  }
  showFormErrors(form, []);
}

/** Choose ``value`` in ``select``, adding it as an option when the list lacks it. */
function selectValue(select, value) {
  if (value && ![...select.options].some((option) => option.value === value)) {
    select.append(new Option(value, value));
  }
  select.value = value;
}

/** The filters in ``form``: {filters}, or {errors: [{input, message}]} when a date is wrong. */
export function readFilterForm(form) {
  const filters = {};
  const errors = [];
  for (const key of FILTER_KEYS) {
    const control = form.elements.namedItem(key);
    if (!control) {
      filters[key] = null;
    } else if (control.type === "checkbox") {
      filters[key] = control.checked ? true : null;
    } else if (key === "start" || key === "end") {
      const typed = parseTypedDate(control.value, lang());
      if (typed.error) errors.push({ input: control, message: t(`date.error.${typed.error}`) });
      filters[key] = typed.date ?? null;
    } else {
      filters[key] = control.value || null;
    }
  }
  if (!errors.length && filters.start && filters.end && filters.end < filters.start) {
    errors.push({ input: form.elements.namedItem("end"), message: t("date.error.order") });
  }
  return errors.length ? { errors } : { filters };
}

/**
 * Mark the controls in ``errors`` invalid and say why in the form's [data-form-error]
 * element (an alert, so screen readers read it out); focus the first. [] clears them.
 */
export function showFormErrors(form, errors) {
  for (const control of form.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
  }
  const box = form.querySelector("[data-form-error]");
  const lines = errors.map(({ input, message }) => {
    input.setAttribute("aria-invalid", "true");
    const label = input.closest("label")?.querySelector("[data-i18n]")?.textContent;
    return label ? `${label}: ${message}` : message;
  });
  if (box) {
    box.textContent = lines.join(" ");
    box.hidden = !lines.length;
  }
  errors[0]?.input.focus();
}
