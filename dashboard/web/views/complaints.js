// Complaint search for officers (#/complaint?q=&province=&category=&status=&start=&end=):
// complaints by words, place, category, status and filing time, newest first, a page at a
// time. One opens at #/complaint/<id>; the id box beside the search is a shortcut there.

import { allowed } from "../access.js";
import { api, query } from "../api.js";
import { fillChoices, suggestProvinces } from "../choices.js";
import { byId, fill, h } from "../dom.js";
import {
  apiFilters,
  fillFilterForm,
  hrefFor,
  navigate,
  readFilterForm,
  readFilters,
  showFormErrors,
} from "../filters.js";
import { CATEGORIES, formatTime, provinceName, t, term } from "../i18n.js";
import { pager } from "../pager.js";
import { OVERTAKEN, badge, errorMessage, withPanel } from "../panels.js";

const PAGE = 20;
const STATUSES = ["received", "in_progress", "forwarded", "resolved", "closed"];

// The shared filters (filters.js) a complaint search uses, on its filing time and place.
const FILTERS = ["start", "end", "province", "category"];

let shown = { search: null, offset: 0 };
let loads = 0; // numbers each load, so that an answer a newer load overtook is dropped

/** The URL of the latest search (e.g. "#/complaint?province=โคราช"); null before the first. */
export function lastSearch() {
  return shown.search;
}

export function setupComplaintSearch() {
  const form = byId("complaint-search");
  suggestProvinces(form.elements.province);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const read = readFilterForm(form);
    if (read.errors) {
      showFormErrors(form, read.errors);
      return;
    }
    const params = { q: form.elements.q.value.trim(), status: form.elements.status.value };
    navigate(hrefFor("complaint", { filters: read.filters, params }));
  });
  byId("complaint-search-clear").addEventListener("click", () => navigate("#/complaint"));
}

function complaintRow(c) {
  return h(
    "li",
    { class: "row", dataset: { complaintId: c.complaint_id } },
    h(
      "a",
      { class: "complaint-link", href: `#/complaint/${encodeURIComponent(c.complaint_id)}` },
      c.complaint_id,
    ),
    h("span", { class: "row-main" }, c.subject),
    badge("cstatus", c.status),
    h("span", { class: "muted" }, provinceName(c.province)),
    h("time", { class: "muted", datetime: c.filed_at }, formatTime(c.filed_at)),
  );
}

async function loadPage(search, offset) {
  const load = ++loads;
  shown.offset = offset;
  const clear = () => {
    fill(byId("complaints-list"));
    fill(byId("complaints-pager"));
  };
  await withPanel(
    byId("complaints-panel"),
    async () => {
      const page = await api(`/complaints${query({ ...search, limit: PAGE, offset })}`);
      if (load !== loads) return OVERTAKEN;
      fill(byId("complaints-list"), page.complaints.map(complaintRow));
      fill(
        byId("complaints-pager"),
        pager({
          offset,
          shown: page.complaints.length,
          total: page.total,
          top: byId("complaints-title"),
          onPrevious: offset > 0 ? () => loadPage(search, Math.max(0, offset - PAGE)) : null,
          onNext:
            offset + page.complaints.length < page.total
              ? () => loadPage(search, offset + PAGE)
              : null,
        }),
      );
      return page.total > 0 || t("complaints.none");
    },
    { clear },
  );
}

/** The search for ``params`` (the URL's query); a key below officer is told, not shown. */
export async function renderComplaintSearch(params) {
  // The form shows the URL's search at once, before anything is awaited.
  const form = byId("complaint-search");
  const filters = readFilters(params);
  const q = params.get("q") ?? "";
  const status = params.get("status") ?? "";
  fillChoices(
    form.elements.category,
    CATEGORIES.filter((c) => c !== "none"), // a complaint always has a real category
    (c) => term("category", c),
  );
  fillChoices(form.elements.status, STATUSES, (s) => term("cstatus", s), { chosen: status });
  fillFilterForm(form, filters);
  form.elements.q.value = q;

  let denial = "";
  try {
    if (!(await allowed("officer"))) denial = t("complaints.officersOnly");
  } catch (exc) {
    denial = errorMessage(exc);
  }
  const failure = byId("complaint-error");
  failure.textContent = denial;
  failure.hidden = !denial;
  byId("complaint-result").hidden = true;
  for (const id of ["complaint-search", "complaint-form", "complaints-panel"]) {
    byId(id).hidden = Boolean(denial);
  }
  if (denial) return;

  const asked = apiFilters(filters); // dates as instants: filing from the start day's midnight
  const search = { q, status, ...Object.fromEntries(FILTERS.map((key) => [key, asked[key]])) };
  const href = hrefFor("complaint", { filters, params: { q, status } });
  const offset = shown.search === href ? shown.offset : 0; // a new search starts on page one
  shown.search = href;
  await loadPage(search, offset);
}
