// A post's text as cards show it: the words a search matched in <mark>, and a long text
// folded to a few lines until the reader asks for the rest. Built from text nodes only.

import { h } from "./dom.js";
import { t } from "./i18n.js";

/**
 * ``text`` as nodes with every occurrence of each string of ``matched`` (exact substrings of
 * the text, as PostPublic.matched holds them) inside a <mark>; overlapping matches merge.
 */
function marked(text, matched = []) {
  const ranges = [];
  for (const part of new Set(matched)) {
    if (!part) continue;
    for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + part.length)) {
      ranges.push([at, at + part.length]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const nodes = [];
  let done = 0; // text before this index is already in ``nodes``
  let mark = null;
  for (const [start, end] of ranges) {
    if (end <= done) continue;
    if (mark && start <= done) {
      mark.append(text.slice(done, end)); // overlaps or touches the previous match
    } else {
      if (start > done) nodes.push(text.slice(done, start));
      mark = h("mark", {}, text.slice(start, end));
      nodes.push(mark);
    }
    done = end;
  }
  if (done < text.length) nodes.push(text.slice(done));
  return nodes;
}

// The fold is a CSS line clamp, so the whole text stays in the page (find in page, copy);
// whether it hides anything depends on the width, hence the toggle shows only when it does.
const toggles = new WeakMap();
const resized = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    if (!target.isConnected) {
      resized.unobserve(target); // its card left the page
      continue;
    }
    const toggle = toggles.get(target);
    const folded = target.classList.contains("folded");
    if (toggle) toggle.hidden = folded && target.scrollHeight <= target.clientHeight + 1;
  }
});
let made = 0;

/** The text of ``post`` (a PostPublic) with its matches marked, folded when long. */
export function postText(post) {
  made += 1;
  const text = h(
    "p",
    { class: "post-text folded", id: `post-text-${made}` },
    marked(post.text, post.matched),
  );
  const toggle = h(
    "button",
    {
      type: "button",
      class: "fold-toggle",
      "aria-controls": text.id,
      "aria-expanded": "false",
      hidden: true,
    },
    t("post.more"),
  );
  toggle.addEventListener("click", () => {
    const folded = text.classList.toggle("folded");
    toggle.setAttribute("aria-expanded", String(!folded));
    toggle.textContent = t(folded ? "post.more" : "post.less");
  });
  toggles.set(text, toggle);
  resized.observe(text);
  return [text, toggle];
}

// Firefox before 125 (the build targets 115) has no Intl.Segmenter: code points there.
const graphemes = Intl.Segmenter ? new Intl.Segmenter("th", { granularity: "grapheme" }) : null;

/**
 * The first ``max`` characters of ``text`` and "…" when it is longer, for a one-line
 * glimpse. Characters as readers see them: a Thai vowel or tone mark stays on its consonant.
 */
export function clipText(text, max) {
  const chars = graphemes
    ? Array.from(graphemes.segment(text), (part) => part.segment)
    : Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : text;
}
