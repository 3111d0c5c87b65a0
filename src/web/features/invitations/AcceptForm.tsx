import { useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InvitationInfo } from '../../../contract/accounts.ts';
import { focusFirstInvalid } from '../../forms/focus.ts';
import { NewPasswordFields } from '../../forms/NewPasswordFields.tsx';
import { useFields } from '../../forms/useFields.ts';
import { useFieldText } from '../../forms/useFieldText.ts';
import { checkConfirmation, checkNewPassword, collect, type FormProblems, isValid } from '../../forms/validation.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { acceptInvitation } from './invitation-api.ts';

const FIELDS = ['password', 'confirmation'] as const;
type Field = (typeof FIELDS)[number];

export function AcceptForm({ token, info }: { token: string; info: InvitationInfo }) {
  const { t } = useTranslation();
  const text = useFieldText();
  const dateTime = useDateTime();
  const navigate = useNavigate();
  const formRef = useRef<HTMLFormElement>(null);
  const { values, set } = useFields<Field>({ password: '', confirmation: '' });
  const [problems, setProblems] = useState<FormProblems<Field>>({});
  const mutation = useMutation({
    mutationFn: acceptInvitation,
    onSuccess: () => void navigate({ to: '/sign-in', search: { notice: 'password_set' } }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = collect<Field>({
      password: checkNewPassword(values.password),
      confirmation: checkConfirmation(values.password, values.confirmation),
    });
    setProblems(found);
    if (!isValid(found)) return focusFirstInvalid(formRef.current, FIELDS, found);
    mutation.mutate({ token, password: values.password });
  };

  return (
    <form ref={formRef} className="form card" onSubmit={submit} noValidate>
      <p>{t(`invitation.${info.purpose}.intro`, { name: info.displayName })}</p>
      <dl className="facts">
        <div>
          <dt>{t('common.displayName')}</dt>
          <dd>{info.displayName}</dd>
        </div>
        <div>
          <dt>{t('common.email')}</dt>
          <dd>{info.email}</dd>
        </div>
        <div>
          <dt>{t('invitation.validUntil')}</dt>
          <dd>{dateTime(info.expiresAt)}</dd>
        </div>
      </dl>
      <p className="form__note">{t('invitation.notYou')}</p>
      <ErrorAlert error={mutation.error} messages={{ not_found: t('invitation.unknown.body') }} />
      {/* Lets password managers store the new password under the right account. */}
      <input type="text" hidden readOnly name="username" autoComplete="username" value={info.email} />
      <NewPasswordFields
        idPrefix="accept"
        password={values.password}
        confirmation={values.confirmation}
        onPassword={set('password')}
        onConfirmation={set('confirmation')}
        passwordError={text(problems.password)}
        confirmationError={text(problems.confirmation)}
      />
      <div className="form__actions">
        <button type="submit" className="button" disabled={mutation.isPending}>
          {mutation.isPending ? t('common.working') : t('invitation.submit')}
        </button>
      </div>
    </form>
  );
}
