// The choices the dashboard's forms offer: select options (API values, labelled in the UI's
// language) and the province names a place box suggests.

import { fill, h } from "./dom.js";
import { PROVINCES_TH, t } from "./i18n.js";

/**
 * Fill ``select`` with one option per value (shown through ``label``), after an "all" option
 * unless ``any`` is null, and choose ``chosen`` (kept as an option when the list lacks it, so
 * a value from a shared link is not silently lost).
 */
export function fillChoices(select, values, label, { chosen = "", any = t("filters.all") } = {}) {
  const listed = chosen && !values.includes(chosen) ? [...values, chosen] : values;
  fill(
    select,
    any === null ? null : h("option", { value: "" }, any),
    listed.map((value) => h("option", { value }, label(value))),
  );
  if (chosen || any !== null) select.value = chosen;
}

/** Let ``input`` suggest the official province names; the API also reads nicknames (โคราช). */
export function suggestProvinces(input) {
  let list = document.getElementById("province-names");
  if (!list) {
    list = h(
      "datalist",
      { id: "province-names" },
      PROVINCES_TH.map((name) => h("option", { value: name })),
    );
    document.body.append(list);
  }
  input.setAttribute("list", list.id);
}
