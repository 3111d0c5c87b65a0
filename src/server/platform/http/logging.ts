import { type Logger, pino } from 'pino';

/**
 * JSON logs for the log shipper. Requests are logged by method, route template, status and
 * duration only: never bodies, query strings, headers or raw URLs, which may carry personal data
 * or tokens. JSON encoding escapes CR/LF, so logged input cannot forge log lines.
 * There is no redaction pass: nothing that could hold a secret is handed to the logger, and a
 * wildcard redaction on every line cost a fifth of /livez throughput (bench/).
 *
 * Lines go to stdout in batches of about 4 KB, and at least every quarter second: a write per line
 * handed each request's line to a thread of its own and woke it, a tenth of a busy list's time
 * (bench/assessments.ts). Whatever is waiting is written out as the process exits (pino flushes
 * its destination then); a process killed outright loses at most the last quarter second of lines.
 */
export const LOG_FLUSH_MS = 250;

export function createLogger(
  level: string,
  destination: pino.DestinationStream = pino.destination({
    dest: 1,
    sync: false,
    minLength: 4096,
    periodicFlush: LOG_FLUSH_MS,
  }),
): Logger {
  return pino(
    {
      level,
      base: { service: 'tma' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
