/**
 * Shared shutdown state: readiness reads `draining`; main.ts sets it on SIGTERM before it closes
 * the listener, so a load balancer stops sending traffic while in-flight requests finish.
 */
export interface Lifecycle {
  readonly draining: boolean;
  startDraining(): void;
}

export function createLifecycle(): Lifecycle {
  let draining = false;
  return {
    get draining() {
      return draining;
    },
    startDraining() {
      draining = true;
    },
  };
}
