import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolStats } from '../db/database.ts';

/** Prometheus metrics of one app instance (its own registry, so tests can build many apps). */
export interface AuditTail {
  count: number;
  oldest: Date | null;
}

export function createMetrics(poolStats: () => PoolStats, auditTail?: () => Promise<AuditTail>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const requests = new Counter({
    name: 'tma_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'tma_http_request_duration_seconds',
    help: 'HTTP request latency by method and route template',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'tma_db_pool_connections',
    help: 'Database connections by state (total, idle) and callers waiting for one',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const s = poolStats();
      this.set({ state: 'total' }, s.total);
      this.set({ state: 'idle' }, s.idle);
      this.set({ state: 'waiting' }, s.waiting);
    },
  });
  if (auditTail !== undefined) {
    // Read at scrape time: an alert on the age says the chain has stalled (a stuck transaction, a
    // failing chainer), which would otherwise go unnoticed until the next verification.
    new Gauge({
      name: 'tma_audit_unchained_events',
      help: 'Audit events not yet chained, and the age in seconds of the oldest of them',
      labelNames: ['measure'] as const,
      registers: [registry],
      async collect() {
        const tail = await auditTail();
        this.set({ measure: 'count' }, tail.count);
        this.set(
          { measure: 'oldest_age_seconds' },
          tail.oldest === null ? 0 : (Date.now() - tail.oldest.getTime()) / 1000,
        );
      },
    });
  }
  return {
    registry,
    /** Route templates only: a raw URL would put ids (and query strings) into metric labels. */
    observe(method: string, route: string, status: number, elapsedMs: number) {
      requests.inc({ method, route, status });
      duration.observe({ method, route }, elapsedMs / 1000);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
