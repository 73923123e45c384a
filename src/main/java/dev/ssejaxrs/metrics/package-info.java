/**
 * Micrometer meters for streams and the registry: {@link dev.ssejaxrs.metrics.SseMetrics} binds them,
 * {@link dev.ssejaxrs.metrics.MetricsFeature} does it when a Jersey application starts. Needs micrometer-core, an
 * optional dependency.
 */
package dev.ssejaxrs.metrics;
