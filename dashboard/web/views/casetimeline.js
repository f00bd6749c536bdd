// A complaint's timeline on its page (#/complaint/<id>): one chart on a Bangkok time axis
// (the public voice of its place and category per day, the phases, status changes and linked
// posts; trackcharts.js) and the events below it with their dates, พ.ศ. in Thai.

import { api } from "../api.js";
import { clearChart } from "../charts.js";
import { byId, fill, h } from "../dom.js";
import { formatPercent, formatTime, t, term } from "../i18n.js";
import { OVERTAKEN, badge, setStatus, withPanel } from "../panels.js";
import { clipText } from "../posttext.js";
import { drawComplaintTimeline } from "../trackcharts.js";

// A list longer than this shows the filing, every status change and the first linked posts
// until "show all": a complaint may have dozens of linked posts, listed in full beside it.
const FOLDED = 10;
const FIRST_POSTS = 3;
const SNIPPET = 140;

let loads = 0; // numbers each load, so that an answer a newer load overtook is dropped

export function setupCaseTimeline() {
  byId("track-more").addEventListener("click", (event) => {
    const open = event.currentTarget.getAttribute("aria-expanded") !== "true";
    showFolded(open);
  });
}

/** One event on one line: when, then what (the filing, a status change, a linked post). */
function eventItem(event) {
  const when = h("time", { datetime: event.at }, formatTime(event.at));
  let what;
  if (event.kind === "filed") {
    what = [h("strong", {}, t("track.filed")), event.agency ? ` · ${event.agency}` : null];
  } else if (event.kind === "status") {
    what = [
      badge("cstatus", event.status),
      event.agency ? h("span", { class: "agency" }, ` · ${event.agency}`) : null,
      event.note ? h("span", { class: "note" }, ` — ${event.note}`) : null,
    ];
  } else {
    what = [
      h("span", { class: "tag" }, t("track.linkedPosts")),
      " ",
      h("span", { class: "muted" }, `${term("platform", event.post.platform)} · `),
      h("span", { class: "event-text" }, clipText(event.post.text, SNIPPET)),
      event.link_score === null || event.link_score === undefined
        ? null
        : h(
            "span",
            { class: "muted" },
            ` (${t("track.linkScore", { score: formatPercent(event.link_score) })})`,
          ),
    ];
  }
  return h("li", { class: "event", dataset: { kind: event.kind } }, when, " ", what);
}

/** Show every event (``open``) or the folded list; the toggle says which it offers. */
function showFolded(open) {
  const items = [...byId("track-events").children];
  const toggle = byId("track-more");
  let posts = 0;
  for (const item of items) {
    const post = item.dataset.kind === "post";
    if (post) posts += 1;
    item.hidden = !open && post && posts > FIRST_POSTS;
  }
  toggle.setAttribute("aria-expanded", String(open));
  toggle.textContent = open ? t("track.showFewer") : t("track.showAll", { n: items.length });
}

function showEvents(events) {
  fill(byId("track-events"), events.map(eventItem));
  const folds = events.length > FOLDED;
  byId("track-more").hidden = !folds;
  showFolded(!folds);
}

/** Empty the panel at once (another complaint is coming). */
export function forgetCaseTimeline() {
  loads += 1; // an answer still on its way is for the last complaint
  clearTimeline();
  setStatus(byId("track-panel"), t("loading"));
}

function clearTimeline() {
  clearChart(byId("track-chart"));
  fill(byId("track-range"));
  fill(byId("track-events"));
  byId("track-more").hidden = true;
}

/** The timeline of ``complaintId`` (GET /v1/complaints/{id}/timeline): chart and events. */
export async function renderCaseTimeline(complaintId) {
  const load = ++loads;
  await withPanel(
    byId("track-panel"),
    async () => {
      const timeline = await api(`/complaints/${encodeURIComponent(complaintId)}/timeline`);
      if (load !== loads) return OVERTAKEN;
      const { first, last } = drawComplaintTimeline(byId("track-chart"), timeline);
      byId("track-range").textContent = first
        ? t("track.range", {
            from: formatTime(first, { dateOnly: true }),
            to: formatTime(last, { dateOnly: true }),
          })
        : "";
      showEvents(timeline.events);
      return timeline.events.length > 0 || timeline.public.length > 0;
    },
    { clear: clearTimeline },
  );
}
