import { type Logger, pino } from 'pino';

/**
 * JSON logs for the log shipper. Requests are logged by method, route template, status and
 * duration only: never bodies, query strings, headers or raw URLs, which may carry personal data
 * or tokens. JSON encoding escapes CR/LF, so logged input cannot forge log lines.
 * There is no redaction pass: nothing that could hold a secret is handed to the logger, and a
 * wildcard redaction on every line cost a fifth of /livez throughput (bench/).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
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
