// The dashboard's charts, drawn with Apache ECharts (only the parts used are bundled). A
// complaint's timeline and the agency ranking are in trackcharts.js, on the helpers below.

import { BarChart, LineChart, MapChart, PieChart, ScatterChart } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import langTH from "echarts/i18n/langTH-obj.js";
import { CanvasRenderer } from "echarts/renderers";
import { bucketStart, bucketsBetween } from "./dates.js";
import { formatAxisTime, formatNumber, formatTime, lang, provinceName, t, term } from "./i18n.js";
import { MAP_NAME, thailandSvg } from "./thailand.js";

echarts.use([
  BarChart,
  LineChart,
  MapChart,
  PieChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);
echarts.registerMap(MAP_NAME, { svg: thailandSvg() });
echarts.registerLocale("TH", langTH); // ECharts' own words (e.g. "no data") in Thai

const SENTIMENT_COLORS = { negative: "#c0392b", neutral: "#95a5a6", positive: "#27ae60" };
const SPIKE_COLOR = "#c0392b";

/** The page's font stack (--font in style.css), so chart text falls back to emoji alike. */
export function font() {
  return getComputedStyle(document.body).fontFamily;
}

export function base() {
  return {
    textStyle: { fontFamily: font() },
    animation: false, // charts are read, not watched; no motion also keeps screenshots exact
  };
}

/** ``text`` safe inside a tooltip formatter's string, which ECharts reads as HTML. */
export function escapeHtml(text) {
  return String(text).replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The chart in ``el``, made anew when the UI's language changed (ECharts fixes it at init). */
export function chart(el) {
  const locale = lang() === "th" ? "TH" : "EN";
  const existing = echarts.getInstanceByDom(el);
  if (existing && el.dataset.locale === locale) {
    existing.resize(); // the window may have changed size while this view was hidden
    return existing;
  }
  existing?.dispose();
  el.dataset.locale = locale;
  return echarts.init(el, null, { renderer: "canvas", locale });
}

window.addEventListener("resize", () => {
  for (const el of document.querySelectorAll("[_echarts_instance_]")) {
    echarts.getInstanceByDom(el)?.resize();
  }
});

// What each chart shows, by element id: window.__siang.charts["timeline-chart"] holds its
// buckets, Bangkok labels and spikes, for tests and for a look from the browser's console.
export const drawn = ((window.__siang ??= {}).charts ??= {});

/** Empty the chart in ``el`` (its data failed to load). */
export function clearChart(el) {
  echarts.getInstanceByDom(el)?.clear();
  delete drawn[el.id];
}

/** "observed 42 vs expected 3.1" for a spike episode, in the UI's language. */
export function observedVsExpected(spike) {
  return t("spike.observedExpected", {
    observed: formatNumber(spike.observed),
    expected: formatNumber(spike.expected, spike.expected < 1 ? 2 : 1),
  });
}

/**
 * Posts per hour or day from points [{time, count}] (/v1/stats/timeline or a topic), over
 * every Bangkok bucket from ``start`` to ``end`` (ISO; end exclusive; by default the first and
 * the last point). A bucket the points lack is drawn as zero, never bridged by a straight
 * line, and the axis is a list of Bangkok labels, so the browser's time zone moves nothing.
 * Each of ``spikes`` (SpikeEpisode) is shaded over its window and pinned at its peak; the
 * tooltip of a bucket in it says observed against expected.
 */
export function drawTimeline(
  el,
  points,
  { interval = "day", start = null, end = null, spikes = [] } = {},
) {
  const counts = new Map();
  for (const point of points) {
    const at = bucketStart(point.time, interval);
    counts.set(at, (counts.get(at) ?? 0) + point.count);
  }
  const first = start ? Date.parse(start) : Math.min(...counts.keys());
  const last = end ? Date.parse(end) - 1 : Math.max(...counts.keys());
  const buckets =
    Number.isFinite(first) && Number.isFinite(last) ? bucketsBetween(first, last, interval) : [];
  const times = buckets.map((at) => new Date(at).toISOString());
  const values = buckets.map((at) => counts.get(at) ?? 0);
  const hourly = interval === "hour";
  const marks = spikes
    .map((spike) => spikeMark(spike, buckets, interval))
    .filter((mark) => mark !== null);

  const tooltip = (params) => {
    const [point] = params;
    const lines = [
      escapeHtml(formatTime(point.axisValue, { dateOnly: !hourly })),
      `${point.marker}${escapeHtml(`${t("posts")}: ${formatNumber(point.value)}`)}`,
      ...marks
        .filter((mark) => mark.from <= point.dataIndex && point.dataIndex <= mark.to)
        .map((mark) => escapeHtml(`${t("spike.name")}: ${mark.text}`)),
    ];
    return lines.join("<br>");
  };
  chart(el).setOption(
    {
      ...base(),
      grid: { left: 48, right: 16, top: 24, bottom: 36 },
      tooltip: { trigger: "axis", formatter: tooltip },
      xAxis: {
        type: "category",
        boundaryGap: false,
        data: times,
        axisLabel: {
          hideOverlap: true,
          formatter: (value) => formatAxisTime(value, { withHour: hourly }),
        },
      },
      yAxis: { type: "value", minInterval: 1, name: t("posts") },
      series: [
        {
          name: t("posts"),
          type: "line",
          symbolSize: 6,
          areaStyle: { opacity: 0.15 },
          data: values,
          markArea: {
            silent: true,
            itemStyle: { color: SPIKE_COLOR, opacity: 0.12 },
            data: marks
              .filter((mark) => mark.to > mark.from) // one bucket has no width: its pin shows it
              .map((mark) => [{ xAxis: times[mark.from] }, { xAxis: times[mark.to] }]),
          },
          markPoint: {
            symbol: "pin",
            symbolSize: 30,
            itemStyle: { color: SPIKE_COLOR },
            label: { show: false },
            tooltip: { trigger: "item", formatter: (p) => escapeHtml(p.name) },
            data: marks.map((mark) => ({
              name: mark.text,
              coord: [times[mark.peak], values[mark.peak]],
            })),
          },
        },
      ],
    },
    true,
  );
  drawn[el.id] = {
    interval,
    times,
    labels: times.map((time) => formatAxisTime(time, { withHour: hourly })),
    counts: values,
    spikes: marks.map((mark) => ({
      from: times[mark.from],
      to: times[mark.to],
      peak: times[mark.peak],
      text: mark.text,
    })),
  };
}

/**
 * Where ``spike`` falls among ``buckets`` (bucket starts, epoch ms) as indices: its first and
 * last bucket and its peak, clipped to the chart; null when it lies outside.
 */
function spikeMark(spike, buckets, interval) {
  const first = bucketStart(spike.start, interval);
  const last = bucketStart(Date.parse(spike.end) - 1, interval); // the end is exclusive
  if (!buckets.length || first > buckets.at(-1) || last < buckets[0]) return null;
  const position = (at) =>
    at <= buckets[0] ? 0 : at >= buckets.at(-1) ? buckets.length - 1 : buckets.indexOf(at);
  return {
    from: position(first),
    to: position(last),
    peak: position(bucketStart(spike.peak, interval)),
    text: observedVsExpected(spike),
  };
}

/** A sentiment donut from {label: count}. */
export function drawSentiment(el, counts) {
  const data = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([label, count]) => ({
      name: term("sentiment", label),
      value: count,
      itemStyle: { color: SENTIMENT_COLORS[label] ?? "#7f8c8d" },
    }));
  chart(el).setOption(
    {
      ...base(),
      tooltip: { trigger: "item", valueFormatter: (value) => formatNumber(value) },
      legend: { bottom: 0, textStyle: { fontFamily: font() } },
      series: [
        {
          type: "pie",
          radius: ["42%", "70%"],
          center: ["50%", "45%"],
          label: { formatter: "{b}\n{d}%", fontFamily: font(), lineHeight: 18, overflow: "none" },
          data,
        },
      ],
    },
    true,
  );
}

/** Horizontal bars from [{key, count}] with each key shown through ``label``. */
export function drawBars(el, buckets, { label = (key) => key, onClick } = {}) {
  const rows = [...buckets].sort((a, b) => a.count - b.count);
  const instance = chart(el);
  instance.setOption(
    {
      ...base(),
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category",
        data: rows.map((b) => label(b.key)),
        axisLabel: { fontFamily: font() },
      },
      series: [
        {
          type: "bar",
          name: t("posts"),
          data: rows.map((b) => b.count),
          itemStyle: { color: "#1f6f8b" },
        },
      ],
    },
    true,
  );
  instance.off("click");
  if (onClick) instance.on("click", (params) => onClick(rows[params.dataIndex].key));
}

// Post counts: a province without a bucket had none.
const POST_SCALE = {
  colors: ["#fdf0d5", "#f4a259", "#bc4b51"],
  format: (value) => formatNumber(value),
  missing: 0,
};

/**
 * The map of Thailand shaded by a value per province ([{key: Thai name, count}]): post
 * counts by default, from 0 to the largest. ``scale`` shades another measure: {min, max,
 * colors (low to high), format(value), missing (the value of a province without a bucket;
 * null: unknown, drawn grey and said as "–")}.
 */
export function drawMap(el, buckets, { onClick, scale = {} } = {}) {
  const { colors, format, missing } = { ...POST_SCALE, ...scale };
  const min = scale.min ?? 0;
  const max = scale.max ?? Math.max(1, ...buckets.map((b) => b.count));
  const values = Object.fromEntries(buckets.map((b) => [b.key, b.count]));
  const shown = (name) => {
    const value = name in values ? values[name] : missing;
    return value === null ? "–" : format(value);
  };
  const instance = chart(el);
  instance.setOption(
    {
      ...base(),
      tooltip: {
        trigger: "item",
        // A formatter's string is HTML: escape the name.
        formatter: (p) => `${escapeHtml(provinceName(p.name))}: ${escapeHtml(shown(p.name))}`,
      },
      visualMap: {
        min,
        max,
        left: 8,
        bottom: 8,
        calculable: false,
        itemHeight: 90,
        text: [format(max), format(min)],
        textStyle: { fontFamily: font() },
        inRange: { color: colors },
      },
      series: [
        {
          type: "map",
          map: MAP_NAME,
          roam: false,
          itemStyle: { areaColor: "#f3f4f6", borderColor: "#ffffff", borderWidth: 0.6 },
          emphasis: { label: { show: false }, itemStyle: { areaColor: "#5b8fb9" } },
          select: { disabled: true },
          data: buckets.map((b) => ({ name: b.key, value: b.count })),
        },
      ],
    },
    true,
  );
  drawn[el.id] = { values, min, max };
  instance.off("click");
  if (onClick) instance.on("click", (params) => params.name && onClick(params.name));
}
