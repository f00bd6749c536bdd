// A complaint's page for officers (#/complaint/<id>): its facts, its timeline (casetimeline.js),
// what the public said after it was resolved (followup.js), a compact status history and the
// social posts linked to it, ten at a time, each with the evidence as items in the UI's
// language and buttons to confirm or reject the link.

import { ApiError, api, query } from "../api.js";
import { byId, fill, h } from "../dom.js";
import { formatNumber, formatPercent, formatTime, provinceName, t, term } from "../i18n.js";
import { pager } from "../pager.js";
import { badge, errorMessage, postCard, setStatus, verdictControls } from "../panels.js";
import { forgetCaseTimeline, renderCaseTimeline } from "./casetimeline.js";
import { lastSearch } from "./complaints.js";
import { forgetFollowUp, renderFollowUp } from "./followup.js";

const PAGE = 10;
// Every related post is fetched at once (the API does not page them): paging is done here,
// and a verdict stays on its link when the officer pages away and back.
const MAX_RELATED = 500;

export function setupComplaint() {
  byId("complaint-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const id = byId("complaint-input").value.trim();
    if (!id) return;
    const target = `#/complaint/${encodeURIComponent(id)}`;
    if (location.hash === target) renderComplaint(id);
    else location.hash = target;
  });
}

function fact(label, value) {
  return h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, value || "–"));
}

function card(c) {
  const place = [c.subdistrict, c.district].filter(Boolean).join(", ");
  return [
    h(
      "h2",
      { id: "complaint-title" },
      h("span", { class: "mono" }, c.complaint_id),
      " ",
      c.subject,
      " ",
      badge("cstatus", c.status),
    ),
    c.description ? h("p", { class: "description" }, c.description) : null,
    h(
      "dl",
      { class: "facts" },
      fact(t("complaint.filed"), formatTime(c.filed_at)),
      fact(
        t("complaint.channel"),
        c.source && c.source !== c.channel ? `${c.channel} (${c.source})` : c.channel,
      ),
      fact(t("filters.category"), term("category", c.category)),
      fact(t("complaint.agency"), c.agency),
      fact(t("complaint.place"), [place, provinceName(c.province)].filter(Boolean).join(", ")),
    ),
  ];
}

/** One status change on one line: when, the status, the agency and its note. */
function historyItem(change) {
  return h(
    "li",
    { class: "history-item" },
    h("time", { datetime: change.at }, formatTime(change.at)),
    " ",
    badge("cstatus", change.status),
    change.source_status ? h("span", { class: "muted" }, ` (${change.source_status})`) : null,
    change.agency ? h("span", { class: "agency" }, ` · ${change.agency}`) : null,
    change.note ? h("span", { class: "note" }, ` — ${change.note}`) : null,
  );
}

function decisionText(decision) {
  if (!decision) return t("link.pending");
  return t("link.decided", {
    verdict: term("verdict", decision.verdict),
    by: decision.by,
    at: formatTime(decision.at),
  });
}

/** A LinkReason in words; null for a kind this page does not know yet. */
function reasonText(reason) {
  const side = reason.agrees ? "same" : "different";
  switch (reason.kind) {
    case "place":
      return t(`reason.place.${reason.level}.${side}`, {
        names: reason.names.map(provinceName).join(", "),
      });
    case "distance":
      return t("reason.distance", { km: formatNumber(reason.km, 1) });
    case "category":
      return t("reason.category", { category: term("category", reason.category) });
    case "problem":
      return [
        t(reason.agrees ? "reason.problem.same" : "reason.problem.different"),
        reason.words.map((word) => [" ", h("span", { class: "tag word" }, word)]),
      ];
    case "shared_words":
      // Spaces between the chips, so the words are read (and copied) as words.
      return [
        t("reason.sharedWords"),
        reason.words.map((word) => [" ", h("span", { class: "tag word" }, word)]),
      ];
    case "similarity":
      return t("reason.similarity", { value: formatNumber(reason.similarity, 2) });
    case "time_gap":
      return t(reason.days < 0 ? "reason.before" : "reason.after", {
        n: formatNumber(Math.abs(reason.days), 1),
      });
    default:
      return null;
  }
}

/** The evidence of a link as a list, each item marked as speaking for the link or not. */
function reasonList(reasons) {
  const items = reasons
    .map((reason) => [reason, reasonText(reason)])
    .filter(([, text]) => text !== null)
    .map(([reason, text]) =>
      h(
        "li",
        {
          class: `reason ${reason.agrees ? "agrees" : "disagrees"}`,
          dataset: { kind: reason.kind },
        },
        h("span", { class: "sr-only" }, `${t(reason.agrees ? "reason.for" : "reason.against")} `),
        h("span", { class: "reason-text" }, text),
      ),
    );
  return h("ul", { class: "reasons", "aria-label": t("link.explanation") }, items);
}

function linkCard(complaintId, link) {
  const decision = h(
    "p",
    { class: `decision verdict-${link.decision?.verdict ?? "pending"}` },
    decisionText(link.decision),
  );
  const { note, error, buttons } = verdictControls(
    ["confirmed", "rejected"],
    link.decision?.verdict,
    (verdict) => t(verdict === "confirmed" ? "link.confirm" : "link.reject"),
  );
  const item = postCard(
    link.post,
    h(
      "div",
      { class: "link-facts" },
      h("p", { class: "score" }, `${t("link.score")} `, h("strong", {}, formatPercent(link.score))),
      reasonList(link.reasons),
      decision,
      h("div", { class: "decide" }, note, ...buttons),
      error,
    ),
  );
  item.classList.add("related");
  for (const button of buttons) {
    button.addEventListener("click", async () => {
      for (const b of buttons) b.disabled = true;
      error.hidden = true;
      decision.textContent = t("link.saving");
      try {
        const result = await api("/links/decisions", {
          method: "POST",
          body: {
            post_id: link.post.id,
            complaint_id: complaintId,
            verdict: button.dataset.verdict, // recorded under the key's name
            note: note.value.trim() || null,
          },
        });
        link.decision = result.decision;
        note.value = "";
      } catch (exc) {
        error.textContent = errorMessage(exc);
        error.hidden = false;
      } finally {
        decision.textContent = decisionText(link.decision);
        decision.className = `decision verdict-${link.decision?.verdict ?? "pending"}`;
        for (const b of buttons) {
          b.disabled = false;
          b.setAttribute("aria-pressed", String(link.decision?.verdict === b.dataset.verdict));
        }
      }
    });
  }
  return item;
}

let shown = { complaintId: null, related: [], offset: 0 };

function showRelated(offset) {
  shown.offset = offset;
  const page = shown.related.slice(offset, offset + PAGE);
  fill(
    byId("related-posts"),
    page.map((link) => linkCard(shown.complaintId, link)),
  );
  fill(
    byId("related-pager"),
    pager({
      offset,
      shown: page.length,
      total: shown.related.length,
      top: byId("related-title"),
      onPrevious: offset > 0 ? () => showRelated(offset - PAGE) : null,
      onNext: offset + PAGE < shown.related.length ? () => showRelated(offset + PAGE) : null,
    }),
  );
}

export async function renderComplaint(complaintId) {
  const result = byId("complaint-result");
  const failure = byId("complaint-error");
  failure.hidden = true;
  // The search's parts give way to the complaint; the id box stays for the next one.
  byId("complaint-search").hidden = true;
  byId("complaints-panel").hidden = true;
  byId("complaint-form").hidden = false;
  byId("complaint-input").value = complaintId;
  const back = byId("complaints-back");
  back.href = lastSearch() ?? "#/complaint";
  back.textContent = t(lastSearch() ? "complaints.back" : "complaints.searchAll");
  const panel = byId("related-panel");
  setStatus(panel, t("loading"));
  if (shown.complaintId !== complaintId) {
    // Another complaint: nothing of the last one's may stay clickable while this one loads.
    forgetCaseTimeline();
    forgetFollowUp();
  }
  try {
    // Rejected links are kept on screen (with their verdict) so an officer sees what was decided.
    const found = await api(
      `/complaints/${encodeURIComponent(complaintId)}/related-posts${query({ include_rejected: true, limit: MAX_RELATED })}`,
    );
    const complaint = found.complaint;
    fill(byId("complaint-card"), card(complaint));
    fill(
      byId("complaint-history"),
      complaint.history.length
        ? complaint.history.map(historyItem)
        : h("li", { class: "muted" }, t("complaint.noHistory")),
    );
    // Drawn again (in another language, say), the complaint stays on the officer's page.
    const kept = shown.complaintId === complaint.complaint_id ? shown.offset : 0;
    shown = { complaintId: complaint.complaint_id, related: found.related, offset: 0 };
    showRelated(kept < found.related.length ? kept : 0);
    setStatus(panel, found.related.length ? "" : t("complaint.noRelated"));
    result.hidden = false;
    await Promise.all([renderCaseTimeline(complaint.complaint_id), renderFollowUp(complaint)]);
  } catch (exc) {
    result.hidden = true;
    failure.textContent =
      exc instanceof ApiError && exc.status === 404
        ? t("complaint.notFound", { id: complaintId })
        : errorMessage(exc);
    failure.hidden = false;
  }
}
