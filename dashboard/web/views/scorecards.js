// Agency scorecards for analysts (#/scorecards?start=&end=&measure=): per agency and province,
// for complaints filed in a period (Bangkok days, both included), how many and how fast, the
// share the public still reports after the fix and the mean satisfaction; the ranked agencies
// as bars; the provinces on the map by satisfaction or share still reported; the table as
// CSV. Beside them, for officers, the reopen candidates, each linking to its complaint.

import { allowed } from "../access.js";
import { ApiError, api, download, query } from "../api.js";
import { clearChart, drawMap } from "../charts.js";
import { bangkokMidnight } from "../dates.js";
import { byId, fill, h } from "../dom.js";
import {
  apiFilters,
  fillFilterForm,
  hrefFor,
  navigate,
  readFilterForm,
  readFilters,
  showFormErrors,
} from "../filters.js";
import {
  formatNumber,
  formatPercent,
  formatScore,
  formatTime,
  provinceName,
  t,
  term,
} from "../i18n.js";
import { pager } from "../pager.js";
import { OVERTAKEN, errorMessage, setStatus, withPanel } from "../panels.js";
import { drawRanking } from "../trackcharts.js";

const PAGE = 10; // reopen candidates per page
const MEASURES = ["satisfaction", "renewed"];
// The map's two shadings: satisfaction from -1 (red) to 1 (green), the share still reported
// from 0 (pale) to 1 (red).
const SCALES = {
  satisfaction: {
    min: -1,
    max: 1,
    colors: ["#b03a2e", "#f5e6c8", "#1e8449"],
    format: (value) => formatScore(value),
    missing: null,
  },
  renewed: {
    min: 0,
    max: 1,
    colors: ["#fdf0d5", "#f4a259", "#b03a2e"],
    format: (value) => formatPercent(value),
    missing: null,
  },
};

let loads = 0; // numbers each load, so that an answer a newer load overtook is dropped

/** The view as the URL describes it: the filing period (start, end) and the map's measure. */
function state(params) {
  const { start, end } = readFilters(params);
  const measure = params.get("measure");
  return { start, end, measure: MEASURES.includes(measure) ? measure : "satisfaction" };
}

function scorecardsHref({ start, end, measure }) {
  return hrefFor("scorecards", {
    filters: { start, end },
    params: { measure: measure === "satisfaction" ? null : measure },
  });
}

let current = { start: null, end: null, measure: "satisfaction" };

export function setupScorecards() {
  const form = byId("scorecard-filters");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const read = readFilterForm(form);
    if (read.errors) showFormErrors(form, read.errors);
    else navigate(scorecardsHref({ ...current, start: read.filters.start, end: read.filters.end }));
  });
  byId("scorecard-clear").addEventListener("click", () =>
    navigate(scorecardsHref({ ...current, start: null, end: null })),
  );
  for (const button of document.querySelectorAll("#satmap-panel [data-measure]")) {
    button.addEventListener("click", () =>
      navigate(scorecardsHref({ ...current, measure: button.dataset.measure })),
    );
  }
  byId("scorecard-export").addEventListener("click", () => exportCsv(current));
}

/** "1 ต.ค. 2569 – 31 ต.ค. 2569" style bounds of a period, "…" for an open end. */
function bounds({ start, end }) {
  const day = (value) => (value ? formatTime(bangkokMidnight(value), { dateOnly: true }) : "…");
  return { from: day(start), to: day(end) };
}

/** The CSV's file name, with the period in it: siang-scorecards-2026-10-01-to-2026-10-31.csv. */
function csvName({ start, end }) {
  if (start && end) return `siang-scorecards-${start}-to-${end}.csv`;
  if (start) return `siang-scorecards-from-${start}.csv`;
  if (end) return `siang-scorecards-to-${end}.csv`;
  return "siang-scorecards-all.csv";
}

async function exportCsv(period) {
  const button = byId("scorecard-export");
  const error = byId("scorecard-export-error");
  error.hidden = true;
  button.disabled = true;
  try {
    const { start, end } = apiFilters(period);
    const file = await download(`/agencies/scorecards${query({ start, end, format: "csv" })}`);
    const url = URL.createObjectURL(file.blob);
    h("a", { href: url, download: csvName(period) }).click();
    // The browser has read the blob once the download starts; a minute is ample.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (exc) {
    error.textContent = errorMessage(exc);
    error.hidden = false;
  } finally {
    button.disabled = false;
  }
}

/** A figure of a table row; ``label`` (its column's heading) names it when a phone stacks
 * the row into a card (style.css). */
function cell(value, label, { number = true } = {}) {
  return h("td", { class: number ? "number" : null, dataset: { label: t(label) } }, value);
}

function hours(value) {
  return value === null ? "–" : formatNumber(value, 1);
}

/** "4.2 (12 responses)": a group's survey mean of 5 and how many answered; "–" for none. */
function surveyValue(item) {
  if (item.survey_mean === null || item.survey_mean === undefined) return "–";
  return t("satmap.surveyValue", {
    mean: formatNumber(item.survey_mean, 1),
    n: formatNumber(item.survey_responses ?? 0),
  });
}

/** Whether any of ``items`` carries a survey mean (the survey's column shows only then). */
function surveyed(items) {
  return items.some((item) => item.survey_mean !== null && item.survey_mean !== undefined);
}

function scorecardRow(card, withSurvey) {
  return h(
    "tr",
    {
      class: card.ranked ? "ranked" : "unranked",
      dataset: { agency: card.agency, province: card.province ?? "", ranked: String(card.ranked) },
    },
    h(
      "td",
      { class: "rank", dataset: { label: t("scorecards.rank") } },
      card.ranked
        ? formatNumber(card.rank)
        : h("span", { class: "badge unranked-badge" }, t("scorecards.unranked")),
    ),
    h("th", { scope: "row", class: "agency" }, card.agency),
    cell(provinceName(card.province), "filters.province", { number: false }),
    cell(formatNumber(card.received), "scorecards.received"),
    cell(formatNumber(card.resolved), "scorecards.resolved"),
    cell(hours(card.median_hours_to_first_action), "scorecards.firstAction"),
    cell(hours(card.median_hours_to_resolution), "scorecards.resolution"),
    cell(
      card.renewed_share === null ? "–" : formatPercent(card.renewed_share),
      "scorecards.renewed",
    ),
    cell(
      card.mean_satisfaction === null ? "–" : formatScore(card.mean_satisfaction),
      "scorecards.satisfaction",
    ),
    withSurvey ? cell(surveyValue(card), "satmap.survey") : null,
  );
}

/** The table and the ranking chart, from one GET /v1/agencies/scorecards. */
async function scorecardPanels(period, load) {
  const { start, end } = apiFilters(period);
  const ranking = byId("ranking-panel");
  const chart = byId("ranking-chart");
  setStatus(ranking, t("loading"));
  await withPanel(
    byId("scorecard-panel"),
    async () => {
      let page;
      try {
        page = await api(`/agencies/scorecards${query({ start, end })}`);
      } catch (exc) {
        if (load === loads) {
          clearChart(chart);
          setStatus(ranking, errorMessage(exc), { error: true });
        }
        throw exc;
      }
      if (load !== loads) return OVERTAKEN;
      const table = byId("scorecard-table");
      const withSurvey = surveyed(page.scorecards);
      table.querySelector("[data-survey]").hidden = !withSurvey;
      fill(
        table.tBodies[0],
        page.scorecards.map((card) => scorecardRow(card, withSurvey)),
      );
      byId("scorecard-note").textContent = page.scorecards.some((card) => !card.ranked)
        ? t("scorecards.unrankedWhy", { n: formatNumber(page.min_cases) })
        : "";
      drawRanking(chart, page.scorecards);
      setStatus(
        ranking,
        page.scorecards.some((card) => card.ranked)
          ? ""
          : t("scorecards.noRanked", { n: formatNumber(page.min_cases) }),
      );
      return page.scorecards.length > 0 || t("scorecards.none");
    },
    { clear: () => fill(byId("scorecard-table").tBodies[0]) },
  );
}

function satisfactionRow(group, withSurvey) {
  const renewed = group.resolved ? group.reopen_candidates / group.resolved : null;
  return h(
    "tr",
    { dataset: { province: group.key ?? "" } },
    h("th", { scope: "row" }, provinceName(group.key)),
    cell(formatNumber(group.resolved), "satmap.resolved"),
    cell(
      group.mean_score === null ? "–" : formatScore(group.mean_score),
      "scorecards.satisfaction",
    ),
    cell(renewed === null ? "–" : formatPercent(renewed), "scorecards.renewed"),
    withSurvey ? cell(surveyValue(group), "satmap.survey") : null,
  );
}

/**
 * "r = 0.62, n = 40" from GET /v1/satisfaction/agreement (Pearson's r over the resolved
 * complaints with both a survey answer and a public score); hidden when no complaint has
 * both, or when the API answers 404 (a server without the survey).
 */
async function agreement({ start, end }, load) {
  const line = byId("satmap-agreement");
  let found = null;
  try {
    found = await api(`/satisfaction/agreement${query({ start, end })}`);
  } catch (exc) {
    if (!(exc instanceof ApiError)) throw exc; // a 404 or a failure: nothing to say here
  }
  if (load !== loads) return;
  const n = found?.n ?? found?.pairs ?? 0;
  const r = found?.pearson ?? null; // null under three pairs, or when a side does not vary
  line.textContent = n
    ? t("satmap.agreement", { r: r === null ? "–" : formatNumber(r, 2), n: formatNumber(n) })
    : "";
  line.hidden = !n;
}

async function satisfactionPanel(period, load) {
  const where = apiFilters(period);
  const { start, end } = where;
  const measure = period.measure;
  for (const button of document.querySelectorAll("#satmap-panel [data-measure]")) {
    button.setAttribute("aria-pressed", String(button.dataset.measure === measure));
  }
  const range = bounds(period);
  byId("satmap-period").textContent =
    period.start || period.end ? t("satmap.period", range) : t("satmap.periodAll");
  await Promise.all([
    agreement({ start, end }, load),
    withPanel(
      byId("satmap-panel"),
      async () => {
        const found = await api(`/satisfaction${query({ group: "province", start, end })}`);
        if (load !== loads) return OVERTAKEN;
        const groups = found.groups.filter((group) => group.key !== null);
        const values = groups
          .map((group) => ({
            key: group.key,
            count:
              measure === "renewed"
                ? group.resolved
                  ? group.reopen_candidates / group.resolved
                  : null
                : group.mean_score,
          }))
          .filter((bucket) => bucket.count !== null);
        drawMap(byId("satmap-chart"), values, { scale: SCALES[measure] });
        const withSurvey = surveyed(groups);
        byId("satmap-table").querySelector("[data-survey]").hidden = !withSurvey;
        fill(
          byId("satmap-table").tBodies[0],
          groups.map((group) => satisfactionRow(group, withSurvey)),
        );
        return groups.length > 0;
      },
      {
        clear: () => {
          clearChart(byId("satmap-chart"));
          fill(byId("satmap-table").tBodies[0]);
        },
      },
    ),
  ]);
}

function reopenRow(followUp) {
  const decision = followUp.decision;
  return h(
    "li",
    { class: "row reopen-row", dataset: { complaintId: followUp.complaint_id } },
    h(
      "a",
      {
        class: "complaint-link",
        href: `#/complaint/${encodeURIComponent(followUp.complaint_id)}`,
      },
      followUp.complaint_id,
    ),
    decision
      ? h(
          "span",
          { class: `decision verdict-${decision.verdict}` },
          term("reopenverdict", decision.verdict),
        )
      : h("span", { class: "decision verdict-pending" }, t("reopen.pending")),
    h(
      "span",
      { class: "row-main" },
      [followUp.agency, provinceName(followUp.province)].filter(Boolean).join(" · "),
    ),
    h(
      "span",
      { class: "muted" },
      t("reopens.posts", { n: formatNumber(followUp.still_broken.length) }),
      " · ",
      h(
        "time",
        { datetime: followUp.resolved_at },
        t("reopens.resolved", { time: formatTime(followUp.resolved_at) }),
      ),
    ),
  );
}

async function reopenList(offset) {
  const load = loads;
  const clear = () => {
    fill(byId("reopens-list"));
    fill(byId("reopens-pager"));
  };
  await withPanel(
    byId("reopens-panel"),
    async () => {
      const page = await api(`/complaints/reopen-candidates${query({ limit: PAGE, offset })}`);
      if (load !== loads) return OVERTAKEN;
      fill(byId("reopens-list"), page.follow_ups.map(reopenRow));
      fill(
        byId("reopens-pager"),
        pager({
          offset,
          shown: page.follow_ups.length,
          total: page.total,
          top: byId("reopens-title"),
          onPrevious: offset > 0 ? () => reopenList(Math.max(0, offset - PAGE)) : null,
          onNext:
            offset + page.follow_ups.length < page.total ? () => reopenList(offset + PAGE) : null,
        }),
      );
      return page.total > 0 || t("reopens.none");
    },
    { clear },
  );
}

/** The view for ``params`` (the URL's query); keys below analyst are told, not shown. */
export async function renderScorecards(params) {
  const load = ++loads;
  current = state(params);
  // The form shows the URL's period at once, before anything is awaited.
  fillFilterForm(byId("scorecard-filters"), current);
  byId("scorecard-period").textContent =
    current.start || current.end
      ? t("scorecards.period", bounds(current))
      : t("scorecards.periodAll");

  let denial = "";
  let officer = false;
  try {
    if (!(await allowed("analyst"))) denial = t("scorecards.analystsOnly");
    else officer = await allowed("officer");
  } catch (exc) {
    denial = errorMessage(exc);
  }
  if (load !== loads) return;
  const denied = byId("scorecards-denied");
  denied.textContent = denial;
  denied.hidden = !denial;
  byId("scorecards-body").hidden = Boolean(denial);
  if (denial) return;

  if (!officer) {
    fill(byId("reopens-list"));
    fill(byId("reopens-pager"));
    setStatus(byId("reopens-panel"), t("reopens.officersOnly"));
  }
  // The reopen candidates are a worklist of every period: the filing period leaves them be.
  await Promise.all([
    scorecardPanels(current, load),
    satisfactionPanel(current, load),
    officer ? reopenList(0) : null,
  ]);
}
