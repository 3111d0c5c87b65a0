import { z } from 'zod';
import { CASE_SECTIONS, CASE_STATUSES } from '../../contract/cases.ts';
import { DOCUMENT_KINDS, UPLOAD_REFUSALS } from '../../contract/documents.ts';
import { PERSON_ROLES, RELATION_KINDS } from '../../contract/persons.ts';
import { MESSAGE_KINDS, ON_BEHALF_CHANNELS, REPORT_OUTCOMES, URGENCIES } from '../../contract/reports.ts';
import { SSO_ERROR_REASONS } from '../../contract/sso.ts';
import { WRITTEN_KINDS } from '../../contract/timeline.ts';
import type { SealedPurpose } from './purpose.ts';

/**
 * The closed set of audit actions, each with the schema of its detail payload. Details hold
 * identifiers and codes only: never passwords, tokens, names or case content. A caller that
 * passes a detail its action does not declare fails at compile time (the types below) and at run
 * time (record.ts), so the trail's vocabulary is this file.
 */
const none = z.strictObject({});
const count = z.number().int().nonnegative();
const MergeCounts = { persons: count, documents: count, members: count, recused: count, links: count, reports: count };
const Role = z.enum(['reporter', 'threat_manager', 'team_lead', 'expert', 'admin', 'auditor']);
const SecondFactorMethod = z.enum(['totp', 'passkey', 'recovery_code']);
/** Why a passkey's answer was refused (webauthn.ts). */
const PasskeyFailure = z.enum(['challenge', 'unknown_credential', 'other_user', 'verification', 'counter']);
/** Why a single sign-on was refused (access/sso/relying-party.ts). */
const SsoReason = z.enum(SSO_ERROR_REASONS);
/** Which identity at which provider: identifiers, as the provider assigns them (never a name or an address). */
const SsoIdentity = z.strictObject({ issuer: z.string().max(500), subject: z.string().max(255) });
const AuditFilterDetail = z.strictObject({
  actor: z.string().optional(),
  action: z.string().optional(),
  objectType: z.string().optional(),
  objectId: z.string().optional(),
  caseId: z.string().optional(),
  outcome: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
});

export const AUDIT_DETAILS = {
  'setup.completed': none,
  /** The password was right; `secondFactor: 'due'` means the code of the authenticator app is still to come. */
  'session.signed_in': z.strictObject({
    /** `idp`: the identity provider asserted multi-factor authentication (single sign-on). */
    secondFactor: z.enum(['due', 'none', 'idp']).optional(),
    /** Without a password: a passkey (which counts as both factors) or single sign-on. */
    method: z.enum(['passkey', 'sso']).optional(),
  }),
  'session.sign_in_failed': z.strictObject({
    /** `sso_required`: a linked account whose role the provider must confirm tried the password or a passkey. */
    reason: z.enum(['locked', 'sso_required']).optional(),
    method: z.enum(['passkey', 'sso']).optional(),
    passkey: PasskeyFailure.optional(),
    sso: SsoReason.optional(),
  }),
  'session.signed_out': none,
  'session.revoked': none,
  'session.step_up': z.strictObject({
    method: z.enum(['password', 'totp', 'passkey', 'recovery_code', 'sso']).optional(),
  }),
  'session.step_up_failed': z.strictObject({
    method: z.enum(['password', 'totp', 'passkey', 'recovery_code', 'sso']).optional(),
    reason: PasskeyFailure.optional(),
    sso: SsoReason.optional(),
  }),
  'password.changed': none,
  'mfa.totp_enrolment_started': none,
  'mfa.totp_enrolment_failed': none,
  'mfa.totp_enrolled': none,
  'mfa.recovery_codes_created': none,
  /** A TMA account bound to an identity at the provider (issuer and subject), or released from it. */
  'sso.linked': SsoIdentity,
  'sso.link_failed': z.strictObject({ reason: SsoReason }),
  'sso.unlinked': SsoIdentity,
  /** An account made at the first single sign-on of an unknown person (a reporter; TMA_OIDC_JIT_PROVISIONING). */
  'user.provisioned': z.strictObject({ via: z.enum(['sso']), role: Role }),
  'mfa.passkey_registered': z.strictObject({ passkey: z.uuid(), synced: z.boolean() }),
  'mfa.passkey_registration_failed': z.strictObject({ reason: PasskeyFailure }),
  'mfa.passkey_removed': z.strictObject({ passkey: z.uuid() }),
  /** An approved request: the user's app and recovery codes are gone; they set up anew at the next sign-in. */
  'mfa.reset': none,
  'mfa.challenge_passed': z.strictObject({ method: SecondFactorMethod }),
  'mfa.challenge_failed': z.strictObject({ method: SecondFactorMethod, reason: PasskeyFailure.optional() }),
  'password.change_failed': none,
  'link.created': z.strictObject({ purpose: z.enum(['invite', 'reset']) }),
  'link.accepted': z.strictObject({ purpose: z.enum(['invite', 'reset']) }),
  'user.invited': z.strictObject({ role: Role }),
  'user.role_changed': z.strictObject({ from: Role, to: Role }),
  'user.locked': none,
  'user.unlocked': none,
  'user.password_reset': none,
  'approval.requested': z.strictObject({
    kind: z.enum(['grant_role', 'reset_password', 'reset_mfa']),
    role: Role.nullable(),
  }),
  'approval.approved': z.strictObject({ kind: z.enum(['grant_role', 'reset_password', 'reset_mfa']), user: z.uuid() }),
  'approval.rejected': z.strictObject({ kind: z.enum(['grant_role', 'reset_password', 'reset_mfa']), user: z.uuid() }),
  'model.imported': z.strictObject({ key: z.string().max(60), version: z.string().max(20), replaced: z.boolean() }),
  'model.published': z.strictObject({ key: z.string().max(60), version: z.string().max(20) }),
  'model.retired': z.strictObject({ key: z.string().max(60), version: z.string().max(20) }),
  /** The optional items of a model the organisation uses, changed: which were switched on and off. */
  'model.optional_items': z.strictObject({
    key: z.string().max(60),
    enabled: z.array(z.string().max(60)).max(200),
    disabled: z.array(z.string().max(60)).max(200),
  }),
  /** A signed-in user refused by a route's policy (answered 404). */
  'access.denied': z.strictObject({ method: z.string().max(10), route: z.string().max(200) }),
  'audit.viewed': AuditFilterDetail,
  'audit.exported': AuditFilterDetail.extend({ rows: z.number().int().nonnegative() }),
  'audit.verified': z.strictObject({ ok: z.boolean(), problems: z.number().int().nonnegative() }),
  'audit.checkpoint_requested': none,
  /** Events up to seq (all before `before`) were deleted under the retention rule. */
  'audit.retention_cut': z.strictObject({ seq: z.string().regex(/^\d{1,19}$/), before: z.iso.datetime() }),
  /** A case's data keys deleted (crypto-shredding, keys/shredding.ts): its sealed content is unreadable. */
  'case.shredded': z.strictObject({
    keys: z.number().int().nonnegative(),
    reason: z.enum(['deletion', 'retention']),
  }),
  /** Cases (cases/): states, numbers and ids, never a title, a reason or a purpose in the clear. */
  'case.created': none,
  /** A case read: which part, and how the reader reached it (a membership, a break-glass, a team lead's list entry). */
  'case.viewed': z.strictObject({
    part: z.enum([
      'case',
      'members',
      'candidates',
      'access_log',
      'persons',
      'conflicts',
      'related',
      'timeline',
      'assessments',
      'assessment',
    ]),
    via: z.enum(['member', 'break_glass', 'list']),
  }),
  /** The case list read: how many cases it held, and whether it was a search. */
  'case.listed': z.strictObject({ cases: z.number().int().nonnegative(), search: z.boolean() }),
  'case.updated': z.strictObject({ fields: z.array(z.enum(['title', 'summary', 'tags'])) }),
  'case.status_changed': z.strictObject({ from: z.enum(CASE_STATUSES), to: z.enum(CASE_STATUSES) }),
  'case.priority_changed': z.strictObject({
    from: z.number().int().min(1).max(4).nullable(),
    to: z.number().int().min(1).max(4),
    /** The change's row (case_priority_changes), where its reason is sealed. */
    change: z.uuid().optional(),
    /** Set by this finalised assessment (docs/assessments.md), not by hand. */
    assessment: z.uuid().optional(),
  }),
  /** Assessments (assessments/): the model version, the kind and the version of the draft; never a rating. */
  'assessment.started': z.strictObject({
    model: z.string().max(90),
    kind: z.enum(['single', 'rater', 'consensus']),
    from: z.uuid().nullable(),
    migrated: z.boolean(),
  }),
  'assessment.saved': z.strictObject({ version: z.number().int().positive() }),
  'assessment.finalised': z.strictObject({
    model: z.string().max(90),
    kind: z.enum(['single', 'rater', 'consensus']),
    priority: z.number().int().min(1).max(4).nullable(),
  }),
  /** A finalised assessment exported as a PDF: its language, whether with the persons' real names, and how the reader reached the case. */
  'assessment.exported': z.strictObject({
    identities: z.boolean(),
    language: z.enum(['de', 'en']),
    via: z.enum(['member', 'break_glass', 'list']),
  }),
  /** A case out of the caller's reach, or beyond their scope: they were answered 404. */
  'case.denied': z.strictObject({ access: z.enum(['read', 'write']) }),
  'case.member_granted': z.strictObject({
    user: z.uuid(),
    role: z.enum(['lead', 'member', 'expert']),
    full: z.boolean(),
    sections: z.array(z.enum(CASE_SECTIONS)),
    expires: z.iso.datetime().nullable(),
  }),
  'case.member_changed': z.strictObject({
    user: z.uuid(),
    full: z.boolean(),
    sections: z.array(z.enum(CASE_SECTIONS)),
    expires: z.iso.datetime().nullable(),
  }),
  'case.member_revoked': z.strictObject({ user: z.uuid() }),
  'case.lead_transferred': z.strictObject({ from: z.uuid().nullable(), to: z.uuid() }),
  /** All of a leaving user's memberships handed to another (object: the leaving user). */
  'case.memberships_reassigned': z.strictObject({ to: z.uuid(), cases: z.number().int().nonnegative() }),
  /** A team lead's time-limited access to a case they are not a member of; the purpose is sealed on the event. */
  'case.break_glass_started': z.strictObject({ minutes: z.number().int().positive() }),
  'case.break_glass_ended': none,
  /** Two cases linked or unlinked: one event in each case's trail, naming the other. */
  'case.linked': z.strictObject({ other: z.uuid() }),
  'case.unlinked': z.strictObject({ other: z.uuid() }),
  /** A duplicate merged into this case (object: the target), with how much moved; the list is sealed on case_merges. */
  'case.merged': z.strictObject({ from: z.uuid(), ...MergeCounts }),
  /** This case merged into another (object: the duplicate, now closed). */
  'case.merged_into': z.strictObject({ into: z.uuid(), ...MergeCounts }),
  /** Persons of a case (cases/persons.service.ts): roles and ids, never a name or a note. */
  'person.added': z.strictObject({ role: z.enum(PERSON_ROLES) }),
  'person.changed': z.strictObject({ role: z.enum(PERSON_ROLES) }),
  'person.identity_changed': none,
  /** A member looked at a person's identity (the deliberate reveal), and how they reached the case. */
  'person.revealed': z.strictObject({ via: z.enum(['member', 'break_glass', 'list']) }),
  'person.relation_added': z.strictObject({ kind: z.enum(RELATION_KINDS), to: z.uuid() }),
  'person.relation_removed': z.strictObject({ kind: z.enum(RELATION_KINDS) }),
  /**
   * An account (the object) related to a person of the case: recused, or suspected until confirmed.
   * Which person is not said: the trail's readers must not learn who a person is.
   */
  'person.conflict_recorded': z.strictObject({
    source: z.enum(['declared', 'recognised']),
    status: z.enum(['recused', 'suspected']),
  }),
  'person.conflict_lifted': z.strictObject({ status: z.enum(['recused', 'suspected']) }),
  /** Documents (documents/): sizes, kinds and versions, never a file name or content. */
  'document.uploaded': z.strictObject({
    version: z.number().int().positive(),
    kind: z.enum(DOCUMENT_KINDS),
    bytes: z.number().int().nonnegative(),
    stripped: z.boolean(),
    scanned: z.boolean(),
  }),
  'document.upload_refused': z.strictObject({ reason: z.enum(UPLOAD_REFUSALS) }),
  'document.downloaded': z.strictObject({ version: z.number().int().positive(), inline: z.boolean() }),
  'document.deleted': none,
  /** A document restricted to chosen members, or opened to the documents scope again: how many are listed. */
  'document.readers_set': z.strictObject({ restricted: z.boolean(), readers: count }),
  /** A document's facts read (its page, its versions); the documents of a case or report listed. */
  'document.viewed': none,
  'document.listed': z.strictObject({ documents: z.number().int().nonnegative() }),
  /** The owner's rule refused a document, or an owner's documents: the caller was answered 404. */
  'document.denied': z.strictObject({ access: z.enum(['read', 'write']) }),
  /** The dashboard read: how many cases, reports and timeline entries it showed (their references, never their words). */
  'dashboard.viewed': z.strictObject({ cases: count, reports: count, activity: count }),
  /** A written entry of a case's timeline made (version 1) or edited (a new version); its text is sealed. */
  'timeline.entry_written': z.strictObject({ kind: z.enum(WRITTEN_KINDS), version: z.number().int().positive() }),
  /** The anonymous channel (intake/): a report or message arrived, a receipt opened a report; no trace of the sender. */
  'anonymous.report_submitted': none,
  'anonymous.message_sent': none,
  'anonymous.report_viewed': none,
  /** An attachment from the anonymous channel: its kind and size, never its name; or why it was refused. */
  'anonymous.document_uploaded': z.strictObject({
    kind: z.enum(DOCUMENT_KINDS),
    bytes: z.number().int().nonnegative(),
    stripped: z.boolean(),
    scanned: z.boolean(),
  }),
  'anonymous.document_refused': z.strictObject({ reason: z.enum(UPLOAD_REFUSALS) }),
  /** Reports (intake/): channels, urgencies, kinds and outcomes, never a name or what was reported. */
  'report.submitted': z.strictObject({ channel: z.enum(['employee']), urgency: z.enum(URGENCIES) }),
  'report.recorded': z.strictObject({ channel: z.enum(ON_BEHALF_CHANNELS), urgency: z.enum(URGENCIES) }),
  /** A report read: by the triage roles, a member of its case, or its signed-in reporter. */
  'report.viewed': z.strictObject({ as: z.enum(['triage', 'case_member', 'reporter']) }),
  'report.listed': z.strictObject({ reports: count }),
  /** "Known person" hints shown to a triage role: how many places matched. */
  'report.hints_viewed': z.strictObject({ matches: count }),
  /** A hint told a triage role that this case (the event's case) names a person of the report (its object). */
  'report.hint_shown': none,
  'report.message_sent': z.strictObject({ from: z.enum(['reporter', 'team']), kind: z.enum(MESSAGE_KINDS) }),
  'report.acknowledged': none,
  'report.case_opened': none,
  'report.attached': none,
  'report.closed': z.strictObject({ outcome: z.enum(REPORT_OUTCOMES) }),
} as const satisfies Record<string, z.ZodType>;

export type AuditAction = keyof typeof AUDIT_DETAILS;
export const AUDIT_ACTIONS = Object.keys(AUDIT_DETAILS) as AuditAction[];

export type AuditOutcome = 'allowed' | 'denied' | 'failed';

/** What objects an event can be about. */
export type AuditObjectType =
  | 'user'
  | 'session'
  | 'approval'
  | 'audit'
  | 'case'
  | 'report'
  | 'person'
  | 'document'
  | 'timeline_entry'
  /** An assessment model's version, as key@version. */
  | 'model'
  | 'assessment';

export type DetailOf<A extends AuditAction> = z.input<(typeof AUDIT_DETAILS)[A]>;

interface EventBase<A extends AuditAction> {
  readonly action: A;
  readonly outcome: AuditOutcome;
  readonly object?: { readonly type: AuditObjectType; readonly id: string } | undefined;
  readonly caseId?: string | undefined;
  /** Why a sensitive read happened (break-glass, exports), sealed (audit/purpose.ts); required where the action needs it. */
  readonly purpose?: SealedPurpose | undefined;
}

/** An event of one action, its detail typed by that action's schema (optional when it takes none). */
export type AuditEvent<A extends AuditAction = AuditAction> = A extends AuditAction
  ? EventBase<A> &
      (Record<never, never> extends DetailOf<A>
        ? { readonly detail?: DetailOf<A> }
        : { readonly detail: DetailOf<A> }) & {
        readonly actorUserId?: string | null | undefined;
        readonly ip?: string | undefined;
        readonly userAgent?: string | undefined;
      }
  : never;

export type AnonymousAction = Extract<AuditAction, `anonymous.${string}`>;

/** Events of the anonymous channel carry no actor, address or user agent: there is no field for them. */
export type AnonymousAuditEvent<A extends AnonymousAction = AnonymousAction> = A extends AnonymousAction
  ? {
      readonly action: A;
      readonly outcome: AuditOutcome;
      readonly object?: { readonly type: AuditObjectType; readonly id: string } | undefined;
      readonly caseId?: string | undefined;
    } & (Record<never, never> extends DetailOf<A>
      ? { readonly detail?: DetailOf<A> }
      : { readonly detail: DetailOf<A> })
  : never;
