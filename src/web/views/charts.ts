import { html, type SafeHtml } from "./html.js";

/**
 * Charts as server-rendered SVG: no client code, nothing to download, and within the page's CSP (colours come from
 * classes in the page's stylesheet, `.series-0` …). Each chart is an image with a text alternative; the numbers are
 * in the table beside it.
 */

export interface Series {
  name: string;
  values: (number | null)[];
}

export interface ChartSpec {
  /** "bars": side by side per category; "stacked": one bar per category, series on top of each other; "lines". */
  kind: "bars" | "stacked" | "lines";
  title: string;
  categories: string[];
  series: Series[];
  /** Formats an axis value (e.g. "12 h", "40 %"). */
  format?: (value: number) => string;
  /** The axis' top when it has one (a share: 100), rather than the values' round maximum. */
  maximum?: number;
}

const WIDTH = 640;
const HEIGHT = 240;
const MARGIN = { top: 14, right: 12, bottom: 40, left: 56 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;
/** Category labels shown at most, spread evenly, so that they never overlap. */
const MAX_LABELS = 8;

/** A round axis maximum at or above `max`: 1, 2 or 5 times a power of ten. */
export function niceMaximum(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= max)!;
}

const round = (value: number) => Math.round(value * 10) / 10;

export function chart({ kind, title, categories, series, format = String, maximum }: ChartSpec): SafeHtml {
  const totals = categories.map((_, index) =>
    kind === "stacked" ? series.reduce((sum, { values }) => sum + (values[index] ?? 0), 0) : Math.max(0, ...series.map(({ values }) => values[index] ?? 0)),
  );
  const top = maximum ?? niceMaximum(Math.max(0, ...totals));
  const y = (value: number) => round(MARGIN.top + PLOT_HEIGHT - (value / top) * PLOT_HEIGHT);
  const band = PLOT_WIDTH / Math.max(1, categories.length);
  const x = (index: number) => MARGIN.left + index * band;
  const labelEvery = Math.ceil(categories.length / MAX_LABELS);
  const grid = [0, top / 2, top].map(
    (value) => html`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(value)}" y2="${y(value)}"></line>
<text class="axis" x="${MARGIN.left - 6}" y="${y(value) + 4}" text-anchor="end">${format(value)}</text>`,
  );
  const labels = categories.map((category, index) =>
    index % labelEvery === 0 ? html`<text class="axis" x="${round(x(index) + band / 2)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${category}</text>` : "",
  );
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${title}" preserveAspectRatio="xMidYMid meet">
<title>${title}</title>
${grid}${labels}${kind === "lines" ? lines(series, x, y, band) : bars(kind, series, x, y, band)}
</svg>
${legend(series)}`;
}

function bars(kind: "bars" | "stacked", series: Series[], x: (index: number) => number, y: (value: number) => number, band: number): SafeHtml[] {
  const inner = band * 0.8;
  const width = kind === "stacked" ? inner : inner / Math.max(1, series.length);
  const base = series[0]?.values.map(() => 0) ?? [];
  return series.flatMap(({ name, values }, seriesIndex) =>
    values.map((value, index) => {
      if (!value) return html``;
      const bottom = kind === "stacked" ? base[index]! : 0;
      if (kind === "stacked") base[index] = bottom + value;
      const left = x(index) + band * 0.1 + (kind === "stacked" ? 0 : seriesIndex * width);
      return html`<rect class="series-${seriesIndex}" x="${round(left)}" y="${y(bottom + value)}" width="${round(Math.max(1, width - 1))}" height="${round(y(bottom) - y(bottom + value))}"><title>${name}: ${value}</title></rect>`;
    }),
  );
}

function lines(series: Series[], x: (index: number) => number, y: (value: number) => number, band: number): SafeHtml[] {
  return series.map(({ name, values }, seriesIndex) => {
    const points = values.map((value, index) => (value === null ? null : { cx: round(x(index) + band / 2), cy: y(value), value }));
    // A gap (no value that week) breaks the line rather than drawing through it.
    const path = points.map((point, index) => (point ? `${index > 0 && points[index - 1] ? "L" : "M"}${point.cx},${point.cy}` : "")).join("");
    return html`<path class="line series-${seriesIndex}" d="${path}"></path>${points.map((point) =>
      point ? html`<circle class="series-${seriesIndex}" cx="${point.cx}" cy="${point.cy}" r="3"><title>${name}: ${point.value}</title></circle>` : "",
    )}`;
  });
}

function legend(series: Series[]): SafeHtml {
  return html`<ul class="legend" aria-hidden="true">${series.map(({ name }, index) => html`<li><span class="swatch series-${index}"></span>${name}</li>`)}</ul>`;
}
