// Topic drill-down for analysts: what the topic is, when and where it is talked about, its
// posts and the formal complaints its posts are linked to.

import { api, query } from "../api.js";
import { drawBars, drawSentiment, drawTimeline } from "../charts.js";
import { byId, fill, h } from "../dom.js";
import { formatNumber, formatPercent, formatTime, provinceName, t, term } from "../i18n.js";
import { badge, postCard, withPanel } from "../panels.js";

const PAGE = 10;
let shown = { topicId: null, interval: "day", offset: 0 };

export function setupTopic(rerender) {
  for (const button of document.querySelectorAll("#topic-timeline-panel [data-interval]")) {
    button.addEventListener("click", () => {
      shown.interval = button.dataset.interval;
      rerender();
    });
  }
  byId("topic-more").addEventListener("click", () => loadPosts(shown.topicId, shown.offset));
}

function fact(label, value) {
  return h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, value));
}

function header(topic) {
  return [
    h("h2", { id: "topic-title" }, topic.label, " ", badge("status", topic.status)),
    topic.phrase ? h("p", { class: "topic-phrase" }, topic.phrase) : null,
    h(
      "dl",
      { class: "facts" },
      fact(t("topic.size"), t("posts.count", { n: formatNumber(topic.size) })),
      fact(t("topic.spike"), formatNumber(topic.spike_score, 1)),
      fact(t("topic.category"), term("category", topic.dominant_category)),
      fact(t("topic.firstSeen"), formatTime(topic.first_seen)),
      fact(t("topic.lastSeen"), formatTime(topic.last_seen)),
    ),
    topic.keywords.length
      ? h(
          "p",
          { class: "keywords" },
          h("span", { class: "muted" }, `${t("topic.keywords")}: `),
          topic.keywords.map((k) =>
            h("span", { class: "tag", title: formatNumber(k.weight, 3) }, k.word),
          ),
        )
      : null,
  ];
}

function complaintRow(item) {
  const c = item.complaint;
  return h(
    "li",
    { class: "row" },
    h(
      "a",
      { class: "complaint-link", href: `#/complaint/${encodeURIComponent(c.complaint_id)}` },
      c.complaint_id,
    ),
    h("span", { class: "row-main" }, c.subject),
    badge("cstatus", c.status),
    h("span", { class: "muted" }, provinceName(c.province)),
    h(
      "span",
      { class: "muted" },
      [
        `${t("complaint.linkedPosts")} ${formatNumber(item.linked_posts)}`,
        `${t("complaint.bestScore")} ${formatPercent(item.best_score)}`,
      ].join(" · "),
    ),
  );
}

async function loadPosts(topicId, offset) {
  const panel = byId("topic-posts-panel");
  await withPanel(panel, async () => {
    const page = await api(
      `/posts/search${query({ topic_id: topicId, sort: "newest", limit: PAGE, offset })}`,
    );
    const list = byId("topic-posts");
    if (offset === 0) list.replaceChildren();
    list.append(...page.hits.map((post) => postCard(post)));
    shown.offset = offset + page.hits.length;
    byId("topic-more").hidden = shown.offset >= page.total;
    return page.total > 0;
  });
}

export async function renderTopic(topicId) {
  const empty = topicId === null || topicId === undefined || topicId === "";
  byId("topic-empty").hidden = !empty;
  byId("topic-detail").hidden = empty;
  if (empty) return;
  if (shown.topicId !== topicId) {
    shown = { topicId, interval: "day", offset: 0 };
    for (const id of ["topic-header-body", "topic-complaints", "topic-posts"]) fill(byId(id));
  }
  for (const button of document.querySelectorAll("#topic-timeline-panel [data-interval]")) {
    button.setAttribute("aria-pressed", String(button.dataset.interval === shown.interval));
  }
  const detail = api(
    `/topics/${encodeURIComponent(topicId)}${query({ interval: shown.interval })}`,
  );
  await Promise.all([
    withPanel(byId("topic-header"), async () => {
      const { topic } = await detail;
      fill(byId("topic-header-body"), header(topic));
    }),
    withPanel(byId("topic-timeline-panel"), async () => {
      const { timeline } = await detail;
      drawTimeline(byId("topic-timeline-chart"), timeline, { interval: shown.interval });
      return timeline.length > 0;
    }),
    withPanel(byId("topic-sentiment-panel"), async () => {
      const { topic } = await detail;
      drawSentiment(byId("topic-sentiment-chart"), topic.sentiment_mix);
      return Object.keys(topic.sentiment_mix).length > 0;
    }),
    withPanel(byId("topic-provinces-panel"), async () => {
      const { topic } = await detail;
      const buckets = Object.entries(topic.provinces)
        .map(([key, count]) => ({ key, count }))
        .sort((a, b) => b.count - a.count);
      drawBars(byId("topic-provinces-chart"), buckets.slice(0, 15), { label: provinceName });
      return buckets.length > 0;
    }),
    withPanel(byId("topic-complaints-panel"), async () => {
      // The API adds the linked complaints for officer keys only (null for other roles).
      const { related_complaints: complaints } = await detail;
      fill(byId("topic-complaints"), (complaints ?? []).map(complaintRow));
      if (complaints === null || complaints === undefined) return t("topic.officersOnly");
      return complaints.length > 0 || t("topic.noComplaints");
    }),
    loadPosts(topicId, 0),
  ]);
}
