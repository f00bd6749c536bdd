// What the public said after a complaint was resolved, on its page (#/complaint/<id>): the
// satisfaction score with its label and each measure behind it, the complainant's survey
// when the API has one, and for a reopen candidate the posts that still report the problem,
// with buttons to confirm (reopen) or dismiss it.

import { allowed } from "../access.js";
import { ApiError, api } from "../api.js";
import { byId, fill, h } from "../dom.js";
import { formatNumber, formatPercent, formatScore, formatTime, t, term } from "../i18n.js";
import {
  OVERTAKEN,
  badge,
  errorMessage,
  postCard,
  setStatus,
  verdictControls,
  withPanel,
} from "../panels.js";

const RESOLVED = ["resolved", "closed"];
const VERDICTS = ["confirmed", "dismissed"];
// Posts shown as evidence, each fetched on its own (GET /v1/posts/{id}): the surest first.
const MAX_BROKEN = 10;
const MAX_FIXED = 5;

let loads = 0; // numbers each load, so that an answer a newer load overtook is dropped

function score(value) {
  return value === null || value === undefined ? "–" : formatScore(value);
}

/** One measure of the signal: its name, its value (or "not enough data") and its numbers. */
function measure(name, value, detail) {
  return h(
    "li",
    { class: "measure", dataset: { measure: name } },
    h("span", { class: "measure-name" }, t(`measure.${name}`)),
    " ",
    h("strong", { class: "measure-value" }, value === null ? t("measure.none") : score(value)),
    detail ? h("span", { class: "muted" }, ` · ${detail}`) : null,
  );
}

function share(value) {
  return value === null || value === undefined ? "–" : formatPercent(value);
}

function measures(signal) {
  const { before, after } = signal;
  return h(
    "ul",
    { class: "measures" },
    measure(
      "relief",
      signal.relief,
      t("measure.relief.detail", {
        before: share(before.negative_share),
        after: share(after.negative_share),
      }),
    ),
    measure(
      "quieter",
      signal.quieter,
      t("measure.quieter.detail", {
        before: formatNumber(before.per_day, 2),
        after: formatNumber(after.per_day, 2),
      }),
    ),
    measure(
      "voice",
      signal.voice,
      t("measure.voice.detail", {
        fixed: formatNumber(signal.fixed_posts),
        broken: formatNumber(signal.still_broken_posts),
      }),
    ),
  );
}

function period(window) {
  const day = (iso) => formatTime(iso, { dateOnly: true });
  return `${day(window.start)} – ${day(window.end)}`;
}

/** The public's score, and beside it the complainant's survey when the API sends one. */
function scores(followUp) {
  const signal = followUp.satisfaction;
  const survey = followUp.survey; // the centre's survey answer, when imported: {score 1–5, …}
  return h(
    "div",
    { class: "scores" },
    h(
      "div",
      { class: "score-card", id: "public-score" },
      h("h3", {}, t("followup.score")),
      h(
        "p",
        { class: "score-value" },
        score(signal.score),
        " ",
        badge("satisfaction", signal.label),
      ),
      h("p", { class: "muted" }, t("followup.scale")),
    ),
    survey && survey.score !== null && survey.score !== undefined
      ? h(
          "div",
          { class: "score-card", id: "survey-score" },
          h("h3", {}, t("followup.survey")),
          h(
            "p",
            { class: "score-value" },
            t("followup.surveyScore", { score: formatNumber(survey.score) }),
          ),
          survey.comment ? h("p", { class: "survey-comment" }, `“${survey.comment}”`) : null,
          survey.answered_at
            ? h(
                "p",
                { class: "muted" },
                t("followup.surveyAnswered", { time: formatTime(survey.answered_at) }),
              )
            : null,
        )
      : null,
  );
}

/** The posts of ``found`` (FollowUpPost) that GET /v1/posts/{id} still has, by id. */
async function fetchPosts(found) {
  const posts = new Map();
  await Promise.all(
    found.map(async ({ post_id: id }) => {
      try {
        posts.set(id, await api(`/posts/${encodeURIComponent(id)}`));
      } catch (exc) {
        if (!(exc instanceof ApiError && exc.status === 404)) throw exc;
        posts.set(id, null); // deleted since the tracking run: said as such
      }
    }),
  );
  return posts;
}

function evidenceList(found, total, posts) {
  const items = found.map((item) => {
    const post = posts.get(item.post_id);
    const facts = h(
      "p",
      { class: "post-meta evidence-facts" },
      t("reopen.daysAfter", { n: formatNumber(item.days_after, 1) }),
      item.cues.length ? [" · ", t("reopen.cues"), " "] : null,
      item.cues.map((cue) => [h("span", { class: "tag word" }, term("cue", cue)), " "]),
    );
    if (!post) {
      return h(
        "li",
        { class: "post", dataset: { postId: item.post_id } },
        h("p", { class: "muted" }, t("reopen.postGone", { id: item.post_id })),
        facts,
      );
    }
    return postCard(post, facts);
  });
  if (total > found.length) {
    items.push(
      h("li", { class: "muted" }, t("reopen.more", { n: formatNumber(total - found.length) })),
    );
  }
  return h("ul", { class: "posts evidence" }, items);
}

function decisionText(decision) {
  if (!decision) return t("reopen.pending");
  return t("reopen.decided", {
    verdict: term("reopenverdict", decision.verdict),
    by: decision.by,
    at: formatTime(decision.at),
  });
}

/** The reopen part: the verdict, the buttons (``mayDecide``) and the posts as evidence. */
function reopenSection(complaintId, followUp, posts, mayDecide) {
  const decision = followUp.decision;
  const stale = decision && Date.parse(decision.at) > Date.parse(followUp.computed_at);
  const { note, error, buttons } = verdictControls(VERDICTS, decision?.verdict, (verdict) =>
    t(verdict === "confirmed" ? "reopen.confirm" : "reopen.dismiss"),
  );
  const line = h(
    "p",
    { class: `decision reopen-decision verdict-${decision?.verdict ?? "pending"}` },
    decisionText(decision),
  );
  for (const button of buttons) {
    button.addEventListener("click", async () => {
      for (const b of buttons) b.disabled = true;
      error.hidden = true;
      line.textContent = t("link.saving");
      try {
        const result = await api(`/complaints/${encodeURIComponent(complaintId)}/reopen-decision`, {
          method: "POST",
          body: { verdict: button.dataset.verdict, note: note.value.trim() || null },
        });
        // The answer is the follow-up as it stands now, survey answer included: shown at once.
        showFollowUp(complaintId, result.follow_up, posts, mayDecide);
        byId("reopen-title").focus();
      } catch (exc) {
        line.textContent = decisionText(decision);
        error.textContent = errorMessage(exc);
        error.hidden = false;
        for (const b of buttons) b.disabled = false;
      }
    });
  }
  const broken = followUp.still_broken.slice(0, MAX_BROKEN);
  const fixed = followUp.fixed.slice(0, MAX_FIXED);
  return h(
    "section",
    { class: "reopen", "aria-labelledby": "reopen-title" },
    h(
      "h3",
      { id: "reopen-title", tabindex: -1 },
      t("reopen.title"),
      " ",
      followUp.reopen_candidate
        ? h("span", { class: "badge reopen-candidate" }, t("reopen.candidate"))
        : null,
    ),
    line,
    stale ? h("p", { class: "muted" }, t("reopen.rescore")) : null,
    mayDecide ? h("div", { class: "decide" }, note, ...buttons) : null,
    error,
    h("h4", {}, t("reopen.evidence", { n: formatNumber(followUp.still_broken.length) })),
    evidenceList(broken, followUp.still_broken.length, posts),
    fixed.length
      ? [
          h("h4", {}, t("reopen.fixedPosts", { n: formatNumber(followUp.fixed.length) })),
          evidenceList(fixed, followUp.fixed.length, posts),
        ]
      : null,
  );
}

function showFollowUp(complaintId, followUp, posts, mayDecide) {
  const signal = followUp.satisfaction;
  byId("followup-body").dataset.complaintId = complaintId;
  const reopen = followUp.reopen_candidate || followUp.decision || followUp.still_broken.length > 0;
  fill(
    byId("followup-body"),
    scores(followUp),
    h("h3", { class: "subhead" }, t("followup.evidence")),
    measures(signal),
    h(
      "p",
      { class: "credit" },
      t("followup.windows", { before: period(signal.before), after: period(signal.after) }),
      " · ",
      t("followup.computed", { time: formatTime(followUp.computed_at) }),
    ),
    reopen ? reopenSection(complaintId, followUp, posts, mayDecide) : null,
  );
}

/** Empty the panel at once (another complaint is coming): no button of the last one stays. */
export function forgetFollowUp() {
  loads += 1; // an answer still on its way is for the last complaint
  const body = byId("followup-body");
  fill(body);
  delete body.dataset.complaintId;
  setStatus(byId("followup-panel"), t("loading"));
}

/** The follow-up of ``complaint`` (GET /v1/complaints/{id}/follow-up), once it is resolved. */
export async function renderFollowUp(complaint) {
  const load = ++loads;
  const panel = byId("followup-panel");
  const body = byId("followup-body");
  delete body.dataset.complaintId;
  if (!RESOLVED.includes(complaint.status)) {
    fill(body);
    setStatus(panel, t("followup.notResolved"));
    return;
  }
  const id = complaint.complaint_id;
  await withPanel(
    panel,
    async () => {
      let followUp;
      try {
        followUp = await api(`/complaints/${encodeURIComponent(id)}/follow-up`);
      } catch (exc) {
        if (!(exc instanceof ApiError && exc.status === 404)) throw exc;
        if (load !== loads) return OVERTAKEN;
        fill(body);
        return t("followup.notTracked"); // resolved since the last tracking run
      }
      const [posts, mayDecide] = await Promise.all([
        fetchPosts([
          ...followUp.still_broken.slice(0, MAX_BROKEN),
          ...followUp.fixed.slice(0, MAX_FIXED),
        ]),
        allowed("officer").catch(() => false),
      ]);
      if (load !== loads) return OVERTAKEN;
      showFollowUp(id, followUp, posts, mayDecide);
      return "";
    },
    { clear: () => fill(body) },
  );
}
