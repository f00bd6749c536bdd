// Overview for policy teams: trending and emerging topics, posts over time, the province map,
// the sentiment mix and the categories, all under one set of filters kept in the URL
// (#/overview?province=…&start=…, see filters.js). The view's own params: q and offset for
// the topic list, interval for the timeline, period for the emerging list.

import { ApiError, api, query } from "../api.js";
import {
  clearChart,
  drawBars,
  drawMap,
  drawSentiment,
  drawTimeline,
  observedVsExpected,
} from "../charts.js";
import { fillChoices } from "../choices.js";
import { byId, fill, h } from "../dom.js";
import {
  apiFilters,
  currentRoute,
  emergenceFilters,
  fillFilterForm,
  hrefFor,
  navigate,
  readFilterForm,
  readFilters,
  replaceRoute,
  resolveProvince,
  showFormErrors,
} from "../filters.js";
import {
  CATEGORIES,
  PLATFORMS,
  PROVINCES_TH,
  SENTIMENTS,
  formatNumber,
  formatTime,
  provinceName,
  t,
  term,
} from "../i18n.js";
import { pager } from "../pager.js";
import { openersToggle } from "../openers.js";
import { badge, campaignBadge, errorMessage, withPanel } from "../panels.js";

const PAGE = 10; // topics per page of the trending list
const PERIODS = ["now", "week", "month"];

/** The overview as the URL describes it. */
function state() {
  const { params } = currentRoute();
  const period = params.get("period");
  return {
    filters: readFilters(params),
    q: params.get("q")?.trim() ?? "",
    offset: Math.max(0, Number.parseInt(params.get("offset") ?? "", 10) || 0),
    interval: params.get("interval") === "hour" ? "hour" : "day",
    period: PERIODS.includes(period) ? period : null, // null: not chosen by the user
  };
}

function overviewHref({ filters, q, offset, interval, period }) {
  return hrefFor("overview", {
    filters,
    params: { q, offset: offset || null, interval: interval === "hour" ? "hour" : null, period },
  });
}

/** Show the overview with ``changes`` made to its state; the topic list restarts at page 1. */
function go(changes) {
  navigate(overviewHref({ ...state(), offset: 0, ...changes }));
}

/** Option labels in the current language (values stay the API's). */
export function translateFilters() {
  const choices = [
    ["filter-province", PROVINCES_TH, provinceName],
    ["filter-category", CATEGORIES, (c) => term("category", c)],
    ["filter-sentiment", SENTIMENTS, (s) => term("sentiment", s)],
    ["filter-platform", PLATFORMS, (p) => term("platform", p)],
  ];
  for (const [id, values, label] of choices) {
    fillChoices(byId(id), values, label, { chosen: byId(id).value });
  }
}

export function setupOverview() {
  translateFilters();
  const form = byId("filters");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const read = readFilterForm(form);
    if (read.errors) showFormErrors(form, read.errors);
    else go({ filters: read.filters, interval: byId("filter-interval").value });
  });
  byId("filters-clear").addEventListener("click", () => go({ filters: {} }));
  byId("topic-search").addEventListener("submit", (event) => {
    event.preventDefault();
    go({ q: byId("topic-q").value.trim() });
  });
  byId("emerging-period").addEventListener("change", (event) => {
    go({ period: event.target.value, offset: state().offset });
  });
}

function latestSpike(spike) {
  return t("spike.latest", { time: formatTime(spike.peak), what: observedVsExpected(spike) });
}

function topicRow(topic, filters) {
  const meta = [
    t("posts.count", { n: formatNumber(topic.size) }),
    // Set only when the list is filtered: the topic's posts that pass the filters.
    topic.matching_posts === null || topic.matching_posts === undefined
      ? null
      : t("topics.matching", { n: formatNumber(topic.matching_posts) }),
    `${t("topic.spike")} ${formatNumber(topic.spike_score, 1)}`,
    term("category", topic.dominant_category),
  ].filter(Boolean);
  return h(
    "li",
    {},
    h(
      "a",
      {
        class: "topic-row",
        href: hrefFor("topic", { id: topic.topic_id, filters }),
        dataset: { topicId: topic.topic_id },
      },
      h("span", { class: "topic-label" }, topic.label),
      " ",
      badge("status", topic.status),
      // Inside the row's link: a mark only; the topic's page links to the campaign.
      topic.campaign_ids?.length
        ? [" ", campaignBadge(topic.campaign_ids[0], { link: false })]
        : null,
      topic.phrase ? h("span", { class: "topic-phrase" }, topic.phrase) : null,
      h("span", { class: "topic-meta" }, meta.join(" · ")),
      topic.latest_spike
        ? h("span", { class: "topic-spike" }, latestSpike(topic.latest_spike))
        : null,
    ),
  );
}

/** One emerging grievance: the Thai reason line, when it was seen, where it leads, and a
 *  button that shows who spoke first in it. */
function emergenceRow(emergence, filters) {
  const href =
    emergence.topic_id !== null && emergence.topic_id !== undefined
      ? hrefFor("topic", { id: emergence.topic_id, filters })
      : null;
  const meta = [
    t("emerging.detected", { time: formatTime(emergence.detected_at) }),
    `${t("topic.spike")} ${formatNumber(emergence.score, 1)}`,
    emergence.scope === "national" ? t("emerging.national") : null,
  ].filter(Boolean);
  return h(
    "li",
    { class: "emergence" },
    h(
      href ? "a" : "div",
      {
        class: "topic-row emergence-row",
        href,
        dataset: { episodeId: emergence.episode_id, kind: emergence.kind },
      },
      h("span", { class: "topic-label" }, emergence.reason),
      h("span", { class: "topic-meta" }, meta.join(" · ")),
    ),
    openersToggle(
      `/emergences/${encodeURIComponent(emergence.episode_id)}/sources`,
      `openers-${emergence.episode_id.replace(/[^A-Za-z0-9_-]/g, "_")}`,
    ),
  );
}

async function topicList({ filters, q, offset }) {
  const panel = byId("trending-panel");
  await withPanel(
    panel,
    async () => {
      const page = await api(`/topics${query({ ...apiFilters(filters), q, limit: PAGE, offset })}`);
      fill(
        byId("trending-list"),
        page.topics.map((topic) => topicRow(topic, filters)),
      );
      const shown = page.topics.length;
      fill(
        byId("trending-pager"),
        pager({
          offset,
          shown,
          total: page.total,
          top: panel.querySelector("h2"),
          onPrevious: offset > 0 ? () => go({ offset: Math.max(0, offset - PAGE) }) : null,
          onNext: offset + shown < page.total ? () => go({ offset: offset + PAGE }) : null,
        }),
      );
      return shown > 0;
    },
    { clear: () => [byId("trending-list"), byId("trending-pager")].forEach((el) => fill(el)) },
  );
}

async function emergingList({ filters, period }) {
  await withPanel(
    byId("emerging-panel"),
    async () => {
      const select = byId("emerging-period");
      const where = emergenceFilters(filters);
      const dated = Boolean(where.detected_from || where.detected_to);
      select.disabled = dated; // the filtered dates say when, not the period
      const ask = (chosen) => api(`/emergences${query({ period: chosen, ...where })}`);
      let chosen = period ?? "now";
      let body = await ask(chosen);
      if (!period && !dated && body.clock === "data" && chosen === "now") {
        chosen = "month"; // a historical or demo store: its "now" has little, show 30 days
        body = await ask(chosen);
      }
      select.value = chosen;
      byId("emerging-clock").textContent = dated
        ? t("emerging.range", {
            from: formatTime(body.detected_from),
            to: formatTime(body.detected_to),
          })
        : t(`emerging.clock.${body.clock}`, { time: formatTime(body.as_of) });
      fill(
        byId("emerging-list"),
        body.emergences.map((emergence) => emergenceRow(emergence, filters)),
      );
      return body.emergences.length > 0;
    },
    { clear: () => [byId("emerging-list"), byId("emerging-clock")].forEach((el) => fill(el)) },
  );
}

/**
 * The URL's filters with the province under its official name (the URL may say โคราช), and
 * the address bar corrected to match; or the filters as they are and why the province is
 * not known (the panels say it too).
 */
async function officialFilters(current) {
  const { filters } = current;
  try {
    const province = await resolveProvince(filters.province);
    if (province === filters.province) return { filters, error: null };
    const official = { ...filters, province };
    replaceRoute(overviewHref({ ...current, filters: official }));
    return { filters: official, error: null };
  } catch (exc) {
    const unknown = exc instanceof ApiError && exc.status === 422;
    return {
      filters,
      error: unknown ? t("filters.unknownProvince", { name: filters.province }) : errorMessage(exc),
    };
  }
}

export async function renderOverview() {
  const current = state();
  const form = byId("filters");
  const { filters, error } = await officialFilters(current);
  fillFilterForm(form, filters);
  if (error) showFormErrors(form, [{ input: byId("filter-province"), message: error }]);
  byId("filter-interval").value = current.interval;
  byId("topic-q").value = current.q;
  const where = apiFilters(filters);
  const { interval } = current;
  await Promise.all([
    topicList({ ...current, filters }),
    emergingList({ ...current, filters }),
    withPanel(
      byId("timeline-panel"),
      async () => {
        const { points } = await api(`/stats/timeline${query({ ...where, interval })}`);
        drawTimeline(byId("timeline-chart"), points, {
          interval,
          start: where.start,
          end: where.end,
        });
        return points.some((point) => point.count > 0);
      },
      { clear: () => clearChart(byId("timeline-chart")) },
    ),
    withPanel(
      byId("map-panel"),
      async () => {
        const { buckets } = await api(`/stats/province${query(where)}`);
        drawMap(byId("map-chart"), buckets, {
          onClick: (province) => go({ filters: { ...filters, province } }),
        });
        return buckets.length > 0;
      },
      { clear: () => clearChart(byId("map-chart")) },
    ),
    withPanel(
      byId("sentiment-panel"),
      async () => {
        const { buckets } = await api(`/stats/sentiment${query(where)}`);
        drawSentiment(
          byId("sentiment-chart"),
          Object.fromEntries(buckets.map((b) => [b.key, b.count])),
        );
        return buckets.length > 0;
      },
      { clear: () => clearChart(byId("sentiment-chart")) },
    ),
    withPanel(
      byId("category-panel"),
      async () => {
        const { buckets } = await api(`/stats/category${query(where)}`);
        drawBars(byId("category-chart"), buckets, {
          label: (key) => term("category", key),
          onClick: (category) => go({ filters: { ...filters, category } }),
        });
        return buckets.length > 0;
      },
      { clear: () => clearChart(byId("category-chart")) },
    ),
  ]);
}
