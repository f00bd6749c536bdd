// The charts of complaint tracking: one complaint's life on a Bangkok time axis, and the
// agencies ranked by the public's satisfaction (ECharts, through the helpers of charts.js).

import { base, chart, drawn, escapeHtml, font } from "./charts.js";
import { bucketStart, bucketsBetween } from "./dates.js";
import {
  formatAxisTime,
  formatNumber,
  formatPercent,
  formatScore,
  formatTime,
  provinceName,
  t,
  term,
} from "./i18n.js";
import { clipText } from "./posttext.js";

const VOLUME_COLOR = "#7fa7c2";
const NEGATIVE_COLOR = "#b03a2e";
const POST_COLOR = "#6c3fa0";
const PHASE_COLORS = { before: "#dfe4ea", handling: "#ffe2a8", after: "#cdebd6" };
const MARK_COLORS = { filed: "#12344d", status: "#8a5300", resolved: "#1e6b3a" };
const RESOLVED = ["resolved", "closed"];
const LABEL_LEVELS = [0.86, 0.72, 0.58, 0.44]; // heights of the status labels, share axis

/** What one event says on the chart: "Filed (agency)" or "Forwarded (agency)". */
function eventText(event) {
  const what = event.kind === "filed" ? t("track.filed") : term("cstatus", event.status);
  return event.agency ? `${what} (${event.agency})` : what;
}

/** The runs of equal phases among ``phases`` (one per day, null outside the public days). */
function phaseRuns(phases) {
  const runs = [];
  phases.forEach((phase, index) => {
    const last = runs.at(-1);
    if (last && last.phase === phase) last.to = index;
    else runs.push({ phase, from: index, to: index });
  });
  return runs.filter((run) => run.phase !== null);
}

/**
 * A complaint's life on one Bangkok time axis, from GET /v1/complaints/{id}/timeline: the
 * public voice of its place and category per day as bars (every day, zeros included), its
 * negative share as a line, the phases (before filing, while handled, after resolution)
 * shaded, the filing and each status change as a line labelled with the status and agency,
 * and the linked posts as points. The axis runs over the public days, widened to events
 * outside them, and stops at ``today``: the API counts the days still to come as zeros, but
 * nobody has posted on them yet.
 */
export function drawComplaintTimeline(el, timeline, { today = Date.now() } = {}) {
  const publicDays = new Map(timeline.public.map((day) => [bucketStart(day.day, "day"), day]));
  const eventDays = timeline.events.map((event) => bucketStart(event.at, "day"));
  const known = [...publicDays.keys(), ...eventDays];
  const first = Math.min(...known);
  const last = Math.min(Math.max(...known), bucketStart(today, "day"));
  const days = known.length && first <= last ? bucketsBetween(first, last, "day") : [];
  const times = days.map((at) => new Date(at).toISOString());
  const posts = days.map((at) => publicDays.get(at)?.posts ?? null);
  const shares = days.map((at) => {
    const day = publicDays.get(at);
    return day && day.posts > 0 ? day.negative / day.posts : null; // no post, no share
  });
  const phases = days.map((at) => publicDays.get(at)?.phase ?? null);

  // The filing and status changes, one marked line per day (a day's changes joined).
  const marks = new Map();
  const linked = new Map();
  timeline.events.forEach((event, i) => {
    const index = days.indexOf(eventDays[i]);
    if (index === -1) return; // a day still to come
    if (event.kind === "post") {
      linked.set(index, [...(linked.get(index) ?? []), event]);
      return;
    }
    const kind =
      event.kind === "filed" ? "filed" : RESOLVED.includes(event.status) ? "resolved" : "status";
    const mark = marks.get(index) ?? { index, texts: [], kind };
    mark.texts.push(eventText(event));
    if (kind !== "status") mark.kind = kind; // filing and resolution stand out
    marks.set(index, mark);
  });
  const markList = [...marks.values()].map((mark) => ({ ...mark, text: mark.texts.join(" → ") }));
  const linkedList = [...linked.entries()].map(([index, events]) => ({ index, events }));
  const runs = phaseRuns(phases);

  const tooltip = (params) => {
    const index = params[0].dataIndex;
    const lines = [escapeHtml(formatTime(times[index], { dateOnly: true }))];
    if (phases[index]) lines.push(escapeHtml(term("phase", phases[index])));
    lines.push(
      escapeHtml(
        `${t("track.volume")}: ${posts[index] === null ? "–" : formatNumber(posts[index])}`,
      ),
      escapeHtml(
        `${t("track.negativeShare")}: ${shares[index] === null ? "–" : formatPercent(shares[index])}`,
      ),
    );
    for (const mark of markList.filter((m) => m.index === index)) lines.push(escapeHtml(mark.text));
    const onDay = linked.get(index);
    if (onDay) lines.push(escapeHtml(`${t("track.linkedPosts")}: ${formatNumber(onDay.length)}`));
    return lines.join("<br>");
  };
  const postTooltip = (p) => {
    const { events } = linkedList[p.dataIndex];
    const texts = events
      .slice(0, 3)
      .map((event) => `• ${escapeHtml(clipText(event.post.text, 80))}`);
    if (events.length > 3)
      texts.push(escapeHtml(t("reopen.more", { n: formatNumber(events.length - 3) })));
    return [
      escapeHtml(formatTime(times[linkedList[p.dataIndex].index], { dateOnly: true })),
      ...texts,
    ].join("<br>");
  };

  // Status labels stand beside their line at staggered heights (on the share axis), so the
  // changes of a few days in a row stay readable; late ones read leftwards.
  const room = Math.max(24, Math.floor((el.clientWidth * 0.45) / 7)); // characters, about
  const labelled = markList.map((mark, i) => ({
    ...mark,
    label: clipText(mark.text, room),
    level: LABEL_LEVELS[i % LABEL_LEVELS.length],
    side: mark.index > days.length * 0.6 ? "left" : "right",
  }));
  const axisLabel = { hideOverlap: true, formatter: (value) => formatAxisTime(value) };
  const instance = chart(el);
  instance.setOption(
    {
      ...base(),
      // The chart above, and under it a lane for the linked posts on the same days.
      grid: [
        { left: 48, right: 56, top: 40, bottom: 92 },
        { left: 48, right: 56, height: 22, bottom: 36 },
      ],
      axisPointer: { link: [{ xAxisIndex: "all" }] },
      legend: { top: 0, textStyle: { fontFamily: font() } },
      tooltip: { trigger: "axis", formatter: tooltip },
      xAxis: [
        {
          type: "category",
          data: times,
          axisLabel: { show: false },
          // A tick (unseen) on every day: a bar series' marked areas reach from tick to tick,
          // and with ticks on some days only they would land on the wrong ones.
          axisTick: { show: false, interval: 0 },
        },
        { type: "category", gridIndex: 1, data: times, axisLabel },
      ],
      yAxis: [
        { type: "value", minInterval: 1, name: t("posts") },
        {
          type: "value",
          min: 0,
          max: 1,
          splitLine: { show: false },
          axisLabel: { formatter: (value) => formatPercent(value) },
        },
        {
          type: "category",
          gridIndex: 1,
          data: [""],
          axisTick: { show: false },
          axisLine: { show: false },
        },
      ],
      series: [
        {
          name: t("track.volume"),
          type: "bar",
          data: posts,
          itemStyle: { color: VOLUME_COLOR },
          markArea: {
            silent: true,
            // Whole days: a bar series' area runs from the first day's left edge to the
            // last day's right edge.
            data: runs.map((run) => [
              {
                name: term("phase", run.phase),
                xAxis: run.from,
                itemStyle: { color: PHASE_COLORS[run.phase], opacity: 0.55 },
                label: { position: "insideTop", color: "#3d4754", fontFamily: font() },
              },
              { xAxis: run.to },
            ]),
          },
          markLine: {
            symbol: "none",
            silent: true,
            label: { show: false },
            data: labelled.map((mark) => ({
              xAxis: mark.index,
              lineStyle: { color: MARK_COLORS[mark.kind], type: "dashed", width: 1.5 },
            })),
          },
        },
        {
          name: t("track.negativeShare"),
          type: "line",
          yAxisIndex: 1,
          data: shares,
          symbolSize: 5,
          itemStyle: { color: NEGATIVE_COLOR },
          lineStyle: { color: NEGATIVE_COLOR, width: 1.5 },
          markPoint: {
            z: 10, // above the bars
            symbol: "circle",
            symbolSize: 8,
            tooltip: { trigger: "item", formatter: (p) => escapeHtml(p.name) },
            data: labelled.map((mark) => ({
              name: mark.text,
              coord: [mark.index, mark.level],
              itemStyle: { color: MARK_COLORS[mark.kind] },
              label: {
                show: true,
                position: mark.side,
                formatter: () => mark.label, // a function: the text is no template
                color: MARK_COLORS[mark.kind],
                fontFamily: font(),
                fontSize: 11,
                textBorderColor: "#fff", // a halo keeps it legible over bars and shading
                textBorderWidth: 3,
              },
            })),
          },
        },
        {
          name: t("track.linkedPosts"),
          type: "scatter",
          xAxisIndex: 1,
          yAxisIndex: 2,
          data: linkedList.map(({ index, events }) => ({
            value: [times[index], ""],
            symbolSize: 9 + 2 * Math.min(events.length - 1, 6),
          })),
          itemStyle: { color: POST_COLOR, borderColor: "#fff", borderWidth: 1 },
          tooltip: { trigger: "item", formatter: postTooltip },
        },
      ],
    },
    true,
  );
  drawn[el.id] = {
    times,
    labels: times.map((time) => formatAxisTime(time)),
    dates: times.map((time) => formatTime(time, { dateOnly: true })),
    posts,
    shares,
    phases,
    marks: markList.map((mark) => ({ time: times[mark.index], kind: mark.kind, text: mark.text })),
    linked: linkedList.map(({ index, events }) => ({
      time: times[index],
      posts: events.map((event) => event.post.id),
    })),
    // Where each day's middle and the volume's zero are drawn (CSS pixels in the chart).
    dayX: times.map((_, i) => instance.convertToPixel({ xAxisIndex: 0 }, i)),
    zeroY: instance.convertToPixel({ yAxisIndex: 0 }, 0),
  };
  return { first: times[0] ?? null, last: times.at(-1) ?? null };
}

/**
 * The ranked agencies of GET /v1/agencies/scorecards as horizontal bars of their mean
 * satisfaction (-1 to 1), the first rank on top; unranked ones are left out.
 */
export function drawRanking(el, scorecards) {
  const ranked = scorecards.filter((card) => card.ranked).sort((a, b) => a.rank - b.rank);
  const labels = ranked.map(
    (card) => `${card.rank}. ${card.agency} · ${provinceName(card.province)}`,
  );
  const values = ranked.map((card) => card.mean_satisfaction);
  const tooltip = (p) => {
    const card = ranked[p.dataIndex];
    return [
      escapeHtml(labels[p.dataIndex]),
      escapeHtml(
        `${t("scorecards.satisfaction")}: ${card.mean_satisfaction === null ? "–" : formatScore(card.mean_satisfaction)}`,
      ),
      escapeHtml(
        `${t("scorecards.renewed")}: ${card.renewed_share === null ? "–" : formatPercent(card.renewed_share)}`,
      ),
      escapeHtml(`${t("scorecards.resolved")}: ${formatNumber(card.resolved)}`),
    ].join("<br>");
  };
  el.style.height = `${Math.max(160, 40 * ranked.length + 60)}px`; // a bar needs its room
  chart(el).setOption(
    {
      ...base(),
      grid: { left: 8, right: 48, top: 8, bottom: 24, containLabel: true },
      tooltip: { trigger: "item", formatter: tooltip },
      xAxis: { type: "value", min: -1, max: 1, axisLabel: { formatter: (v) => formatScore(v) } },
      yAxis: {
        type: "category",
        inverse: true,
        data: labels,
        axisLabel: { fontFamily: font(), width: 260, overflow: "truncate" },
      },
      series: [
        {
          type: "bar",
          name: t("scorecards.satisfaction"),
          data: values.map((value) => ({
            value,
            itemStyle: { color: value !== null && value < 0 ? "#c0392b" : "#27ae60" },
            label: { position: value !== null && value < 0 ? "left" : "right" },
          })),
          label: {
            show: true,
            formatter: (p) => (p.value === null ? "–" : formatScore(p.value)),
          },
          barMaxWidth: 28,
        },
      ],
    },
    true,
  );
  drawn[el.id] = { labels, values };
}
