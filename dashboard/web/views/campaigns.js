// Coordinated campaigns, for every role (#/campaigns?kind=&topic_id=&offset=): one text posted
// by many accounts within hours (copied_text), or a few accounts pushing one subject for days
// (few_accounts), the newest first; each with why it was flagged, when (Bangkok), how many
// accounts and posts, the shared text and its words. A campaign's page (#/campaign/<id>)
// shows its evidence: the accounts' pseudonyms, the time span, the shared text and its posts.

import { api, query } from "../api.js";
import { fillChoices } from "../choices.js";
import { byId, fill, h } from "../dom.js";
import { hrefFor, navigate } from "../filters.js";
import { formatDuration, formatNumber, formatSpan, formatTime, lang, t, term } from "../i18n.js";
import { sourceLabel } from "../openers.js";
import { pager } from "../pager.js";
import { OVERTAKEN, badge, campaignHref, postCard, withPanel } from "../panels.js";
import { postText } from "../posttext.js";

const PAGE = 20; // campaigns per page
export const CAMPAIGN_KINDS = ["copied_text", "few_accounts"];

let loads = 0; // numbers each load, so that an answer a newer load overtook is dropped
let current = { kind: null, topicId: null, offset: 0 };
let shownId = null; // the campaign whose page is on screen
let listHash = "#/campaigns"; // where "back to the campaigns" leads: the list as last seen

/** The list as the URL describes it. */
function state(params) {
  const kind = params.get("kind");
  const topic = params.get("topic_id") ?? "";
  return {
    kind: CAMPAIGN_KINDS.includes(kind) ? kind : null,
    topicId: /^\d{1,10}$/.test(topic) ? Number(topic) : null,
    offset: Math.max(0, Number.parseInt(params.get("offset") ?? "", 10) || 0),
  };
}

function listHref({ kind, topicId, offset }) {
  return hrefFor("campaigns", { params: { kind, topic_id: topicId, offset: offset || null } });
}

export function setupCampaigns() {
  const form = byId("campaign-filters");
  form.addEventListener("submit", (event) => event.preventDefault());
  byId("campaign-kind").addEventListener("change", (event) =>
    navigate(listHref({ ...current, kind: event.target.value || null, offset: 0 })),
  );
}

/** Why it was flagged, in the UI's language: the API's Thai line, or the same in English
 *  from the campaign's numbers. */
function reason(campaign) {
  if (lang() === "th") return campaign.reason;
  return t(`campaign.reason.${campaign.kind}`, {
    accounts: formatNumber(campaign.accounts.length),
    posts: formatNumber(campaign.posts),
    span: formatDuration(campaign.span_hours),
    words: campaign.keywords.slice(0, 3).join(" "),
  });
}

/** "5 พ.ย. 2569 13:00–13:56 (56 นาที)": when, in Bangkok, and how long. */
function spanText(campaign) {
  return `${formatSpan(campaign.start, campaign.end)} (${formatDuration(campaign.span_hours)})`;
}

function keywordLine(words) {
  if (!words.length) return null;
  return h(
    "p",
    { class: "keywords" },
    h("span", { class: "muted" }, `${t("topic.keywords")}: `),
    words.map((word) => h("span", { class: "tag" }, word)),
  );
}

/** The shared text (the first copy, or the group's most typical post), folded when long. */
function sharedText(campaign) {
  return h(
    "blockquote",
    { class: "campaign-text" },
    postText({ text: campaign.text, matched: [] }),
  );
}

function campaignRow(campaign) {
  return h(
    "li",
    { class: "campaign-row", dataset: { campaignId: campaign.campaign_id } },
    h(
      "p",
      { class: "campaign-head" },
      h(
        "a",
        { class: "campaign-reason", href: campaignHref(campaign.campaign_id) },
        reason(campaign),
      ),
      " ",
      badge("campaignkind", campaign.kind),
    ),
    h(
      "p",
      { class: "campaign-meta" },
      h("time", { class: "campaign-span", datetime: campaign.start }, spanText(campaign)),
      " · ",
      h(
        "span",
        { class: "campaign-accounts" },
        t("campaign.accounts", { n: formatNumber(campaign.accounts.length) }),
      ),
      " · ",
      h("span", { class: "campaign-posts" }, t("posts.count", { n: formatNumber(campaign.posts) })),
    ),
    h("p", { class: "campaign-shared muted" }, t("campaign.sharedText")),
    sharedText(campaign),
    keywordLine(campaign.keywords),
  );
}

/** "Of topic 12" with a link to the topic and one to every campaign; hidden without one. */
function showTopicFilter({ kind, topicId }) {
  const note = byId("campaign-topic-filter");
  note.hidden = topicId === null;
  if (note.hidden) return fill(note);
  fill(
    note,
    h("span", { class: "muted" }, `${t("filters.active")} `),
    h("a", { href: `#/topic/${topicId}` }, t("campaign.topicN", { id: topicId })),
    h("a", { href: listHref({ kind, topicId: null, offset: 0 }) }, t("filters.showAll")),
  );
}

async function renderList(params) {
  byId("campaigns-list-part").hidden = false;
  byId("campaign-detail").hidden = true;
  shownId = null;
  current = state(params);
  listHash = listHref(current);
  const { kind, topicId, offset } = current;
  fillChoices(byId("campaign-kind"), CAMPAIGN_KINDS, (k) => term("campaignkind", k), {
    chosen: kind ?? "",
  });
  showTopicFilter(current);
  const load = ++loads;
  const clear = () => [byId("campaigns-list"), byId("campaigns-pager")].forEach((el) => fill(el));
  await withPanel(
    byId("campaigns-panel"),
    async () => {
      const page = await api(
        `/campaigns${query({ kind, topic_id: topicId, limit: PAGE, offset })}`,
      );
      if (load !== loads) return OVERTAKEN;
      fill(byId("campaigns-list"), page.campaigns.map(campaignRow));
      const shown = page.campaigns.length;
      const go = (to) => () => navigate(listHref({ ...current, offset: to }));
      fill(
        byId("campaigns-pager"),
        pager({
          offset,
          shown,
          total: page.total,
          top: byId("campaigns-title"),
          onPrevious: offset > 0 ? go(Math.max(0, offset - PAGE)) : null,
          onNext: offset + shown < page.total ? go(offset + PAGE) : null,
        }),
      );
      return shown > 0 || t("campaigns.none");
    },
    { clear },
  );
}

function fact(label, value) {
  return h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, value));
}

/** Links to the campaign's topics, named by their labels once those arrive. */
function topicLinks(topicIds) {
  return topicIds.slice(0, 5).map((id) => {
    const link = h(
      "a",
      { class: "tag topic-link", href: `#/topic/${id}` },
      t("campaign.topicN", { id }),
    );
    api(`/topics/${id}`)
      .then(({ topic }) => {
        link.textContent = topic.label;
      })
      .catch(() => {}); // the number stays: the link still leads to the topic
    return link;
  });
}

function campaignHeader(campaign) {
  return [
    h("h2", { id: "campaign-title" }, reason(campaign), " ", badge("campaignkind", campaign.kind)),
    h(
      "dl",
      { class: "facts" },
      fact(
        t("campaign.span"),
        h("time", { class: "campaign-span", datetime: campaign.start }, spanText(campaign)),
      ),
      fact(
        t("campaign.accountsTitle"),
        h("span", { class: "campaign-accounts" }, formatNumber(campaign.accounts.length)),
      ),
      fact(t("posts"), h("span", { class: "campaign-posts" }, formatNumber(campaign.posts))),
      fact(t("campaign.detected"), formatTime(campaign.detected_at)),
      campaign.topic_ids.length ? fact(t("campaign.topics"), topicLinks(campaign.topic_ids)) : null,
    ),
    h("h3", { class: "subhead" }, t("campaign.sharedText")),
    sharedText(campaign),
    keywordLine(campaign.keywords),
  ];
}

async function renderDetail(campaignId) {
  byId("campaigns-list-part").hidden = true;
  byId("campaign-detail").hidden = false;
  byId("campaigns-back").href = listHash;
  const parts = ["campaign-card-body", "campaign-accounts", "campaign-accounts-note"];
  parts.push("campaign-posts", "campaign-posts-total");
  const clear = () => parts.forEach((id) => fill(byId(id)));
  if (shownId !== campaignId) clear();
  shownId = campaignId;
  const load = ++loads;
  await withPanel(
    byId("campaign-card"),
    async () => {
      const { campaign, posts } = await api(`/campaigns/${encodeURIComponent(campaignId)}`);
      if (load !== loads) return OVERTAKEN;
      fill(byId("campaign-card-body"), campaignHeader(campaign));
      byId("campaign-accounts-note").textContent = t("campaign.accountsNote", {
        n: formatNumber(campaign.accounts.length),
      });
      fill(
        byId("campaign-accounts"),
        campaign.accounts.map((account) => h("li", { class: "account mono" }, account)),
      );
      byId("campaign-posts-total").textContent = t("campaign.postsShown", {
        shown: formatNumber(posts.length),
        total: formatNumber(campaign.posts),
      });
      fill(
        byId("campaign-posts"),
        posts.map((post) =>
          postCard(
            post,
            post.author
              ? h("p", { class: "post-source" }, sourceLabel("account", post.author))
              : null,
          ),
        ),
      );
    },
    { clear },
  );
}

/** The list (no ``campaignId``) under the URL's params, or one campaign's page. */
export async function renderCampaigns(campaignId, params) {
  if (campaignId) await renderDetail(campaignId);
  else await renderList(params);
}
