// Alert rules, beside the alert history: every rule in force, from config/siang.yaml or
// managed through the API. Admins create, edit, mute and delete them; other roles read them.
// Editing or muting a configured rule PUTs a copy, which then wins over the config file.

import { allowed } from "../access.js";
import { api } from "../api.js";
import { fillChoices, suggestProvinces } from "../choices.js";
import { byId, fill, h } from "../dom.js";
import { CATEGORIES, formatNumber, formatTime, provinceName, t, term } from "../i18n.js";
import { badge, errorMessage, withPanel } from "../panels.js";

const DAY_MS = 86_400_000;
const MUTE_DAYS = [1, 7, 30];
export const ALERT_KINDS = ["topic_spike", "emerging", "keyword", "category_province", "reopen"];
const DIGESTS = ["none", "hourly", "daily"];
// The fields each kind of rule reads (alerts.service); the form shows only these.
const FIELDS_OF_KIND = {
  topic_spike: ["min_score"],
  emerging: ["min_score", "category", "province"],
  keyword: ["keyword", "threshold"],
  category_province: ["category", "province", "threshold"],
  reopen: ["agency", "category", "province"],
};

let editing = null; // the rule the form edits; null while it makes a new one

export function setupRules() {
  const form = byId("rule-form");
  suggestProvinces(field("province"));
  byId("rule-new").addEventListener("click", () => openForm(null));
  byId("rule-cancel").addEventListener("click", closeForm);
  field("kind").addEventListener("change", showKindFields);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const saved = await save(ruleFromForm(), byId("rule-form-error"));
    if (saved) {
      closeForm();
      await renderRules();
    }
  });
}

function muted(rule) {
  return rule.muted_until && new Date(rule.muted_until) > new Date();
}

/** When the rule fires, in words, e.g. "“น้ำท่วม” at 15 posts an hour or more". */
function condition(rule) {
  const where = [
    rule.category ? term("category", rule.category) : t("rules.anyCategory"),
    rule.province ? provinceName(rule.province) : t("rules.anyProvince"),
  ].join(" · ");
  return t(`rules.when.${rule.kind}`, {
    agency: rule.agency ?? t("rules.anyAgency"),
    keyword: rule.keyword ?? "",
    where,
    threshold: formatNumber(rule.threshold),
    score: formatNumber(rule.min_score, 1),
  });
}

function delivery(rule) {
  return [
    rule.recipients.length ? rule.recipients.join(", ") : t("rules.noRecipients"),
    t("rules.cooldownValue", { n: formatNumber(rule.cooldown_minutes) }),
    rule.quiet_hours ? t("rules.quietValue", { hours: rule.quiet_hours }) : null,
    term("digest", rule.digest),
  ]
    .filter(Boolean)
    .join(" · ");
}

function adminActions(rule, managed, error) {
  const days = h(
    "select",
    { class: "mute-days", "aria-label": t("rules.muteFor") },
    MUTE_DAYS.map((n) => h("option", { value: n }, t("rules.days", { n }))),
  );
  const act = (change) => async () => {
    if (await save(change(), error)) await renderRules();
  };
  const mute = muted(rule)
    ? [
        h(
          "button",
          {
            type: "button",
            class: "rule-unmute",
            onclick: act(() => ({ ...rule, muted_until: null })),
          },
          t("rules.unmute"),
        ),
      ]
    : [
        days,
        h(
          "button",
          {
            type: "button",
            class: "rule-mute",
            onclick: act(() => ({
              ...rule,
              muted_until: new Date(Date.now() + Number(days.value) * DAY_MS).toISOString(),
            })),
          },
          t("rules.mute"),
        ),
      ];
  const remove = async () => {
    if (!window.confirm(t("rules.confirmDelete", { name: rule.name }))) return;
    try {
      await api(`/alert-rules/${encodeURIComponent(rule.name)}`, { method: "DELETE" });
      await renderRules();
    } catch (exc) {
      error.textContent = errorMessage(exc);
      error.hidden = false;
    }
  };
  return h(
    "div",
    { class: "rule-actions" },
    h(
      "button",
      { type: "button", class: "rule-edit", onclick: () => openForm(rule) },
      t("rules.edit"),
    ),
    mute,
    managed
      ? h(
          "button",
          { type: "button", class: "rule-delete reject", onclick: remove },
          t("rules.delete"),
        )
      : null,
  );
}

function ruleRow(rule, managed, admin) {
  const error = h("p", { class: "error", role: "alert", hidden: true });
  return h(
    "li",
    { class: "rule", dataset: { rule: rule.name } },
    h(
      "p",
      { class: "rule-head" },
      h("span", { class: "mono rule-name" }, rule.name),
      " ",
      h("span", { class: "tag" }, term("alertkind", rule.kind)),
      " ",
      badge("origin", managed ? "managed" : "configured"),
      " ",
      muted(rule)
        ? h(
            "span",
            { class: "badge rule-muted" },
            t("rules.mutedUntil", { time: formatTime(rule.muted_until) }),
          )
        : null,
    ),
    h("p", { class: "rule-when" }, condition(rule)),
    h("p", { class: "rule-delivery muted" }, delivery(rule)),
    admin ? adminActions(rule, managed, error) : null,
    error,
  );
}

/** Draw the rules; returns their names (for the alert history's rule filter). */
export async function renderRules() {
  const admin = await allowed("admin").catch(() => false);
  byId("rule-new").hidden = !admin;
  if (!admin) closeForm();
  else if (!byId("rule-form").hidden) labelForm(); // the language may have changed
  let names = [];
  await withPanel(byId("rules-panel"), async () => {
    const { rules, managed } = await api("/alert-rules");
    names = rules.map((rule) => rule.name);
    fill(
      byId("rule-list"),
      rules.map((rule) => ruleRow(rule, managed.includes(rule.name), admin)),
    );
    return rules.length > 0 || t("rules.none");
  });
  return names;
}

// ---- the form -------------------------------------------------------------------------------

function field(name) {
  return byId("rule-form").elements.namedItem(name);
}

function showKindFields() {
  const wanted = FIELDS_OF_KIND[field("kind").value] ?? [];
  for (const label of byId("rule-form").querySelectorAll("[data-field]")) {
    const shown = wanted.includes(label.dataset.field);
    label.hidden = !shown;
    // A hidden field is neither validated by the browser nor sent.
    for (const input of label.querySelectorAll("input, select")) input.disabled = !shown;
  }
  field("keyword").required = field("kind").value === "keyword";
}

/** The form's title and choices in the UI's language, keeping what is chosen. */
function labelForm() {
  byId("rule-form-title").textContent = editing
    ? t("rules.editTitle", { name: editing.name })
    : t("rules.newTitle");
  const keep = (name) => ({ chosen: field(name).value });
  fillChoices(field("kind"), ALERT_KINDS, (k) => term("alertkind", k), {
    ...keep("kind"),
    any: null,
  });
  fillChoices(field("digest"), DIGESTS, (d) => term("digest", d), { ...keep("digest"), any: null });
  fillChoices(
    field("category"),
    CATEGORIES.filter((c) => c !== "none"),
    (c) => term("category", c),
    { ...keep("category"), any: t("rules.anyCategory") },
  );
}

function openForm(rule) {
  editing = rule;
  const form = byId("rule-form");
  labelForm();
  form.reset();
  const values = rule ?? {};
  for (const name of ["name", "kind", "keyword", "agency", "category", "province", "digest"]) {
    if (values[name] !== undefined && values[name] !== null) field(name).value = values[name];
  }
  for (const name of ["threshold", "min_score", "cooldown_minutes"]) {
    if (values[name] !== undefined) field(name).value = String(values[name]);
  }
  field("recipients").value = (values.recipients ?? []).join("\n");
  field("quiet_hours").value = values.quiet_hours ?? "";
  field("name").readOnly = rule !== null; // the name is the rule's address (PUT /alert-rules/{name})
  byId("rule-form-error").hidden = true;
  showKindFields();
  form.hidden = false;
  (rule ? field("kind") : field("name")).focus();
}

function closeForm() {
  editing = null;
  byId("rule-form").hidden = true;
}

/** The AlertRule the form describes; fields its kind does not read are left to the API. */
function ruleFromForm() {
  const kind = field("kind").value;
  const rule = {
    name: field("name").value.trim(),
    kind,
    recipients: field("recipients")
      .value.split(/[\s,;]+/)
      .filter(Boolean),
    cooldown_minutes: Number(field("cooldown_minutes").value),
    quiet_hours: field("quiet_hours").value.trim() || null,
    digest: field("digest").value,
    muted_until: editing?.muted_until ?? null, // editing keeps a mute; the buttons change it
  };
  for (const name of FIELDS_OF_KIND[kind]) {
    const value = field(name).value.trim();
    if (name === "threshold" || name === "min_score") rule[name] = Number(value);
    else rule[name] = value || null;
  }
  return rule;
}

/** PUT ``rule``; on failure say why in ``error`` (the API's 422 detail names the field). */
async function save(rule, error) {
  error.hidden = true;
  try {
    await api(`/alert-rules/${encodeURIComponent(rule.name)}`, { method: "PUT", body: rule });
    return true;
  } catch (exc) {
    error.textContent = errorMessage(exc);
    error.hidden = false;
    return false;
  }
}
