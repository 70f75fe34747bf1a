/**
 * Reports drawn as strings, for headless users and any page: SVG line charts, activation
 * heatmaps and a self-contained HTML page to hold them. No DOM and no dependencies, so
 * the same functions run in Node (the command line) and in browsers.
 */
export { lineChartSvg, SERIES_COLORS, type ChartSeries, type LineChartOptions } from './line-chart.js';
export { activationHeatmapHtml, divergingColor, type ActivationHeatmapOptions } from './heatmap.js';
export { htmlPage, keyValueTableHtml, type HtmlPageOptions, type PageSection } from './page.js';
export { escapeMarkup, formatNumber } from './markup.js';
export { linearTicks, logTicks, powerOfTen, type AxisTicks } from './ticks.js';
