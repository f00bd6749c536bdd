// The dashboard's charts, drawn with Apache ECharts (only the parts used are bundled).

import { BarChart, LineChart, MapChart, PieChart } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import langTH from "echarts/i18n/langTH-obj.js";
import { CanvasRenderer } from "echarts/renderers";
import { formatNumber, formatTime, lang, provinceName, t, term } from "./i18n.js";
import { MAP_NAME, thailandSvg } from "./thailand.js";

echarts.use([
  BarChart,
  LineChart,
  MapChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);
echarts.registerMap(MAP_NAME, { svg: thailandSvg() });
echarts.registerLocale("TH", langTH); // month and weekday names on time axes

export const FONT = '"Noto Sans Thai", "Sarabun", "Tahoma", sans-serif';
const DAY_MS = 86_400_000;
const SENTIMENT_COLORS = { negative: "#c0392b", neutral: "#95a5a6", positive: "#27ae60" };
const BASE = {
  textStyle: { fontFamily: FONT },
  animation: false, // charts are read, not watched; no motion also keeps screenshots exact
};

function escapeHtml(text) {
  return String(text).replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The chart in ``el``, made anew when the UI's language changed (ECharts fixes it at init). */
function chart(el) {
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

/** Posts per hour or day: points [{time, count}] from /v1/stats/timeline or a topic. */
export function drawTimeline(el, points, { interval = "day" } = {}) {
  chart(el).setOption(
    {
      ...BASE,
      grid: { left: 48, right: 16, top: 24, bottom: 36 },
      tooltip: {
        trigger: "axis",
        valueFormatter: (value) => formatNumber(value),
        axisPointer: {
          label: { formatter: (p) => formatTime(p.value, { dateOnly: interval === "day" }) },
        },
      },
      xAxis: {
        type: "time",
        minInterval: interval === "day" ? DAY_MS : undefined, // no 06:00 ticks between days
        axisLabel: { hideOverlap: true, fontFamily: FONT },
      },
      yAxis: {
        type: "value",
        minInterval: 1,
        name: t("posts"),
        nameTextStyle: { fontFamily: FONT },
      },
      series: [
        {
          name: t("posts"),
          type: "line",
          step: false,
          smooth: false,
          symbolSize: 6,
          areaStyle: { opacity: 0.15 },
          data: points.map((p) => [p.time, p.count]),
        },
      ],
    },
    true,
  );
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
      ...BASE,
      tooltip: { trigger: "item", valueFormatter: (value) => formatNumber(value) },
      legend: { bottom: 0, textStyle: { fontFamily: FONT } },
      series: [
        {
          type: "pie",
          radius: ["42%", "70%"],
          center: ["50%", "45%"],
          label: { formatter: "{b}\n{d}%", fontFamily: FONT, lineHeight: 18, overflow: "none" },
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
      ...BASE,
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category",
        data: rows.map((b) => label(b.key)),
        axisLabel: { fontFamily: FONT },
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

/** The map of Thailand shaded by post count per province ([{key: Thai name, count}]). */
export function drawMap(el, buckets, { onClick } = {}) {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const instance = chart(el);
  instance.setOption(
    {
      ...BASE,
      tooltip: {
        trigger: "item",
        // A formatter's string is HTML: escape the name.
        formatter: (p) =>
          `${escapeHtml(provinceName(p.name))}: ${formatNumber(Number.isFinite(p.value) ? p.value : 0)}`,
      },
      visualMap: {
        min: 0,
        max,
        left: 8,
        bottom: 8,
        calculable: false,
        itemHeight: 90,
        text: [formatNumber(max), "0"],
        textStyle: { fontFamily: FONT },
        inRange: { color: ["#fdf0d5", "#f4a259", "#bc4b51"] },
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
  instance.off("click");
  if (onClick) instance.on("click", (params) => params.name && onClick(params.name));
}
