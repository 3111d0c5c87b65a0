import type { Logger } from 'pino';
import type { CheckpointSigner } from '../../audit/checkpoints.ts';
import type { Clock } from '../../platform/clock.ts';
import type { KeyRing } from '../../platform/crypto/key-ring.ts';
import type { Database } from '../../platform/db/database.ts';

/** What the audit viewer and verification need. */
export interface AuditContext {
  readonly database: Database;
  /** Opens the actors' names and the sealed purposes. */
  readonly keys: KeyRing;
  readonly clock: Clock;
  readonly log: Logger;
  /** Checkpoint file and public key (TMA_AUDIT_DIR). */
  readonly auditDir: string;
  readonly signer: CheckpointSigner;
}
