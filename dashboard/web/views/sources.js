// Sources, for every role (#/sources?kind=&sort=&offset=): where posts come from. Public
// pages, channels, news outlets and forum rooms are shown by name, accounts by the pseudonym
// the API gives (never a handle). Each with its posts, its grievances and how many of those
// were linked to a formal complaint filed after them (the link rate, "–" without
// grievances), followers, engagement and reach (followers plus engagement), the campaigns
// its posts are evidence of; sorted by reach, grievances, link rate or posts.

import { api, query } from "../api.js";
import { fillChoices } from "../choices.js";
import { byId, fill, h } from "../dom.js";
import { hrefFor, navigate } from "../filters.js";
import { formatNumber, formatPercent, formatTime, t, term } from "../i18n.js";
import { sourceName } from "../openers.js";
import { pager } from "../pager.js";
import { OVERTAKEN, campaignBadge, withPanel } from "../panels.js";

const PAGE = 20; // sources per page
export const SOURCE_KINDS = ["account", "page", "channel", "outlet", "forum_room"];
export const SOURCE_SORTS = ["reach", "grievances", "link_rate", "posts"];
const BADGES = 3; // campaign badges shown beside a source at most

let loads = 0; // numbers each load, so that an answer a newer load overtook is dropped
let current = { kind: null, sort: "reach", offset: 0 };

/** The table as the URL describes it. */
function state(params) {
  const kind = params.get("kind");
  const sort = params.get("sort");
  return {
    kind: SOURCE_KINDS.includes(kind) ? kind : null,
    sort: SOURCE_SORTS.includes(sort) ? sort : "reach",
    offset: Math.max(0, Number.parseInt(params.get("offset") ?? "", 10) || 0),
  };
}

function sourcesHref({ kind, sort, offset }) {
  return hrefFor("sources", {
    params: { kind, sort: sort === "reach" ? null : sort, offset: offset || null },
  });
}

export function setupSources() {
  const form = byId("source-filters");
  form.addEventListener("submit", (event) => event.preventDefault());
  byId("source-kind").addEventListener("change", (event) =>
    navigate(sourcesHref({ ...current, kind: event.target.value || null, offset: 0 })),
  );
  byId("source-sort").addEventListener("change", (event) =>
    navigate(sourcesHref({ ...current, sort: event.target.value, offset: 0 })),
  );
}

/** A figure of a row; ``label`` (its column's heading) names it when a phone stacks the row
 *  into a card (style.css). */
function cell(value, label, column, { number = true } = {}) {
  return h(
    "td",
    { class: number ? `number ${column}` : column, dataset: { label: t(label) } },
    value,
  );
}

function count(value) {
  return value === null || value === undefined ? "–" : formatNumber(value);
}

function sourceRow(source) {
  const campaigns = source.campaign_ids ?? [];
  return h(
    "tr",
    { dataset: { sourceId: source.source_id, kind: source.kind } },
    h(
      "th",
      { scope: "row", class: "source-cell" },
      sourceName(source.kind, source.name),
      campaigns.slice(0, BADGES).map((id) => [" ", campaignBadge(id)]),
    ),
    cell(term("sourcekind", source.kind), "sources.kind", "kind", { number: false }),
    cell(
      source.platform ? term("platform", source.platform) : "–",
      "filters.platform",
      "platform",
      { number: false },
    ),
    cell(formatNumber(source.posts), "posts", "posts"),
    cell(formatNumber(source.grievances), "sources.grievances", "grievances"),
    cell(formatNumber(source.linked_grievances), "sources.linked", "linked"),
    cell(
      source.link_rate === null || source.link_rate === undefined
        ? "–"
        : formatPercent(source.link_rate),
      "sources.linkRate",
      "link-rate",
    ),
    cell(count(source.followers), "sources.followers", "followers"),
    cell(formatNumber(source.engagement), "sources.engagement", "engagement"),
    cell(formatNumber(source.reach), "sources.reach", "reach"),
    cell(formatTime(source.last_post_at), "sources.lastPost", "last-post", { number: false }),
  );
}

/** Mark the column the table is sorted by, for sighted and screen reader users alike. */
function markSorted(sort) {
  for (const th of document.querySelectorAll("#sources-table thead th")) {
    if (th.dataset.sort === sort) th.setAttribute("aria-sort", "descending");
    else th.removeAttribute("aria-sort");
  }
}

export async function renderSources(params) {
  current = state(params);
  const { kind, sort, offset } = current;
  fillChoices(byId("source-kind"), SOURCE_KINDS, (k) => term("sourcekind", k), {
    chosen: kind ?? "",
  });
  fillChoices(byId("source-sort"), SOURCE_SORTS, (s) => t(`sources.sort.${s}`), {
    chosen: sort,
    any: null,
  });
  markSorted(sort);
  const load = ++loads;
  const body = byId("sources-table").tBodies[0];
  const clear = () => [body, byId("sources-pager")].forEach((el) => fill(el));
  await withPanel(
    byId("sources-panel"),
    async () => {
      const page = await api(`/sources${query({ kind, sort, limit: PAGE, offset })}`);
      if (load !== loads) return OVERTAKEN;
      fill(body, page.sources.map(sourceRow));
      const shown = page.sources.length;
      const go = (to) => () => navigate(sourcesHref({ ...current, offset: to }));
      fill(
        byId("sources-pager"),
        pager({
          offset,
          shown,
          total: page.total,
          top: byId("sources-title"),
          onPrevious: offset > 0 ? go(Math.max(0, offset - PAGE)) : null,
          onNext: offset + shown < page.total ? go(offset + PAGE) : null,
        }),
      );
      return shown > 0 || t("sources.none");
    },
    { clear },
  );
}
