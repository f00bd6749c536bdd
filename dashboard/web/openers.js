// Who spoke first, and whose posts were engaged with most, in a topic or an emerging grievance
// (GET /v1/topics/{id}/sources, /v1/emergences/{id}/sources): each post with the source to
// credit for it (a page, channel, outlet or forum room by name, an account by the pseudonym
// the API gives) and its engagement (likes, shares and replies).

import { api } from "./api.js";
import { fill, h } from "./dom.js";
import { formatNumber, t, term } from "./i18n.js";
import { lazyToggle, postCard } from "./panels.js";

/** A source's name as the dashboard shows it; an account's pseudonym in a fixed-width face. */
export function sourceName(kind, name) {
  return h("span", { class: kind === "account" ? "source-name mono" : "source-name" }, name);
}

/** Who to credit for a post: its kind ("เพจ", "บัญชี", …) and name; "–" when unknown. */
export function sourceLabel(kind, name) {
  if (!kind || !name) return h("span", { class: "muted" }, t("openers.noSource"));
  return h(
    "span",
    { class: "source" },
    h("span", { class: "tag source-kind" }, term("sourcekind", kind)),
    " ",
    sourceName(kind, name),
  );
}

/** The card of a SourcedPost: the post, then who spoke and how much it was engaged with. */
export function sourcedCard(item) {
  return postCard(
    item.post,
    h(
      "p",
      { class: "post-source" },
      sourceLabel(item.source_kind, item.source_name),
      " · ",
      h(
        "span",
        { class: "engagement" },
        t("openers.engagement", { n: formatNumber(item.engagement) }),
      ),
    ),
  );
}

/** Fill ``list`` with the cards of ``items`` (SourcedPosts), or say there are none. */
export function fillSourced(list, items) {
  fill(
    list,
    items.length ? items.map(sourcedCard) : h("li", { class: "muted" }, t("openers.none")),
  );
}

/**
 * A button that shows, under it, who spoke first among the posts at ``path`` (an Openers
 * answer), asked when first opened: [button, list]. ``id`` names the list for aria-controls.
 */
export function openersToggle(path, id) {
  return lazyToggle({
    label: t("openers.toggle"),
    id,
    listClass: "posts openers-list",
    buttonClass: "openers-toggle",
    load: async (list) => fillSourced(list, (await api(path)).first),
  });
}
