/**
 * A minimal Prometheus metrics registry: counters, gauges (set directly or
 * read at scrape time) and histograms, rendered in the text exposition format
 * (https://prometheus.io/docs/instrumenting/exposition_formats/). No
 * dependency: the hub needs a dozen series, not a client library.
 */

type Labels = Record<string, string>;

interface Metric {
  render(): string;
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return "";
  return `{${keys.map((k) => `${k}="${labels[k]!.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`).join(",")}}`;
}

function header(name: string, help: string, type: string): string {
  return `# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}\n# TYPE ${name} ${type}\n`;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

export class Counter implements Metric {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    private readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }

  render(): string {
    let out = header(this.name, this.help, "counter");
    for (const { labels, value } of this.values.values()) out += `${this.name}${labelText(labels)} ${formatValue(value)}\n`;
    return out;
  }
}

/** A gauge whose samples are read from the system at scrape time. */
export class Gauge implements Metric {
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly collect: () => { labels?: Labels; value: number }[],
  ) {}

  render(): string {
    let out = header(this.name, this.help, "gauge");
    for (const { labels, value } of this.collect()) out += `${this.name}${labelText(labels ?? {})} ${formatValue(value)}\n`;
    return out;
  }
}

export class Histogram implements Metric {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly buckets: number[],
  ) {}

  observe(value: number, labels: Labels = {}): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    this.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i]!++;
    });
    s.sum += value;
    s.count++;
  }

  render(): string {
    let out = header(this.name, this.help, "histogram");
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) => {
        out += `${this.name}_bucket${labelText({ ...s.labels, le: formatValue(b) })} ${s.counts[i]}\n`;
      });
      out += `${this.name}_bucket${labelText({ ...s.labels, le: "+Inf" })} ${s.count}\n`;
      out += `${this.name}_sum${labelText(s.labels)} ${formatValue(s.sum)}\n`;
      out += `${this.name}_count${labelText(s.labels)} ${s.count}\n`;
    }
    return out;
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }

  gauge(name: string, help: string, collect: () => { labels?: Labels; value: number }[]): Gauge {
    return this.add(new Gauge(name, help, collect));
  }

  histogram(name: string, help: string, buckets: number[]): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }

  /** Every metric in the Prometheus text format (`text/plain; version=0.0.4`). */
  render(): string {
    return this.metrics.map((m) => m.render()).join("");
  }

  private add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }
}
