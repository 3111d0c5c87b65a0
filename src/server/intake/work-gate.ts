import { TooManyRequestsError } from '../platform/http/errors.ts';

/**
 * A bound on the anonymous channel's expensive work in flight (an argon2id hash or check costs
 * about 25 ms of a core and 19 MiB): a per-address limit does not bound a flood from many
 * addresses, and argon2 shares its thread pool with sign-ins, file and DNS work. Past the bound
 * a request is refused at once (429 with Retry-After), before any work, instead of queueing.
 */
export class WorkGate {
  readonly #max: number;
  #inFlight = 0;

  constructor(max: number) {
    this.#max = max;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#inFlight >= this.#max) throw new TooManyRequestsError(2);
    this.#inFlight++;
    try {
      return await work();
    } finally {
      this.#inFlight--;
    }
  }

  get inFlight(): number {
    return this.#inFlight;
  }
}
