import { useTranslation } from 'react-i18next';
import { EXPERTISES, type Expertise, ROLES, type Role } from '../../../contract/accounts.ts';

/** Roles and fields of expertise as select options, named in the UI language. */
export function useRoleOptions() {
  const { t } = useTranslation();
  return {
    roles: ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) })) as { value: Role; label: string }[],
    expertises: EXPERTISES.map((expertise) => ({ value: expertise, label: t(`expertise.${expertise}`) })) as {
      value: Expertise;
      label: string;
    }[],
  };
}

/** "Expert (Labour law)", or just the role. */
export function useRoleName() {
  const { t } = useTranslation();
  return (role: Role, expertise: Expertise | null) =>
    expertise === null ? t(`roles.${role}`) : `${t(`roles.${role}`)} (${t(`expertise.${expertise}`)})`;
}
