// The line under a paged list: "21–40 of 134" between Previous and Next, for pages the API
// counts by offset and pages it reaches by cursor alike.

import { h } from "./dom.js";
import { formatNumber, t } from "./i18n.js";

/**
 * A pager for a page that starts at ``offset`` and shows ``shown`` of ``total`` items.
 * ``onPrevious`` / ``onNext`` turn the page (they may be async) and are null where there is
 * no such page; with neither, only the range is shown. After a turn the focus moves to
 * ``top`` (the list's heading), so keyboard and screen reader users start the new page at
 * its beginning.
 */
export function pager({ offset, shown, total, top, onPrevious = null, onNext = null }) {
  const range = h(
    "span",
    { class: "pager-range" },
    shown
      ? t("pager.range", {
          from: formatNumber(offset + 1),
          to: formatNumber(offset + shown),
          total: formatNumber(total),
        })
      : null,
  );
  const paged = onPrevious !== null || onNext !== null;
  const turn = (action) => async () => {
    await action();
    if (!top.hasAttribute("tabindex")) top.tabIndex = -1; // focusable by script only
    top.focus();
  };
  const button = (name, action) =>
    h(
      "button",
      {
        type: "button",
        class: `pager-${name}`,
        disabled: !action,
        onclick: action && turn(action),
      },
      t(`pager.${name}`),
    );
  return h(
    "nav",
    { class: "pager", "aria-label": t("pager.label") },
    paged ? button("previous", onPrevious) : null,
    range,
    paged ? button("next", onNext) : null,
  );
}
