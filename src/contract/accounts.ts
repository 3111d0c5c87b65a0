import { z } from 'zod';
import { PasskeyAuthenticationResponse } from './mfa.ts';
import { uuid } from './uuid.ts';

/** Roles of TMA users. See docs/accounts.md for what each may do. */
export const ROLES = ['reporter', 'threat_manager', 'team_lead', 'expert', 'admin', 'auditor'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Roles whose holders can see case content: granting one needs a team lead's approval. */
export const CONTENT_ROLES: readonly Role[] = ['threat_manager', 'team_lead', 'expert'];

export const EXPERTISES = [
  'labour_law',
  'hr',
  'compliance',
  'data_protection',
  'corporate_security',
  'occupational_health',
  'works_council',
  'legal',
  'other',
] as const;
export const Expertise = z.enum(EXPERTISES);
export type Expertise = z.infer<typeof Expertise>;

export const UserStatus = z.enum(['invited', 'active', 'locked']);
export type UserStatus = z.infer<typeof UserStatus>;

/** Passwords: 15 to 128 characters, no composition rules (NIST SP 800-63B). Checked again on the server. */
export const PASSWORD_MIN = 15;
export const PASSWORD_MAX = 128;
export const Password = z.string().min(1).max(PASSWORD_MAX);
export const NewPassword = z.string().min(PASSWORD_MIN).max(PASSWORD_MAX);

export const Email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((e) => e.toLowerCase());
export const DisplayName = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

export const Uuid = uuid();
/** What a team lead approves: a role that sees case content, a password reset, a new two-factor set-up. */
export const ApprovalKind = z.enum(['grant_role', 'reset_password', 'reset_mfa']);
export const Token = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a valid link');

/** A one-time link for setting a password (invitation or reset), to hand over to its user. */
export const OneTimeLink = z.strictObject({ url: z.string(), expiresAt: z.iso.datetime() }).meta({ id: 'OneTimeLink' });
export type OneTimeLink = z.infer<typeof OneTimeLink>;

export const User = z
  .strictObject({
    id: Uuid,
    email: z.string(),
    displayName: z.string(),
    role: Role,
    expertise: Expertise.nullable(),
    status: UserStatus,
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    activatedAt: z.iso.datetime().nullable(),
    /** A role change or password reset waiting for a team lead's approval. */
    pendingApproval: z.strictObject({ id: Uuid, kind: ApprovalKind }).nullable(),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof User>;

// --- setup -------------------------------------------------------------------------------------

export const SetupStatus = z.strictObject({ needed: z.boolean() }).meta({ id: 'SetupStatus' });
export type SetupStatus = z.infer<typeof SetupStatus>;

export const SetupRequest = z
  .strictObject({
    token: Token,
    admin: z.strictObject({ email: Email, displayName: DisplayName, password: NewPassword }),
    teamLead: z.strictObject({ email: Email, displayName: DisplayName }),
  })
  .meta({ id: 'SetupRequest' });
export type SetupRequest = z.input<typeof SetupRequest>;

export const SetupResult = z.strictObject({ teamLeadInvitation: OneTimeLink }).meta({ id: 'SetupResult' });
export type SetupResult = z.infer<typeof SetupResult>;

// --- sessions ----------------------------------------------------------------------------------

export const SignInRequest = z
  .strictObject({ email: z.string().trim().max(254), password: Password })
  .meta({ id: 'SignInRequest' });
export type SignInRequest = z.input<typeof SignInRequest>;

export const SessionInfo = z
  .strictObject({
    user: z.strictObject({
      id: Uuid,
      email: z.string(),
      displayName: z.string(),
      role: Role,
      expertise: Expertise.nullable(),
    }),
    /** Send as the X-CSRF-Token header on every POST, PUT, PATCH and DELETE. */
    csrfToken: z.string(),
    idleExpiresAt: z.iso.datetime(),
    absoluteExpiresAt: z.iso.datetime(),
    /**
     * The second factor of this session: `challenge` means the password was right and the
     * authenticator code is still due (the session reaches only POST /api/session/mfa, GET and
     * DELETE /api/session until then); `enrol` means the role requires a second factor and the
     * account has none (the session reaches only the set-up: /api/mfa, /api/mfa/totp,
     * /api/mfa/totp/confirm, step-up, GET and DELETE /api/session); `done` means it was given;
     * `none` means the account has none and needs none (reporters).
     */
    mfa: z.enum(['challenge', 'enrol', 'done', 'none']),
  })
  .meta({ id: 'SessionInfo' });
export type SessionInfo = z.infer<typeof SessionInfo>;

/** Re-authentication for sensitive actions: the password, a code of the authenticator app, or a passkey. */
export const StepUpRequest = z
  .union([
    z.strictObject({ password: Password }),
    z.strictObject({ code: z.string().regex(/^\d{6}$/, 'six digits') }),
    z.strictObject({ passkey: PasskeyAuthenticationResponse }),
  ])
  .meta({ id: 'StepUpRequest' });
export type StepUpRequest = z.infer<typeof StepUpRequest>;

export const SessionSummary = z
  .strictObject({
    id: Uuid,
    current: z.boolean(),
    createdAt: z.iso.datetime(),
    lastSeenAt: z.iso.datetime(),
    userAgent: z.string().nullable(),
  })
  .meta({ id: 'SessionSummary' });
export const SessionList = z.strictObject({ sessions: z.array(SessionSummary) }).meta({ id: 'SessionList' });
export type SessionList = z.infer<typeof SessionList>;

export const ChangePasswordRequest = z
  .strictObject({ currentPassword: Password, newPassword: NewPassword })
  .meta({ id: 'ChangePasswordRequest' });

// --- invitations and resets (public, by one-time link) ------------------------------------------

export const InvitationInfo = z
  .strictObject({
    purpose: z.enum(['invite', 'reset']),
    email: z.string(),
    displayName: z.string(),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'InvitationInfo' });
export type InvitationInfo = z.infer<typeof InvitationInfo>;

/** Tokens travel in bodies, never in URLs: links carry them in the fragment (/invite#<token>). */
export const InvitationLookupRequest = z.strictObject({ token: Token }).meta({ id: 'InvitationLookupRequest' });
export const AcceptInvitationRequest = z
  .strictObject({ token: Token, password: NewPassword })
  .meta({ id: 'AcceptInvitationRequest' });

// --- administration ----------------------------------------------------------------------------

export const UserList = z.strictObject({ users: z.array(User) }).meta({ id: 'UserList' });
export type UserList = z.infer<typeof UserList>;

export const InviteUserRequest = z
  .strictObject({ email: Email, displayName: DisplayName, role: Role, expertise: Expertise.nullable().default(null) })
  .meta({ id: 'InviteUserRequest' });
export type InviteUserRequest = z.input<typeof InviteUserRequest>;

export const ChangeRoleRequest = z
  .strictObject({ role: Role, expertise: Expertise.nullable().default(null), version: z.number().int() })
  .meta({ id: 'ChangeRoleRequest' });
export type ChangeRoleRequest = z.input<typeof ChangeRoleRequest>;

/**
 * What an administrative change did: done at once (with a link for the user where one is
 * needed), or waiting for a team lead's approval.
 */
export const AdminActionResult = z
  .strictObject({ user: User, link: OneTimeLink.nullable(), approvalId: Uuid.nullable() })
  .meta({ id: 'AdminActionResult' });
export type AdminActionResult = z.infer<typeof AdminActionResult>;

// --- four-eyes approvals (team leads) ----------------------------------------------------------

export const Approval = z
  .strictObject({
    id: Uuid,
    kind: ApprovalKind,
    user: z.strictObject({ id: Uuid, email: z.string(), displayName: z.string(), role: Role, status: UserStatus }),
    requestedRole: Role.nullable(),
    requestedExpertise: Expertise.nullable(),
    requestedBy: z.strictObject({ id: Uuid, displayName: z.string() }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Approval' });
export type Approval = z.infer<typeof Approval>;
export const ApprovalList = z.strictObject({ approvals: z.array(Approval) }).meta({ id: 'ApprovalList' });
export type ApprovalList = z.infer<typeof ApprovalList>;

/** Approving may create the user's one-time link: it goes to the approver, never to the admin. */
export const ApprovalDecision = z
  .strictObject({ user: User, link: OneTimeLink.nullable() })
  .meta({ id: 'ApprovalDecision' });
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

/** Problem codes of this area, for the UI's messages. */
export const ACCOUNT_PROBLEMS = [
  'unauthenticated',
  'session_expired',
  'step_up_required',
  'invalid_credentials',
  'account_locked',
  'too_many_attempts',
  'weak_password',
  'link_expired',
  'csrf_failed',
  'email_taken',
  'conflict',
  'approval_stale',
] as const;
