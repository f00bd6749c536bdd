// Overview for policy teams: trending and emerging topics, posts over time, the province map,
// the sentiment mix and the categories, all under one set of filters.

import { api, query } from "../api.js";
import { drawBars, drawMap, drawSentiment, drawTimeline } from "../charts.js";
import { byId, fill, h } from "../dom.js";
import {
  CATEGORIES,
  PROVINCES_TH,
  SENTIMENTS,
  formatNumber,
  formatTime,
  provinceName,
  t,
  term,
} from "../i18n.js";
import { badge, withPanel } from "../panels.js";

const DAY_MS = 86_400_000;

/** Start of a yyyy-mm-dd day in Bangkok as ISO-8601 (UTC); ``plusDays`` moves it. */
function bangkokDay(value, plusDays = 0) {
  if (!value) return undefined;
  const start = new Date(`${value}T00:00:00+07:00`);
  return new Date(start.getTime() + plusDays * DAY_MS).toISOString();
}

function filters() {
  return {
    start: bangkokDay(byId("filter-start").value),
    end: bangkokDay(byId("filter-end").value, 1), // the end date is included: up to its midnight
    province: byId("filter-province").value,
    category: byId("filter-category").value,
    sentiment: byId("filter-sentiment").value,
  };
}

function fillSelect(select, values, label) {
  const chosen = select.value;
  fill(
    select,
    h("option", { value: "" }, t("filters.all")),
    values.map((value) => h("option", { value }, label(value))),
  );
  select.value = chosen;
}

/** Option labels in the current language (values stay the API's). */
export function translateFilters() {
  fillSelect(byId("filter-province"), PROVINCES_TH, provinceName);
  fillSelect(byId("filter-category"), CATEGORIES, (c) => term("category", c));
  fillSelect(byId("filter-sentiment"), SENTIMENTS, (s) => term("sentiment", s));
}

export function setupOverview(rerender) {
  translateFilters();
  byId("emerging-period").addEventListener("change", () => {
    periodChosen = true;
    emergingList();
  });
  byId("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    rerender();
  });
  byId("filters-clear").addEventListener("click", () => {
    byId("filters").reset();
    rerender();
  });
}

function topicRow(topic) {
  return h(
    "li",
    {},
    h(
      "a",
      {
        class: "topic-row",
        href: `#/topic/${topic.topic_id}`,
        dataset: { topicId: topic.topic_id },
      },
      h("span", { class: "topic-label" }, topic.label),
      " ",
      badge("status", topic.status),
      topic.phrase ? h("span", { class: "topic-phrase" }, topic.phrase) : null,
      h(
        "span",
        { class: "topic-meta" },
        [
          t("posts.count", { n: formatNumber(topic.size) }),
          `${t("topic.spike")} ${formatNumber(topic.spike_score, 1)}`,
          term("category", topic.dominant_category),
        ].join(" · "),
      ),
    ),
  );
}

/** One emerging grievance: the Thai reason line, when it was seen, and where it leads. */
function emergenceRow(emergence) {
  const href =
    emergence.topic_id !== null && emergence.topic_id !== undefined
      ? `#/topic/${emergence.topic_id}`
      : null;
  const meta = [
    t("emerging.detected", { time: formatTime(emergence.detected_at) }),
    `${t("topic.spike")} ${formatNumber(emergence.score, 1)}`,
    emergence.scope === "national" ? t("emerging.national") : null,
  ].filter(Boolean);
  return h(
    "li",
    {},
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
  );
}

let periodChosen = false; // until the user picks a period, a historical store shows 30 days

async function emergingList() {
  const panel = byId("emerging-panel");
  await withPanel(panel, async () => {
    const select = byId("emerging-period");
    const where = filters();
    const ask = (period) =>
      api(`/emergences${query({ period, province: where.province, category: where.category })}`);
    let body = await ask(select.value);
    if (!periodChosen && body.clock === "data" && select.value === "now") {
      select.value = "month";
      body = await ask("month");
    }
    byId("emerging-clock").textContent = t(`emerging.clock.${body.clock}`, {
      time: formatTime(body.as_of),
    });
    fill(byId("emerging-list"), body.emergences.map(emergenceRow));
    return body.emergences.length > 0;
  });
}

async function topicList(panelId, listId, params) {
  const panel = byId(panelId);
  await withPanel(panel, async () => {
    const { topics } = await api(`/topics${query(params)}`);
    fill(byId(listId), topics.map(topicRow));
    return topics.length > 0;
  });
}

function setFilter(id, value) {
  byId(id).value = value;
  byId("filters").requestSubmit();
}

export async function renderOverview() {
  const where = filters();
  const interval = byId("filter-interval").value;
  await Promise.all([
    topicList("trending-panel", "trending-list", { limit: 10 }),
    emergingList(),
    withPanel(byId("timeline-panel"), async () => {
      const { points } = await api(`/stats/timeline${query({ ...where, interval })}`);
      drawTimeline(byId("timeline-chart"), points, { interval });
      return points.length > 0;
    }),
    withPanel(byId("map-panel"), async () => {
      const { buckets } = await api(`/stats/province${query(where)}`);
      drawMap(byId("map-chart"), buckets, {
        onClick: (province) => setFilter("filter-province", province),
      });
      return buckets.length > 0;
    }),
    withPanel(byId("sentiment-panel"), async () => {
      const { buckets } = await api(`/stats/sentiment${query(where)}`);
      drawSentiment(
        byId("sentiment-chart"),
        Object.fromEntries(buckets.map((b) => [b.key, b.count])),
      );
      return buckets.length > 0;
    }),
    withPanel(byId("category-panel"), async () => {
      const { buckets } = await api(`/stats/category${query(where)}`);
      drawBars(byId("category-chart"), buckets, {
        label: (key) => term("category", key),
        onClick: (category) => setFilter("filter-category", category),
      });
      return buckets.length > 0;
    }),
  ]);
}
