// The map of Thailand by province for ECharts, built from @svg-maps/thailand (CC BY 4.0, based
// on MapSVG's map). Each province path is named with its official Thai name, the name the
// API uses, so series data joins on it directly; provinces.json holds the id → name table.

import thailand from "@svg-maps/thailand";
import provinces from "./provinces.json";

export const MAP_NAME = "thailand";

function escapeXml(text) {
  return text.replace(
    /[<>&"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c],
  );
}

/** The SVG source ECharts registers: one named <path> per province, water left unnamed. */
export function thailandSvg() {
  const paths = thailand.locations.map((location) => {
    const province = provinces[location.id];
    if (!province) {
      // Lake Songkhla is drawn as water: no name, so it is not a region.
      return `<path d="${location.path}" fill="#d6e6f2" stroke="#d6e6f2"/>`;
    }
    return `<path name="${escapeXml(province.th)}" d="${location.path}"/>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${thailand.viewBox}">${paths.join("")}</svg>`;
}
