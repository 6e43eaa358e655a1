import type { Counter, Histogram, MetricsRegistry } from "../lib/metrics.js";

/**
 * The inference series `/metrics` exposes. Models are labelled by a short
 * content id (the first 12 hex digits of the GGUF's sha256) or `upstream:<pattern>`,
 * never by repo name, so a scrape reveals no private repo; the admin status
 * page (`GET /api/inference/status`) maps ids to repos.
 */
export class InferenceMetrics {
  readonly requests: Counter;
  readonly promptTokens: Counter;
  readonly completionTokens: Counter;
  readonly timeToFirstToken: Histogram;
  readonly requestSeconds: Histogram;
  readonly loadSeconds: Histogram;
  readonly loads: Counter;
  readonly crashes: Counter;
  readonly evictions: Counter;
  readonly queueRejections: Counter;

  constructor(readonly registry: MetricsRegistry) {
    const r = registry;
    this.requests = r.counter("modelport_inference_requests_total", "Inference requests by endpoint and outcome (ok, error, aborted).");
    this.promptTokens = r.counter("modelport_inference_prompt_tokens_total", "Prompt tokens evaluated, by model.");
    this.completionTokens = r.counter("modelport_inference_completion_tokens_total", "Tokens generated, by model.");
    this.timeToFirstToken = r.histogram(
      "modelport_inference_time_to_first_token_seconds",
      "Time from request to the first generated token (queueing and loading included).",
      [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    );
    this.requestSeconds = r.histogram(
      "modelport_inference_request_duration_seconds",
      "Time from request to the last byte of the answer, by endpoint.",
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    );
    this.loadSeconds = r.histogram("modelport_inference_model_load_seconds", "Time to start a model worker and load a model.", [
      0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
    ]);
    this.loads = r.counter("modelport_inference_model_loads_total", "Model loads by outcome (ok, failed).");
    this.crashes = r.counter("modelport_inference_worker_crashes_total", "Model worker processes that exited unexpectedly.");
    this.evictions = r.counter("modelport_inference_model_evictions_total", "Models unloaded, by reason (idle, memory).");
    this.queueRejections = r.counter("modelport_inference_queue_rejections_total", "Requests refused with 503 because a model's queue was full.");
  }
}

/** The label a model carries in metrics: a short content id. */
export function metricModelLabel(key: string): string {
  return key.slice(0, 12);
}
