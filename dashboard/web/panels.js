// What every panel shows around its content: loading, no data, or why its call failed, and
// the cards for posts that several views share.

import { ApiError } from "./api.js";
import { fill, h } from "./dom.js";
import { formatTime, provinceName, t, term } from "./i18n.js";
import { postText } from "./posttext.js";

/** Set the panel's status line; an empty ``text`` hides it. */
export function setStatus(panel, text, { error = false } = {}) {
  const status = panel.querySelector("[data-status]");
  if (!status) return;
  status.textContent = text || "";
  status.hidden = !text;
  status.classList.toggle("error", error);
}

/** The message for a failed call, in the UI's language. */
export function errorMessage(exc) {
  if (exc instanceof ApiError) {
    if (exc.status === 401 || exc.status === 403 || exc.status === 404)
      return t(`error.${exc.status}`);
    if (exc.status === 0) return t("error.network");
    return `${t("error.generic")} (${exc.status}): ${exc.detail}`;
  }
  return `${t("error.generic")}: ${exc instanceof Error ? exc.message : String(exc)}`;
}

/**
 * What a panel's ``load`` returns when a newer load of the same panel started while it waited
 * for its answer: the older answer is dropped, so a slow reply never replaces a newer one.
 */
export const OVERTAKEN = Symbol("overtaken");

/**
 * Run ``load`` for one panel: "loading" while it runs, its error if it fails (other panels go
 * on), "no data" when it returns false, its message when it returns a string and nothing
 * when it returns OVERTAKEN. ``clear``, when given, empties what the panel showed before when
 * ``load`` fails, so that no stale data stays under the error.
 */
export async function withPanel(panel, load, { clear = null } = {}) {
  setStatus(panel, t("loading"));
  try {
    const shown = await load();
    if (shown === OVERTAKEN) return; // the newer load says how it went
    setStatus(panel, shown === false ? t("empty") : typeof shown === "string" ? shown : "");
  } catch (exc) {
    clear?.();
    setStatus(panel, errorMessage(exc), { error: true });
  }
}

/** What an officer decides with: a note, an error line and one button per verdict (link
 *  verdicts, reopen verdicts). ``current`` is the verdict in force; ``label`` words each. */
export function verdictControls(verdicts, current, label) {
  const note = h("input", {
    type: "text",
    class: "note-input",
    maxlength: 2000,
    placeholder: t("link.note"),
    "aria-label": t("link.note"),
  });
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const buttons = verdicts.map((verdict) =>
    h(
      "button",
      {
        type: "button",
        class: verdict === "confirmed" ? "confirm" : "reject",
        dataset: { verdict },
        "aria-pressed": String(current === verdict),
      },
      label(verdict),
    ),
  );
  return { note, error, buttons };
}

/**
 * A button that opens a list under it, filled by ``load(list)`` the first time it opens
 * (a loading line meanwhile, the error in the list if it fails): [button, list].
 */
export function lazyToggle({ label, id, listClass, buttonClass, load }) {
  const list = h("ul", { class: listClass, id, hidden: true });
  const toggle = h(
    "button",
    { type: "button", class: buttonClass, "aria-expanded": "false", "aria-controls": id },
    label,
  );
  let loaded = false;
  toggle.addEventListener("click", async () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    list.hidden = !open;
    if (!open || loaded) return;
    fill(list, h("li", { class: "muted" }, t("loading")));
    try {
      await load(list);
      loaded = true;
    } catch (exc) {
      fill(list, h("li", { class: "error" }, errorMessage(exc)));
    }
  });
  return [toggle, list];
}

export function badge(kind, value) {
  return h("span", { class: `badge ${kind}-${value}` }, term(kind, value));
}

/** The page of a coordinated campaign (#/campaign/<id>; its ids hold ':'). */
export function campaignHref(campaignId) {
  return `#/campaign/${encodeURIComponent(campaignId)}`;
}

/** The "campaign" badge of a post or topic that is evidence of ``campaignId``: a link to the
 *  campaign's page, or (``link`` false, inside another link) a mark only. */
export function campaignBadge(campaignId, { link = true } = {}) {
  const attrs = {
    class: "badge campaign-badge",
    title: t("campaign.badgeTitle"),
    dataset: { campaignId },
  };
  return link
    ? h("a", { ...attrs, href: campaignHref(campaignId) }, t("campaign.badge"))
    : h("span", attrs, t("campaign.badge"));
}

/**
 * One post as officers and analysts read it: its text (a search's matches marked, a long one
 * folded), where and when, a "campaign" badge when it is evidence of one, and a link to the
 * source.
 */
export function postCard(post, ...extra) {
  const meta = [
    term("platform", post.platform),
    formatTime(post.created_at),
    provinceName(post.province) + (post.district ? ` · ${post.district}` : ""),
  ];
  return h(
    "li",
    { class: "post", dataset: { postId: post.id } },
    postText(post),
    h(
      "p",
      { class: "post-meta" },
      meta.join(" · "),
      " ",
      post.sentiment ? badge("sentiment", post.sentiment) : null,
      " ",
      post.category
        ? h(
            "span",
            post.category_uncertain
              ? { class: "tag tag-uncertain", title: t("post.categoryUncertain") }
              : { class: "tag" },
            post.category_uncertain
              ? `${term("category", post.category)} ?`
              : term("category", post.category),
          )
        : null,
      " ",
      // A post copied in a coordinated campaign: its badge leads to the evidence.
      (post.campaign_ids ?? []).map((id) => [campaignBadge(id), " "]),
      post.url
        ? h("a", { href: post.url, target: "_blank", rel: "noopener noreferrer" }, t("post.open"))
        : null,
    ),
    ...extra,
  );
}
