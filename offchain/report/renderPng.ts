import { Resvg } from "@resvg/resvg-js";

/**
 * Rasterises an SVG to PNG server-side (resvg, no browser), with system fonts for labels.
 * The default font family matches the charts' `font-family` so output does not depend on which
 * fallback the platform picks first.
 */
export function renderPng(svg: string): Buffer {
  const r = new Resvg(svg, {
    background: "#ffffff",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return r.render().asPng();
}
