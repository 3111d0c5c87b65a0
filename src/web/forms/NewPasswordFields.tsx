import { useTranslation } from 'react-i18next';
import { TextField } from '../ui/TextField.tsx';

export interface NewPasswordFieldsProps {
  /** Prefix of the two fields' ids; their names are `password` and `confirmation` unless given. */
  readonly idPrefix: string;
  readonly password: string;
  readonly confirmation: string;
  readonly onPassword: (value: string) => void;
  readonly onConfirmation: (value: string) => void;
  readonly passwordError?: string | undefined;
  readonly confirmationError?: string | undefined;
  readonly passwordLabel?: string;
  readonly names?: { readonly password: string; readonly confirmation: string };
}

/** A new password, typed twice, with the one rule that matters stated up front. */
export function NewPasswordFields(props: NewPasswordFieldsProps) {
  const { t } = useTranslation();
  const names = props.names ?? { password: 'password', confirmation: 'confirmation' };
  return (
    <>
      <TextField
        id={`${props.idPrefix}-password`}
        name={names.password}
        type="password"
        autoComplete="new-password"
        label={props.passwordLabel ?? t('password.new')}
        hint={t('password.hint')}
        value={props.password}
        onChange={props.onPassword}
        error={props.passwordError}
        required
      />
      <TextField
        id={`${props.idPrefix}-confirmation`}
        name={names.confirmation}
        type="password"
        autoComplete="new-password"
        label={t('password.confirm')}
        value={props.confirmation}
        onChange={props.onConfirmation}
        error={props.confirmationError}
        required
      />
    </>
  );
}
