import { z } from 'zod';
import { uuid } from './uuid.ts';

/** The audit viewer and verification API (auditors only). See docs/audit.md. */

export const AuditOutcome = z.enum(['allowed', 'denied', 'failed']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

const FilterText = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

const filterFields = {
  actor: uuid().optional(),
  action: FilterText.optional(),
  objectType: FilterText.optional(),
  objectId: FilterText.optional(),
  caseId: uuid().optional(),
  outcome: AuditOutcome.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
};
/** The time range must not end before it starts. */
const inOrder = (f: { from?: string | undefined; to?: string | undefined }) =>
  f.from === undefined || f.to === undefined || Date.parse(f.from) < Date.parse(f.to);
const inOrderMessage = {
  message: 'the time range ends before it starts: "from" must be earlier than "to"',
  path: ['to'],
};

/** Filters of the viewer and the CSV export; every one optional. from is inclusive, to exclusive. */
export const AuditFilter = z.strictObject(filterFields).refine(inOrder, inOrderMessage);
export type AuditFilter = z.infer<typeof AuditFilter>;

/** A page of the viewer: newest first; pass `next` back as `cursor` for the following page. */
export const AuditQuery = z
  .strictObject({
    ...filterFields,
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,200}$/)
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .refine(inOrder, inOrderMessage);
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEventView = z
  .strictObject({
    id: z.string(),
    at: z.iso.datetime(),
    /** The anonymous channel keeps only the day: `at` is midnight UTC and `anonymous` is true. */
    anonymous: z.boolean(),
    actor: z.strictObject({ id: z.string(), displayName: z.string(), email: z.string() }).nullable(),
    action: z.string(),
    objectType: z.string().nullable(),
    objectId: z.string().nullable(),
    caseId: z.string().nullable(),
    outcome: AuditOutcome,
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    purpose: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
    /** Position in the hash chain; null while not yet chained (normally under a second). */
    seq: z.string().nullable(),
  })
  .meta({ id: 'AuditEvent' });
export type AuditEventView = z.infer<typeof AuditEventView>;

export const AuditPage = z
  .strictObject({ events: z.array(AuditEventView), next: z.string().nullable() })
  .meta({ id: 'AuditPage' });
export type AuditPage = z.infer<typeof AuditPage>;

export const AuditCheckpointView = z
  .strictObject({ seq: z.string(), hash: z.string(), at: z.iso.datetime(), keyId: z.string() })
  .meta({ id: 'AuditCheckpoint' });

export const AuditProblemKind = z.enum([
  'missing_link',
  'missing_event',
  'edited',
  'reordered',
  'checkpoint_mismatch',
  'truncated',
  'bad_signature',
  'checkpoint_missing',
  'unreadable_checkpoint_file',
  'orphaned_event',
  'stalled',
]);
export type AuditProblemKind = z.infer<typeof AuditProblemKind>;

export const AuditProblem = z.strictObject({
  kind: AuditProblemKind,
  seq: z.string().nullable(),
  eventId: z.string().nullable(),
  message: z.string(),
});
export type AuditProblem = z.infer<typeof AuditProblem>;

/** The result of recomputing the chain and checking it against the signed checkpoints. */
export const AuditVerification = z
  .strictObject({
    ok: z.boolean(),
    checkedAt: z.iso.datetime(),
    chain: z.strictObject({
      length: z.number().int(),
      firstSeq: z.string().nullable(),
      lastSeq: z.string().nullable(),
      headHash: z.string().nullable(),
    }),
    checkpoints: z.strictObject({
      checked: z.number().int(),
      latest: AuditCheckpointView.nullable(),
    }),
    /** Events not yet chained: the chainer's lag, or a sign that links were removed. */
    unchained: z.strictObject({
      count: z.number().int(),
      oldestAt: z.iso.datetime().nullable(),
      ageSeconds: z.number().nullable(),
    }),
    /** The first break, then the others (at most 100). */
    problems: z.array(AuditProblem),
    problemCount: z.number().int(),
  })
  .meta({ id: 'AuditVerification' });
export type AuditVerification = z.infer<typeof AuditVerification>;

/** The chain's state without a full verification: cheap enough for the viewer's header. */
export const AuditStatus = z
  .strictObject({
    chain: z.strictObject({ lastSeq: z.string().nullable(), headHash: z.string().nullable() }),
    latestCheckpoint: AuditCheckpointView.nullable(),
    unchained: z.strictObject({ count: z.number().int(), oldestAt: z.iso.datetime().nullable() }),
    lastVerification: AuditVerification.nullable(),
    /** Every action name the trail knows, for the viewer's filter. */
    actions: z.array(z.string()),
  })
  .meta({ id: 'AuditStatus' });
export type AuditStatus = z.infer<typeof AuditStatus>;

/** The most rows one CSV export holds; narrow the filter for more. */
export const AUDIT_EXPORT_MAX_ROWS = 100_000;
