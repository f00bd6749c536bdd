// Siang's dashboard: asks for the API key once, then routes between the overview, a topic's
// drill-down, the post search, the complaint search and a complaint's page, the agency
// scorecards, the alerts, the coordinated campaigns and a campaign's page, and the sources
// (#/overview, #/topic/<id>, #/search, #/complaint, #/complaint/<id>, #/scorecards, #/alerts,
// #/campaigns, #/campaign/<id>, #/sources; each may carry a ?query of filters, see
// filters.js).

import "./style.css";
import { api, forgetKey, onUnauthorized, storeKey, storedKey } from "./api.js";
import { byId } from "./dom.js";
import { currentRoute } from "./filters.js";
import { applyStatic, lang, setLang, t } from "./i18n.js";
import { errorMessage } from "./panels.js";
import { renderAlerts, setupAlerts } from "./views/alerts.js";
import { renderCampaigns, setupCampaigns } from "./views/campaigns.js";
import { setupCaseTimeline } from "./views/casetimeline.js";
import { renderComplaint, setupComplaint } from "./views/complaint.js";
import { renderComplaintSearch, setupComplaintSearch } from "./views/complaints.js";
import { renderOverview, setupOverview, translateFilters } from "./views/overview.js";
import { renderScorecards, setupScorecards } from "./views/scorecards.js";
import { renderSearch, setupSearch } from "./views/search.js";
import { renderSources, setupSources } from "./views/sources.js";
import { renderTopic, setupTopic } from "./views/topic.js";

const VIEWS = [
  "key",
  "overview",
  "topic",
  "search",
  "complaint",
  "scorecards",
  "alerts",
  "campaigns",
  "sources",
];
// Routes shown by another view's section: a campaign's page is in the campaigns view.
const ALIASES = { campaign: "campaigns" };

function route() {
  const { view, id, params } = currentRoute(); // filters after "?" are read by the views
  const name = ALIASES[view] ?? view;
  return { view: VIEWS.includes(name) && name !== "key" ? name : "overview", id, params };
}

function show(view) {
  for (const name of VIEWS) byId(`${name}-view`).hidden = name !== view;
  byId("nav").hidden = view === "key";
  byId("logout").hidden = view === "key";
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.dataset.view === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

let lastTopic = null;

async function render() {
  if (!storedKey()) {
    show("key");
    byId("key-input").focus();
    return;
  }
  const { view, id, params } = route();
  show(view);
  if (view === "overview") await renderOverview();
  else if (view === "topic") {
    lastTopic = id ?? lastTopic;
    await renderTopic(lastTopic);
  } else if (view === "search") await renderSearch(params);
  else if (view === "alerts") await renderAlerts(params);
  else if (view === "scorecards") await renderScorecards(params);
  else if (view === "campaigns") await renderCampaigns(id, params);
  else if (view === "sources") await renderSources(params);
  else if (id) await renderComplaint(id);
  else await renderComplaintSearch(params);
}

function askForKey(message) {
  forgetKey();
  show("key");
  const error = byId("key-error");
  error.textContent = message;
  error.hidden = !message;
  byId("key-input").select();
}

function setupKeyForm() {
  byId("key-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = byId("key-input").value.trim();
    const error = byId("key-error");
    const submit = byId("key-submit");
    error.textContent = t("key.checking");
    error.hidden = false;
    submit.disabled = true;
    try {
      await api("/topics?limit=1", { key }); // the cheapest call every role may make
      storeKey(key);
      byId("key-input").value = "";
      error.hidden = true;
      await render();
    } catch (exc) {
      error.textContent = errorMessage(exc);
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  byId("logout").addEventListener("click", () => askForKey(""));
}

function setupLanguage() {
  byId("lang-toggle").addEventListener("click", () => {
    setLang(lang() === "th" ? "en" : "th");
    applyStatic();
    translateFilters();
    if (storedKey()) render();
  });
}

function boot() {
  setLang(lang());
  applyStatic();
  setupKeyForm();
  setupLanguage();
  setupOverview();
  setupTopic();
  setupSearch();
  setupComplaint();
  setupCaseTimeline();
  setupComplaintSearch();
  setupScorecards();
  setupAlerts();
  setupCampaigns();
  setupSources();
  onUnauthorized(() => askForKey(t("error.401")));
  window.addEventListener("hashchange", render);
  render();
}

boot();
