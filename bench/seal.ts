import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { openField, sealField } from '../src/server/platform/crypto/sealed-field.ts';
import { median } from './support.ts';

/**
 * Sealed fields against the bare primitive: sealing and opening a 200-byte field (its AAD bound to
 * table, column and row, the versioned header, the typed checks) against a bare node:crypto
 * AES-256-GCM encrypt + decrypt of the same payloads with the same key, in one process, rounds
 * alternating which goes first. Target: sealed at least 70% of bare (issue 6).
 */
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const RATIO_TARGET = 0.7;
const PAYLOADS = 256;

const key = { id: randomUUID(), key: randomBytes(32) };
const payloads = Array.from({ length: PAYLOADS }, () => randomBytes(200));
const contexts = payloads.map(() => ({ table: 'persons', column: 'narrative', rowId: randomUUID() }));

function bare(payload: Buffer): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, nonce);
  const sealed = Buffer.concat([cipher.update(payload), cipher.final()]);
  const tag = cipher.getAuthTag();
  const decipher = createDecipheriv('aes-256-gcm', key.key, nonce);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed), decipher.final()]);
}

function sealed(payload: Buffer, i: number): Buffer {
  const context = contexts[i] ?? contexts[0];
  if (context === undefined) throw new Error('no context');
  return openField(key, sealField(key, payload, context), context);
}

/** Round trips per second over `seconds`, checking every result so that nothing is optimised away. */
function measure(roundTrip: (payload: Buffer, i: number) => Buffer): number {
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < PAYLOADS; i++) {
      const payload = payloads[i];
      if (payload === undefined || !roundTrip(payload, i).equals(payload)) throw new Error('round trip failed');
    }
    n += PAYLOADS;
  }
  return n / seconds;
}

measure(bare);
measure(sealed);
const results: { bare: number; sealed: number }[] = [];
for (let round = 0; round < rounds; round++) {
  if (round % 2 === 0) {
    const b = measure(bare);
    results.push({ bare: b, sealed: measure(sealed) });
  } else {
    const s = measure(sealed);
    results.push({ bare: measure(bare), sealed: s });
  }
}
const ratio = median(results.map((r) => r.sealed / r.bare));
process.stdout.write(
  [
    `sealed fields, 200-byte payloads, ${rounds} rounds of ${seconds} s each, Node ${process.versions.node}`,
    `bare AES-256-GCM encrypt + decrypt   ${median(results.map((r) => r.bare))
      .toFixed(0)
      .padStart(9)} round trips/s`,
    `sealField + openField                ${median(results.map((r) => r.sealed))
      .toFixed(0)
      .padStart(9)} round trips/s`,
    `per-round ratios: ${results.map((r) => (r.sealed / r.bare).toFixed(2)).join(' ')}`,
    `median ratio sealed / bare: ${(ratio * 100).toFixed(1)}% (target >= ${RATIO_TARGET * 100}%: ${
      ratio >= RATIO_TARGET ? 'met' : 'NOT met'
    })`,
    '',
  ].join('\n'),
);
if (ratio < RATIO_TARGET) process.exitCode = 1;
