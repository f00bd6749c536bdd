// Alerts for analysts (#/alerts?status=&rule=&kind=): what fired and when, why in words
// built from the alert's numbers, and the posts behind it; the rules beside it (rules.js).

import { allowed } from "../access.js";
import { api, query } from "../api.js";
import { fillChoices } from "../choices.js";
import { byId, fill, h } from "../dom.js";
import { formatNumber, formatTime, provinceName, t, term } from "../i18n.js";
import { pager } from "../pager.js";
import { OVERTAKEN, badge, errorMessage, postCard, withPanel } from "../panels.js";
import { ALERT_KINDS, renderRules, setupRules } from "./rules.js";

const PAGE = 20;
const STATUSES = ["pending", "sent", "suppressed"];
const FILTERS = ["status", "rule", "kind"];

let shown = { filters: null, offset: 0 };
let loads = 0; // numbers each load, so that an answer a newer load overtook is dropped

export function setupAlerts() {
  // A changed filter goes into the URL (so the view can be linked to), which renders it.
  byId("alert-filters").addEventListener("change", () => {
    const chosen = Object.fromEntries(FILTERS.map((name) => [name, byId(`alert-${name}`).value]));
    location.hash = `#/alerts${query(chosen)}`;
  });
  setupRules();
}

/** What a topic spike alert is about: the topic's label without the "topic 12: " prefix. */
function topicLabel(alert) {
  const prefix = `topic ${alert.topic_id}: `;
  return alert.subject.startsWith(prefix) ? alert.subject.slice(prefix.length) : alert.subject;
}

/** Why the alert fired, in the UI's language, from its kind and numbers. */
function alertReason(alert) {
  // A volume rule's "expected" is its threshold (whole posts); a spike's a rate like 0.02.
  const expectedDigits = Number.isInteger(alert.expected) ? 0 : alert.expected < 1 ? 2 : 1;
  const numbers = {
    observed: formatNumber(alert.observed),
    expected: formatNumber(alert.expected, expectedDigits),
    score: formatNumber(alert.score, 1),
    start: formatTime(alert.window_start),
  };
  let what = alert.subject; // emerging: the emergence's label
  if (alert.kind === "topic_spike") what = topicLabel(alert);
  else if (alert.kind === "keyword") what = alert.keyword ?? alert.subject;
  else if (alert.kind === "reopen") what = alert.complaint_id ?? alert.subject;
  else if (alert.kind === "category_province") {
    what = [
      alert.category ? term("category", alert.category) : t("rules.anyCategory"),
      alert.province ? provinceName(alert.province) : t("rules.anyProvince"),
    ].join(" · ");
  }
  return t(`alert.reason.${alert.kind}`, { what, ...numbers });
}

function alertRow(alert) {
  const posts = h("ul", {
    class: "posts alert-posts",
    id: `alert-posts-${alert.alert_id}`,
    hidden: true,
  });
  const toggle = h(
    "button",
    { type: "button", class: "alert-toggle", "aria-expanded": "false", "aria-controls": posts.id },
    t("alert.posts", { n: formatNumber(alert.post_ids.length) }),
  );
  let loaded = false;
  toggle.addEventListener("click", async () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    posts.hidden = !open;
    if (!open || loaded) return;
    fill(posts, h("li", { class: "muted" }, t("loading")));
    try {
      const detail = await api(`/alerts/${encodeURIComponent(alert.alert_id)}`);
      fill(
        posts,
        detail.posts.length
          ? detail.posts.map((post) => postCard(post))
          : h("li", { class: "muted" }, t("alert.noPosts")),
      );
      loaded = true;
    } catch (exc) {
      fill(posts, h("li", { class: "error" }, errorMessage(exc)));
    }
  });
  const topic =
    alert.topic_id !== null && alert.topic_id !== undefined
      ? h("a", { href: `#/topic/${alert.topic_id}` }, t("alert.openTopic"))
      : alert.complaint_id
        ? h(
            "a",
            { href: `#/complaint/${encodeURIComponent(alert.complaint_id)}` },
            t("alert.openComplaint"),
          )
        : null;
  return h(
    "li",
    { class: "alert-row", dataset: { alertId: alert.alert_id } },
    h(
      "p",
      { class: "alert-head" },
      h("time", { datetime: alert.triggered_at }, formatTime(alert.triggered_at)),
      " ",
      h("span", { class: "tag" }, term("alertkind", alert.kind)),
      " ",
      h("span", { class: "mono" }, alert.rule),
      " ",
      badge("alertstatus", alert.status),
    ),
    h("p", { class: "alert-reason" }, alertReason(alert)),
    h("p", { class: "alert-actions" }, toggle, " ", topic),
    posts,
  );
}

async function loadHistory(filters, offset) {
  const load = ++loads;
  shown.offset = offset;
  const clear = () => {
    fill(byId("alert-list"));
    fill(byId("alert-pager"));
  };
  await withPanel(
    byId("alert-history-panel"),
    async () => {
      const page = await api(`/alerts${query({ ...filters, limit: PAGE, offset })}`);
      if (load !== loads) return OVERTAKEN;
      fill(byId("alert-list"), page.alerts.map(alertRow));
      fill(
        byId("alert-pager"),
        pager({
          offset,
          shown: page.alerts.length,
          total: page.total,
          top: byId("alert-history-title"),
          onPrevious: offset > 0 ? () => loadHistory(filters, Math.max(0, offset - PAGE)) : null,
          onNext:
            offset + page.alerts.length < page.total
              ? () => loadHistory(filters, offset + PAGE)
              : null,
        }),
      );
      return page.total > 0;
    },
    { clear },
  );
}

/** The view for ``params`` (the URL's query): the history under its filters, and the rules. */
export async function renderAlerts(params) {
  // The filters show the URL's choice at once, before anything is awaited.
  const filters = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? ""]));
  fillChoices(byId("alert-status"), STATUSES, (s) => term("alertstatus", s), {
    chosen: filters.status,
  });
  fillChoices(byId("alert-kind"), ALERT_KINDS, (k) => term("alertkind", k), {
    chosen: filters.kind,
  });

  let denial = "";
  try {
    if (!(await allowed("analyst"))) denial = t("alerts.analystsOnly");
  } catch (exc) {
    denial = errorMessage(exc);
  }
  const denied = byId("alerts-denied");
  denied.textContent = denial;
  denied.hidden = !denial;
  byId("alerts-body").hidden = Boolean(denial);
  if (denial) return;

  const key = JSON.stringify(filters);
  const offset = shown.filters === key ? shown.offset : 0; // new filters start on page one
  shown.filters = key;
  const rules = renderRules().then((names) => {
    // An alert of a rule deleted since still names it: fillChoices keeps the chosen one.
    fillChoices(byId("alert-rule"), names, (name) => name, { chosen: filters.rule });
  });
  await Promise.all([loadHistory(filters, offset), rules]);
}
