import type { PasskeySummary } from '../../../contract/mfa.ts';

/** `name`: opened by the caller (passkey-names.ts). */
export function passkeySummary(p: {
  id: string;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
  backed_up: boolean;
}): PasskeySummary {
  return {
    id: p.id,
    name: p.name,
    createdAt: p.created_at.toISOString(),
    lastUsedAt: p.last_used_at?.toISOString() ?? null,
    synced: p.backed_up,
  };
}
