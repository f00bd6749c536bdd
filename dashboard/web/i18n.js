// The dashboard's language (Thai by default, English on the TH/EN button), its labels
// (messages/th.js, messages/en.js) and locale-aware formatting. Static labels in index.html
// carry data-i18n="key"; views call t("key") while rendering.

import { BANGKOK } from "./dates.js";
import en from "./messages/en.js";
import th from "./messages/th.js";
import provinces from "./provinces.json";

const LANG_KEY = "siang.lang";

const MESSAGES = { th, en };

export const CATEGORIES = [
  "road_traffic",
  "flood_water",
  "electricity",
  "water_supply",
  "waste_environment",
  "public_health",
  "corruption",
  "public_safety",
  "education",
  "welfare",
  "transport",
  "telecom",
  "noise_nuisance",
  "consumer",
  "land_housing",
  "none",
];
export const SENTIMENTS = ["negative", "neutral", "positive"];
// As domain.models.Platform.
export const PLATFORMS = [
  "x",
  "facebook",
  "youtube",
  "bluesky",
  "pantip",
  "news",
  "news_comment",
  "web",
  "tiktok",
  "line",
  "instagram",
  "threads",
  "reddit",
  "other",
];

const PROVINCE_EN = Object.fromEntries(Object.values(provinces).map((p) => [p.th, p.en]));
export const PROVINCES_TH = Object.values(provinces)
  .map((p) => p.th)
  .sort((a, b) => a.localeCompare(b, "th"));

let current = storedLang();

function storedLang() {
  const saved = localStorage.getItem(LANG_KEY);
  return saved === "en" ? "en" : "th";
}

export function lang() {
  return current;
}

export function setLang(value) {
  current = value === "en" ? "en" : "th";
  localStorage.setItem(LANG_KEY, current);
  document.documentElement.lang = current;
}

/** The label for ``key`` in the current language, with {name} placeholders filled. */
export function t(key, params = {}) {
  const text = MESSAGES[current][key] ?? MESSAGES.th[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

/** A label from one of the API's vocabularies (status, sentiment, category, ...). */
export function term(kind, value) {
  if (value === null || value === undefined || value === "") return "–";
  const key = `${kind}.${value}`;
  return key in MESSAGES[current] ? t(key) : String(value);
}

/** Official Thai province name, shown in English when the UI is in English. */
export function provinceName(thai) {
  if (!thai) return t("post.unknownPlace");
  return current === "en" ? (PROVINCE_EN[thai] ?? thai) : thai;
}

/** Fill every [data-i18n] element under ``root`` (text) and [data-i18n-*] attribute. */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  document.title = t("app.title");
}

const LOCALES = { th: "th-TH", en: "en-GB" };

/** A time in Asia/Bangkok, in the UI's language (Thai shows the Buddhist-era year). */
export function formatTime(iso, { dateOnly = false } = {}) {
  if (!iso) return "–";
  const options = { timeZone: BANGKOK, dateStyle: "medium" };
  if (!dateOnly) options.timeStyle = "short";
  return new Intl.DateTimeFormat(LOCALES[current], options).format(new Date(iso));
}

/** The time of day in Asia/Bangkok ("13:56"), for the end of a span on the same day. */
export function formatClock(iso) {
  if (!iso) return "–";
  const options = { timeZone: BANGKOK, timeStyle: "short" };
  return new Intl.DateTimeFormat(LOCALES[current], options).format(new Date(iso));
}

/**
 * From ``start`` to ``end`` in Asia/Bangkok: "5 พ.ย. 2569 13:00–13:56" on one day,
 * "3 พ.ย. 2569 21:00 – 5 พ.ย. 2569 09:00" across days.
 */
export function formatSpan(start, end) {
  if (!start || !end) return formatTime(start ?? end);
  const sameDay = formatTime(start, { dateOnly: true }) === formatTime(end, { dateOnly: true });
  return sameDay
    ? `${formatTime(start)}–${formatClock(end)}`
    : `${formatTime(start)} – ${formatTime(end)}`;
}

/** How long ``hours`` last, in words: "56 นาที", "2.5 ชม.", "3 วัน". */
export function formatDuration(hours) {
  const tenths = (value) => {
    const rounded = Math.round(value * 10) / 10;
    return formatNumber(rounded, Number.isInteger(rounded) ? 0 : 1);
  };
  if (hours < 1) return t("duration.minutes", { n: formatNumber(Math.round(hours * 60)) });
  if (hours < 48) return t("duration.hours", { n: tenths(hours) });
  return t("duration.days", { n: tenths(hours / 24) });
}

/** A short chart-axis label in Asia/Bangkok: day and month, and the time when ``withHour``. */
export function formatAxisTime(time, { withHour = false } = {}) {
  const options = { timeZone: BANGKOK, day: "numeric", month: "short" };
  if (withHour) Object.assign(options, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return new Intl.DateTimeFormat(LOCALES[current], options).format(new Date(time));
}

export function formatNumber(value, digits = 0) {
  return new Intl.NumberFormat(LOCALES[current], {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(value);
}

export function formatPercent(value) {
  return new Intl.NumberFormat(LOCALES[current], { style: "percent" }).format(value);
}

/** A score from -1 to 1 with its sign ("+0.52", "−0.75", "0.00"), two decimals. */
export function formatScore(value) {
  return new Intl.NumberFormat(LOCALES[current], {
    maximumFractionDigits: 2,
    minimumFractionDigits: 2,
    signDisplay: "exceptZero",
  }).format(value);
}
