// Complaint lookup for officers: a complaint's status history and the social posts linked to
// it, each with why it was linked, the evidence, and buttons to confirm or reject the link.

import { ApiError, api, query } from "../api.js";
import { byId, fill, h } from "../dom.js";
import { formatNumber, formatPercent, formatTime, provinceName, t, term } from "../i18n.js";
import { badge, errorMessage, postCard, setStatus } from "../panels.js";

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

function historyItem(change) {
  return h(
    "li",
    { class: "history-item" },
    h("time", { datetime: change.at }, formatTime(change.at)),
    " ",
    badge("cstatus", change.status),
    change.source_status ? h("span", { class: "muted" }, ` (${change.source_status})`) : null,
    change.agency ? h("span", { class: "agency" }, ` · ${change.agency}`) : null,
    change.note ? h("p", { class: "note" }, change.note) : null,
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

function evidenceList(evidence) {
  if (!evidence) return null;
  const rows = [
    [
      t("link.matched"),
      evidence.matched.map((name) => h("span", { class: "tag" }, term("signal", name))),
    ],
    [
      t("link.sharedWords"),
      evidence.shared_words.map((word) => h("span", { class: "tag word" }, word)),
    ],
    [
      t("link.days"),
      t(evidence.days_from_filing < 0 ? "link.daysBefore" : "link.daysAfter", {
        n: formatNumber(Math.abs(evidence.days_from_filing), 1),
      }),
    ],
    [t("link.place"), evidence.place],
    [
      t("link.distance"),
      evidence.distance_km === null
        ? null
        : t("link.distanceValue", { n: formatNumber(evidence.distance_km, 1) }),
    ],
  ].filter(
    ([, value]) =>
      value !== null && value !== undefined && !(Array.isArray(value) && !value.length),
  );
  return h(
    "dl",
    { class: "evidence" },
    rows.map(([label, value]) =>
      h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, value)),
    ),
  );
}

function linkCard(complaintId, link) {
  const decision = h(
    "p",
    { class: `decision verdict-${link.decision?.verdict ?? "pending"}` },
    decisionText(link.decision),
  );
  const note = h("input", {
    type: "text",
    class: "note-input",
    maxlength: 2000,
    placeholder: t("link.note"),
    "aria-label": t("link.note"),
  });
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const buttons = ["confirmed", "rejected"].map((verdict) =>
    h(
      "button",
      {
        type: "button",
        class: verdict === "confirmed" ? "confirm" : "reject",
        dataset: { verdict },
        "aria-pressed": String(link.decision?.verdict === verdict),
      },
      t(verdict === "confirmed" ? "link.confirm" : "link.reject"),
    ),
  );
  const item = postCard(
    link.post,
    h(
      "div",
      { class: "link-facts" },
      h("p", { class: "score" }, `${t("link.score")} `, h("strong", {}, formatPercent(link.score))),
      h(
        "p",
        { class: "explanation" },
        h("span", { class: "muted" }, `${t("link.explanation")}: `),
        link.explanation,
      ),
      evidenceList(link.evidence),
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

export async function renderComplaint(complaintId) {
  const result = byId("complaint-result");
  const failure = byId("complaint-error");
  failure.hidden = true;
  if (!complaintId) {
    result.hidden = true;
    return;
  }
  byId("complaint-input").value = complaintId;
  const panel = byId("related-panel");
  setStatus(panel, t("loading"));
  try {
    // Rejected links are kept on screen (with their verdict) so an officer sees what was decided.
    const found = await api(
      `/complaints/${encodeURIComponent(complaintId)}/related-posts${query({ include_rejected: true })}`,
    );
    const complaint = found.complaint;
    fill(byId("complaint-card"), card(complaint));
    fill(
      byId("complaint-history"),
      complaint.history.length
        ? complaint.history.map(historyItem)
        : h("li", { class: "muted" }, t("complaint.noHistory")),
    );
    fill(
      byId("related-posts"),
      found.related.map((link) => linkCard(complaint.complaint_id, link)),
    );
    setStatus(panel, found.related.length ? "" : t("complaint.noRelated"));
    result.hidden = false;
  } catch (exc) {
    result.hidden = true;
    failure.textContent =
      exc instanceof ApiError && exc.status === 404
        ? t("complaint.notFound", { id: complaintId })
        : errorMessage(exc);
    failure.hidden = false;
  }
}
