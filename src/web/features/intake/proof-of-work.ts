/**
 * The flood challenge of the anonymous channel (docs/intake.md): a nonce such that
 * SHA-256(`${seed}:${nonce}`) begins with `difficulty` zero bits, as src/server/intake/flood-challenge.ts
 * checks it. At the default 18 bits that is about 262,000 hashes on average, at about 180,000 a second in
 * headless Chromium on two cores: about a second as the median, three to five seconds one search in ten.
 */

/** Leading zero bits of a digest, the most significant bit of its first byte first. */
export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte !== 0) return bits + Math.clz32(byte) - 24;
    bits += 8;
  }
  return bits;
}

/** Hashes per round: about 5 ms of work in Chromium, so the page never waits longer than that. */
const BATCH = 1024;

/**
 * A task of its own. WebCrypto's answers are queued ahead of timers and of React's rendering (measured in
 * Chromium: no timer ran during a whole search), so each round gives way to them explicitly.
 */
const nextTask = () =>
  new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });

/** Finds a nonce (a decimal string) for the seed, in rounds; rejects with the signal's reason when aborted. */
export async function solveChallenge(seed: string, difficulty: number, signal?: AbortSignal): Promise<string> {
  const encoder = new TextEncoder();
  for (let start = 0; ; start += BATCH) {
    signal?.throwIfAborted();
    const round: Promise<ArrayBuffer>[] = [];
    for (let nonce = start; nonce < start + BATCH; nonce++) {
      round.push(crypto.subtle.digest('SHA-256', encoder.encode(`${seed}:${nonce}`)));
    }
    const digests = await Promise.all(round);
    const found = digests.findIndex((digest) => leadingZeroBits(new Uint8Array(digest)) >= difficulty);
    if (found !== -1) return String(start + found);
    await nextTask();
  }
}
