// Post search (#/search?q=&mode=&sort=&<filters>): posts by words (lexical), by meaning
// (semantic) or both (hybrid), under the filters every view shares, with the matched words
// marked, "posts like this one" on each hit, and, for analysts, the result as a file.
// The search lives in the URL so it can be shared; the page reached does not.

import { allowed } from "../access.js";
import { api, download, query } from "../api.js";
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
import { CATEGORIES, PLATFORMS, SENTIMENTS, formatNumber, t, term } from "../i18n.js";
import { pager } from "../pager.js";
import { OVERTAKEN, errorMessage, lazyToggle, postCard, setStatus, withPanel } from "../panels.js";

const PAGE = 20;
const SIMILAR = 5;
const MODES = ["lexical", "semantic", "hybrid"];
const SORTS = ["relevance", "newest", "oldest"];

// The search on screen, and the cursors that reach its pages: cursors[i] opens page i
// (null: the first), so Previous goes back without asking the API for a way back.
let shown = { key: null, asked: null, cursors: [null], page: 0 };
let loads = 0; // numbers each load, so that an answer a newer load overtook is dropped

function form() {
  return byId("search-form");
}

export function setupSearch() {
  suggestProvinces(form().elements.province);
  form().addEventListener("submit", (event) => {
    event.preventDefault();
    const read = readFilterForm(form());
    if (read.errors) {
      showFormErrors(form(), read.errors);
      return;
    }
    const { q, mode, sort } = form().elements;
    const params = { q: q.value.trim(), mode: mode.value, sort: sort.value };
    navigate(hrefFor("search", { filters: read.filters, params }));
  });
  // A new mode or order searches at once: the words are already there.
  for (const control of form().querySelectorAll("[name=mode], [name=sort]")) {
    control.addEventListener("change", () => form().requestSubmit());
  }
  for (const button of document.querySelectorAll("#search-export [data-format]")) {
    button.addEventListener("click", () => exportResult(button.dataset.format));
  }
}

function fillForm(q, mode, sort, filters) {
  const controls = form().elements;
  fillChoices(controls.category, CATEGORIES, (c) => term("category", c));
  fillChoices(controls.sentiment, SENTIMENTS, (s) => term("sentiment", s));
  fillChoices(controls.platform, PLATFORMS, (p) => term("platform", p));
  fillChoices(controls.sort, SORTS, (s) => t(`search.sort.${s}`), { chosen: sort, any: null });
  fillFilterForm(form(), filters);
  controls.q.value = q;
  controls.mode.value = mode;
  // Semantic and hybrid results come by relevance only (the API ignores another order).
  controls.sort.disabled = mode !== "lexical";
}

/** "Posts like this one" under a hit: a toggle and the list it opens. */
function similarTo(post) {
  const [toggle, list] = lazyToggle({
    label: t("search.similar"),
    id: `similar-${post.id}`,
    listClass: "posts similar",
    buttonClass: "similar-toggle",
    load: async (into) => {
      const found = await api(
        `/posts/${encodeURIComponent(post.id)}/similar${query({ limit: SIMILAR })}`,
      );
      fill(
        into,
        found.hits.length
          ? found.hits.map((hit) => postCard(hit))
          : h("li", { class: "muted" }, t("search.noSimilar")),
      );
    },
  });
  return h("div", { class: "similar-block" }, toggle, list);
}

function clearResults() {
  byId("search-total").textContent = "";
  fill(byId("search-hits"));
  fill(byId("search-pager"));
}

async function loadPage(page) {
  const load = ++loads;
  const panel = byId("search-results-panel");
  await withPanel(
    panel,
    async () => {
      const cursor = shown.cursors[page];
      const found = await api(
        `/posts/search${query({ ...shown.asked, limit: PAGE, cursor: cursor ?? undefined })}`,
      );
      if (load !== loads) return OVERTAKEN;
      shown.page = page;
      if (found.next_cursor) shown.cursors[page + 1] = found.next_cursor;
      byId("search-total").textContent = t("search.total", { n: formatNumber(found.total) });
      fill(
        byId("search-hits"),
        found.hits.map((post) => postCard(post, similarTo(post))),
      );
      fill(
        byId("search-pager"),
        pager({
          offset: found.offset,
          shown: found.hits.length,
          total: found.total,
          top: byId("search-results-title"),
          onPrevious: page > 0 ? () => loadPage(page - 1) : null,
          onNext: found.next_cursor ? () => loadPage(page + 1) : null,
        }),
      );
      return found.total > 0 || t("search.none");
    },
    { clear: clearResults },
  );
}

/** Save the current result as CSV or JSON lines (the whole result, not one page). */
async function exportResult(format) {
  const buttons = document.querySelectorAll("#search-export button");
  const error = byId("search-export-error");
  error.hidden = true;
  for (const button of buttons) button.disabled = true;
  try {
    // A file lists every post of the search, whatever order the screen shows them in.
    const asked = { ...shown.asked, sort: undefined };
    const file = await download(`/posts/export${query({ ...asked, format })}`);
    const url = URL.createObjectURL(file.blob);
    h("a", { href: url, download: file.name ?? `siang-posts.${format}` }).click();
    // The browser has read the blob once the download starts; a minute is ample.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (exc) {
    error.textContent = errorMessage(exc);
    error.hidden = false;
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

/** The search in ``params`` (the URL's query). */
export async function renderSearch(params) {
  const filters = readFilters(params);
  const q = params.get("q")?.trim() ?? "";
  const mode = MODES.includes(params.get("mode")) ? params.get("mode") : "lexical";
  const sort = SORTS.includes(params.get("sort")) ? params.get("sort") : "relevance";
  fillForm(q, mode, sort, filters);
  const exporter = await allowed("analyst").catch(() => false);

  if (mode !== "lexical" && !q) {
    // Meaning needs words to compare with; lexical search without words lists every post.
    loads += 1; // an answer still on its way is no longer wanted
    clearResults();
    setStatus(byId("search-results-panel"), t("search.needsWords"));
    byId("search-export").hidden = true; // nothing to export yet
    shown = { key: null, asked: null, cursors: [null], page: 0 };
    return;
  }
  byId("search-export").hidden = !exporter;
  const asked = { ...apiFilters(filters), q, mode, sort: mode === "lexical" ? sort : undefined };
  const key = JSON.stringify(asked);
  if (shown.key !== key) shown = { key, asked, cursors: [null], page: 0 }; // page one
  await loadPage(shown.page);
}
