// Topic drill-down for analysts: what the topic is (its posts and its distinct voices, the
// campaigns among them), when and where it is talked about, who spoke first and whose posts
// were engaged with most, its posts and the formal complaints its posts are linked to. It follows the filters in the URL
// (#/topic/<id>?province=…&start=…, see filters.js): the timeline covers the filtered dates,
// and the posts, sentiment and provinces are the topic's posts that pass the filters.

import { api, query } from "../api.js";
import {
  clearChart,
  drawBars,
  drawSentiment,
  drawTimeline,
  observedVsExpected,
} from "../charts.js";
import { byId, fill, h } from "../dom.js";
import {
  apiFilters,
  currentRoute,
  describeFilters,
  hasFilters,
  hrefFor,
  navigate,
  readFilters,
} from "../filters.js";
import { formatNumber, formatPercent, formatTime, provinceName, t, term } from "../i18n.js";
import { fillSourced } from "../openers.js";
import { badge, campaignBadge, postCard, withPanel } from "../panels.js";

const PAGE = 10;
// The topic and filters on screen, and how many of their posts are listed.
let shown = { topicId: null, filters: {}, offset: 0, key: null };

/** The topic view's own params from the URL: the filters and the timeline's interval. */
function state() {
  const { params } = currentRoute();
  return {
    filters: readFilters(params),
    interval: params.get("interval") === "hour" ? "hour" : "day",
  };
}

export function setupTopic() {
  for (const button of document.querySelectorAll("#topic-timeline-panel [data-interval]")) {
    button.addEventListener("click", () => {
      const interval = button.dataset.interval === "hour" ? "hour" : null;
      navigate(
        hrefFor("topic", { id: shown.topicId, filters: state().filters, params: { interval } }),
      );
    });
  }
  byId("topic-more").addEventListener("click", () =>
    loadPosts(shown.topicId, shown.filters, shown.offset),
  );
}

function fact(label, value) {
  return h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, value));
}

/** "120 โพสต์ · 45 เสียง": the raw volume and the distinct voices beside it (copies of one
 *  text count once); the posts alone for a topic whose voices were never counted. */
export function postsAndVoices(topic) {
  const posts = formatNumber(topic.size);
  return topic.voices
    ? t("topic.postsVoices", { posts, voices: formatNumber(topic.voices) })
    : t("posts.count", { n: posts });
}

/** The coordinated campaigns among a topic's posts: one badge to the campaign's page, or a
 *  link to the list of them when there are several. */
function topicCampaigns(topic) {
  const ids = topic.campaign_ids ?? [];
  if (!ids.length) return null;
  return h(
    "p",
    { class: "topic-campaigns" },
    h("span", { class: "muted" }, `${t("topic.campaigns")} `),
    ids.length === 1
      ? campaignBadge(ids[0])
      : h(
          "a",
          { class: "badge campaign-badge", href: `#/campaigns?topic_id=${topic.topic_id}` },
          t("topic.campaignsMany", { n: formatNumber(ids.length) }),
        ),
  );
}

function header(topic) {
  const latest = topic.spikes.length
    ? topic.spikes.reduce((a, b) => (Date.parse(b.start) > Date.parse(a.start) ? b : a))
    : null;
  return [
    h("h2", { id: "topic-title" }, topic.label, " ", badge("status", topic.status)),
    topic.phrase ? h("p", { class: "topic-phrase" }, topic.phrase) : null,
    h(
      "dl",
      { class: "facts" },
      fact(t("topic.size"), h("span", { class: "topic-size" }, postsAndVoices(topic))),
      fact(t("topic.spike"), formatNumber(topic.spike_score, 1)),
      fact(t("topic.category"), term("category", topic.dominant_category)),
      fact(t("topic.firstSeen"), formatTime(topic.first_seen)),
      fact(t("topic.lastSeen"), formatTime(topic.last_seen)),
    ),
    latest
      ? h(
          "p",
          { class: "topic-spike" },
          t("spike.latest", { time: formatTime(latest.peak), what: observedVsExpected(latest) }),
        )
      : null,
    topic.voices ? h("p", { class: "credit" }, t("topic.voicesHelp")) : null,
    topicCampaigns(topic),
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

/** "Filtered by: …" with a link to the same topic unfiltered; hidden without filters. */
function showFilters(topicId, filters, interval) {
  const note = byId("topic-filters");
  note.hidden = !hasFilters(filters);
  if (note.hidden) return;
  fill(
    note,
    h("span", { class: "muted" }, `${t("filters.active")} `),
    describeFilters(filters).join(" · "),
    h(
      "a",
      {
        href: hrefFor("topic", {
          id: topicId,
          params: { interval: interval === "hour" ? "hour" : null },
        }),
      },
      t("filters.showAll"),
    ),
  );
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

async function loadPosts(topicId, filters, offset) {
  const panel = byId("topic-posts-panel");
  await withPanel(panel, async () => {
    const page = await api(
      `/posts/search${query({
        ...apiFilters(filters),
        topic_id: topicId,
        sort: "newest",
        limit: PAGE,
        offset,
      })}`,
    );
    const list = byId("topic-posts");
    if (offset === 0) list.replaceChildren();
    list.append(...page.hits.map((post) => postCard(post)));
    shown.offset = offset + page.hits.length;
    byId("topic-more").hidden = shown.offset >= page.total;
    return page.total > 0;
  });
}

/** The topic's posts under ``where`` counted by ``dimension`` (sentiment, province). */
async function breakdown(topicId, where, dimension) {
  const { buckets } = await api(`/stats/${dimension}${query({ ...where, topic_id: topicId })}`);
  return buckets;
}

export async function renderTopic(topicId) {
  const empty = topicId === null || topicId === undefined || topicId === "";
  byId("topic-empty").hidden = !empty;
  byId("topic-detail").hidden = empty;
  if (empty) return;
  const { filters, interval } = state();
  const where = apiFilters(filters);
  const key = JSON.stringify([topicId, where]);
  if (shown.key !== key) {
    for (const id of [
      "topic-header-body",
      "topic-complaints",
      "topic-posts",
      "topic-openers-first",
      "topic-openers-engaged",
    ])
      fill(byId(id));
  }
  shown = { topicId, filters, offset: 0, key };
  for (const button of document.querySelectorAll("#topic-timeline-panel [data-interval]")) {
    button.setAttribute("aria-pressed", String(button.dataset.interval === interval));
  }
  showFilters(topicId, filters, interval);
  const detail = api(
    `/topics/${encodeURIComponent(topicId)}${query({ interval, start: where.start, end: where.end })}`,
  );
  await Promise.all([
    withPanel(byId("topic-header"), async () => {
      const { topic } = await detail;
      fill(byId("topic-header-body"), header(topic));
    }),
    withPanel(
      byId("topic-timeline-panel"),
      async () => {
        const { topic, timeline } = await detail;
        drawTimeline(byId("topic-timeline-chart"), timeline, {
          interval,
          start: where.start,
          end: where.end,
          spikes: topic.spikes,
        });
        return timeline.some((point) => point.count > 0);
      },
      { clear: () => clearChart(byId("topic-timeline-chart")) },
    ),
    withPanel(
      byId("topic-sentiment-panel"),
      async () => {
        const buckets = await breakdown(topicId, where, "sentiment");
        drawSentiment(
          byId("topic-sentiment-chart"),
          Object.fromEntries(buckets.map((b) => [b.key, b.count])),
        );
        return buckets.length > 0;
      },
      { clear: () => clearChart(byId("topic-sentiment-chart")) },
    ),
    withPanel(
      byId("topic-provinces-panel"),
      async () => {
        const buckets = await breakdown(topicId, where, "province"); // most posts first
        drawBars(byId("topic-provinces-chart"), buckets.slice(0, 15), { label: provinceName });
        return buckets.length > 0;
      },
      { clear: () => clearChart(byId("topic-provinces-chart")) },
    ),
    withPanel(byId("topic-complaints-panel"), async () => {
      // The API adds the linked complaints for officer keys only (null for other roles).
      const { related_complaints: complaints } = await detail;
      fill(byId("topic-complaints"), (complaints ?? []).map(complaintRow));
      if (complaints === null || complaints === undefined) return t("topic.officersOnly");
      return complaints.length > 0 || t("topic.noComplaints");
    }),
    withPanel(
      byId("topic-openers-panel"),
      async () => {
        // All the topic's posts, whatever the filters: who spoke first on it at all.
        const openers = await api(`/topics/${encodeURIComponent(topicId)}/sources`);
        byId("topic-openers-count").textContent = t("openers.of", {
          n: formatNumber(openers.posts),
        });
        fillSourced(byId("topic-openers-first"), openers.first);
        fillSourced(byId("topic-openers-engaged"), openers.most_engaged);
        return openers.posts > 0;
      },
      {
        clear: () =>
          ["topic-openers-count", "topic-openers-first", "topic-openers-engaged"].forEach((id) =>
            fill(byId(id)),
          ),
      },
    ),
    loadPosts(topicId, filters, 0),
  ]);
}
