import { ConfigError, loadConfig } from './config.ts';
import { DatabaseUnavailableError } from './platform/db/database.ts';
import { DataDirLockedError } from './platform/db/lockfile.ts';
import { MigrationError } from './platform/db/migrate.ts';
import { AuditProtectionError } from './platform/db/open.ts';
import { createLogger } from './platform/http/logging.ts';
import { type RunningServer, startServer } from './server.ts';

/** Start-up failures a person can fix get one clear line on stderr and exit code 1. */
function explain(error: unknown): string | undefined {
  if (error instanceof ConfigError) return error.message;
  if (
    error instanceof DataDirLockedError ||
    error instanceof DatabaseUnavailableError ||
    error instanceof MigrationError ||
    error instanceof AuditProtectionError
  ) {
    return error.message;
  }
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE')
    return `the port is already in use (${e.message.replace(/^listen /, '')}); set TMA_PORT to another port`;
  if (e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'ENOTDIR' || e.code === 'EROFS' || e.code === 'ENOENT') {
    return `cannot use ${e.path ?? 'a directory'}: ${e.code}; check TMA_DATA_DIR and TMA_SECRETS_DIR`;
  }
  return undefined;
}

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`tma: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const log = createLogger(config.logLevel);
  let server: RunningServer;
  try {
    server = await startServer(config, log);
  } catch (error) {
    const message = explain(error);
    if (message === undefined) log.fatal({ err: error }, 'start-up failed');
    process.stderr.write(`tma: cannot start: ${message ?? 'unexpected error (see the log above)'}\n`);
    process.exit(1);
  }

  let signalled = false;
  const stop = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
    const timer = setTimeout(() => {
      log.error('shutdown grace period over; exiting with requests or jobs unfinished');
      process.exit(1);
    }, config.shutdownGraceMs);
    timer.unref();
    server.shutdown().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main();
