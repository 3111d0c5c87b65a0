import { useTranslation } from 'react-i18next';
import { CONTENT_ROLES, type Expertise, type Role } from '../../../contract/accounts.ts';
import { SelectField } from '../../ui/SelectField.tsx';
import { useRoleOptions } from './options.ts';

export interface RoleFieldsProps {
  readonly idPrefix: string;
  readonly role: Role | '';
  readonly expertise: Expertise | '';
  readonly onRole: (role: Role) => void;
  readonly onExpertise: (expertise: Expertise) => void;
  readonly roleError?: string | undefined;
  readonly expertiseError?: string | undefined;
}

/** The role, and for experts their field; says when the role needs a team lead's approval. */
export function RoleFields(props: RoleFieldsProps) {
  const { t } = useTranslation();
  const { roles, expertises } = useRoleOptions();
  const needsApproval = props.role !== '' && CONTENT_ROLES.includes(props.role);
  return (
    <>
      <SelectField
        id={`${props.idPrefix}-role`}
        name="role"
        label={t('common.role')}
        placeholder={t('users.chooseRole')}
        value={props.role}
        options={roles}
        onChange={props.onRole}
        hint={needsApproval ? t('users.roleNeedsApproval') : t('users.roleHint')}
        error={props.roleError}
        required
      />
      {props.role === 'expert' && (
        <SelectField
          id={`${props.idPrefix}-expertise`}
          name="expertise"
          label={t('common.expertise')}
          placeholder={t('users.chooseExpertise')}
          value={props.expertise}
          options={expertises}
          onChange={props.onExpertise}
          error={props.expertiseError}
          required
        />
      )}
    </>
  );
}
