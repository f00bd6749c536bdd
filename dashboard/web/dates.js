// Dates the way Thai officers read and type them: calendar days and chart buckets in
// Asia/Bangkok whatever the browser's time zone, Buddhist-era years in Thai (พ.ศ. = ค.ศ. + 543)
// and Western years in English.
//
// Bangkok has kept UTC+7 all year since 1920 (no daylight saving), so a Bangkok day or hour
// is a fixed offset from UTC and bucket arithmetic needs no time-zone library.

export const BANGKOK = "Asia/Bangkok";
const OFFSET_MS = 7 * 3_600_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const BUDDHIST_ERA = 543;

/** The instant (ISO-8601, UTC) a yyyy-mm-dd Bangkok day starts, ``plusDays`` later. */
export function bangkokMidnight(isoDate, plusDays = 0) {
  const [year, month, day] = isoDate.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day + plusDays) - OFFSET_MS).toISOString();
}

/** The start (epoch ms) of the Bangkok day or hour ``time`` falls in. */
export function bucketStart(time, interval) {
  const size = interval === "hour" ? HOUR_MS : DAY_MS;
  const local = new Date(time).getTime() + OFFSET_MS;
  return local - (local % size) - OFFSET_MS;
}

/**
 * Every bucket start (epoch ms) from the bucket holding ``first`` up to the one holding
 * ``last`` (both included).
 */
export function bucketsBetween(first, last, interval) {
  const size = interval === "hour" ? HOUR_MS : DAY_MS;
  const starts = [];
  const end = bucketStart(last, interval);
  for (let at = bucketStart(first, interval); at <= end; at += size) starts.push(at);
  return starts;
}

/** A yyyy-mm-dd day as typed in the UI: dd/mm/yyyy with a พ.ศ. year in Thai. */
export function formatTypedDate(isoDate, lang) {
  if (!isoDate) return "";
  const [year, month, day] = isoDate.split("-");
  const shown = lang === "th" ? Number(year) + BUDDHIST_ERA : Number(year);
  return `${day}/${month}/${shown}`;
}

/**
 * Read a typed dd/mm/yyyy day (1 or 2 digits for day and month; "/", "-" or "." between).
 * The year is Buddhist-era in Thai and Western in English; a year of the other era is an
 * error rather than a guess. Returns {date: "yyyy-mm-dd"} (empty text: {date: null}) or
 * {error: "format" | "era"} to say what is wrong.
 */
export function parseTypedDate(text, lang) {
  const value = text.trim();
  if (!value) return { date: null };
  const match = value.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/);
  if (!match) return { error: "format" };
  const [day, month, typedYear] = match.slice(1).map(Number);
  // Years 2400 and later are พ.ศ. (2400 B.E. is 1857 A.D.), earlier ones ค.ศ.
  const buddhist = typedYear >= 2400;
  if (buddhist !== (lang === "th")) return { error: "era" };
  const year = buddhist ? typedYear - BUDDHIST_ERA : typedYear;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1) {
    return { error: "format" }; // 31/02 or 13/13: Date rolls over, people meant no such day
  }
  return { date: date.toISOString().slice(0, 10) };
}
