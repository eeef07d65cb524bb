import type { Metric } from "prom-client";

interface Entry {
  method: string;
  statusCode: number;
  count: number;
  /** Seconds. */
  sum: number;
  /** Observations per bucket, not yet cumulative; the last slot is above every bound. */
  buckets: Float64Array;
}

type Labels = { method: string; route: string; status_code: string };

/**
 * Request counts and a latency histogram by method, route pattern and status, kept in plain
 * numbers: recording is a map lookup, a short scan and three additions, with no allocation once
 * a (route, method, status) has been seen. prom-client's own `inc`/`observe` validate and hash
 * the labels on every call (a few microseconds, a real share of a request that takes tens), so
 * these are handed to the registry as two metric objects read only at scrape time.
 */
export class RequestStats {
  readonly #bounds: readonly number[];
  /** Per route pattern, its (method, status) entries: a handful each, so a scan is fastest. */
  readonly #byRoute = new Map<string, Entry[]>();

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
  }

  record(method: string, route: string, statusCode: number, seconds: number): void {
    let entries = this.#byRoute.get(route);
    if (entries === undefined) {
      entries = [];
      this.#byRoute.set(route, entries);
    }
    let entry: Entry | undefined;
    for (const each of entries) {
      if (each.statusCode === statusCode && each.method === method) {
        entry = each;
        break;
      }
    }
    if (entry === undefined) {
      entry = {
        method,
        statusCode,
        count: 0,
        sum: 0,
        buckets: new Float64Array(this.#bounds.length + 1),
      };
      entries.push(entry);
    }
    entry.count += 1;
    entry.sum += seconds;
    const bounds = this.#bounds;
    let slot = 0;
    while (slot < bounds.length && seconds > bounds[slot]!) slot++;
    entry.buckets[slot]! += 1;
  }

  /** A counter of requests, for `Registry.registerMetric`. */
  counter(name: string, help: string): Metric {
    return this.#metric(name, help, "counter", () =>
      this.#entries().map(({ labels, entry }) => ({ labels, value: entry.count })),
    );
  }

  /** A histogram of their durations in seconds, for `Registry.registerMetric`. */
  histogram(name: string, help: string): Metric {
    return this.#metric(name, help, "histogram", () =>
      this.#entries().flatMap(({ labels, entry }) => {
        let cumulative = 0;
        const values = this.#bounds.map((bound, slot) => {
          cumulative += entry.buckets[slot]!;
          return {
            metricName: `${name}_bucket`,
            labels: { le: bound, ...labels },
            value: cumulative,
          };
        });
        values.push({
          metricName: `${name}_bucket`,
          labels: { le: "+Inf" as never, ...labels },
          value: entry.count,
        });
        return [
          ...values,
          { metricName: `${name}_sum`, labels, value: entry.sum },
          { metricName: `${name}_count`, labels, value: entry.count },
        ];
      }),
    );
  }

  #entries(): Array<{ labels: Labels; entry: Entry }> {
    const rows: Array<{ labels: Labels; entry: Entry }> = [];
    for (const [route, entries] of this.#byRoute) {
      for (const entry of entries) {
        rows.push({
          labels: { method: entry.method, route, status_code: String(entry.statusCode) },
          entry,
        });
      }
    }
    return rows;
  }

  // The shape the registry reads from its own metrics: name, help, type and get().
  #metric(
    name: string,
    help: string,
    type: "counter" | "histogram",
    values: () => Array<{ metricName?: string; labels: object; value: number }>,
  ): Metric {
    const metric = {
      name,
      help,
      type,
      aggregator: "sum",
      get: async () => ({ name, help, type, aggregator: "sum", values: values() }),
      reset: () => this.#byRoute.clear(),
    };
    return metric as unknown as Metric;
  }
}
