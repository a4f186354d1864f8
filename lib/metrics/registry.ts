// Where the rest of the app gets metrics from: the catalog loaded from the metric files at run time.
export { loadCatalog, metricsDir, resetCatalog } from "./loader";
export { EVENTS_SOURCE, getMetric, getSource, problemText, UnknownMetricError, type MetricCatalog } from "./catalog";
