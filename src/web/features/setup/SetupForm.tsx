import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SetupResult } from '../../../contract/accounts.ts';
import { focusFirstInvalid } from '../../forms/focus.ts';
import { NewPasswordFields } from '../../forms/NewPasswordFields.tsx';
import { useFields } from '../../forms/useFields.ts';
import { useFieldText } from '../../forms/useFieldText.ts';
import {
  checkConfirmation,
  checkDisplayName,
  checkEmail,
  checkNewPassword,
  collect,
  type FormProblems,
  isValid,
} from '../../forms/validation.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { completeSetup } from './setup-api.ts';

const FIELDS = ['adminEmail', 'adminName', 'adminPassword', 'adminConfirmation', 'leadEmail', 'leadName'] as const;
type Field = (typeof FIELDS)[number];

export function SetupForm({ token, onDone }: { token: string; onDone: (result: SetupResult, lead: string) => void }) {
  const { t } = useTranslation();
  const text = useFieldText();
  const formRef = useRef<HTMLFormElement>(null);
  const { values, set } = useFields<Field>({
    adminEmail: '',
    adminName: '',
    adminPassword: '',
    adminConfirmation: '',
    leadEmail: '',
    leadName: '',
  });
  const [problems, setProblems] = useState<FormProblems<Field>>({});
  const mutation = useMutation({
    mutationFn: completeSetup,
    onSuccess: (result) => onDone(result, values.leadName.trim()),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = collect<Field>({
      adminEmail: checkEmail(values.adminEmail),
      adminName: checkDisplayName(values.adminName),
      adminPassword: checkNewPassword(values.adminPassword),
      adminConfirmation: checkConfirmation(values.adminPassword, values.adminConfirmation),
      leadEmail:
        checkEmail(values.leadEmail) ??
        (values.leadEmail.trim().toLowerCase() === values.adminEmail.trim().toLowerCase()
          ? { key: 'validation.sameEmail' }
          : undefined),
      leadName: checkDisplayName(values.leadName),
    });
    setProblems(found);
    if (!isValid(found)) return focusFirstInvalid(formRef.current, FIELDS, found);
    mutation.mutate({
      token,
      admin: { email: values.adminEmail, displayName: values.adminName, password: values.adminPassword },
      teamLead: { email: values.leadEmail, displayName: values.leadName },
    });
  };

  return (
    <form ref={formRef} className="form card" onSubmit={submit} noValidate aria-describedby="setup-required">
      <ErrorAlert error={mutation.error} messages={{ not_found: t('setup.linkInvalid') }} />
      <p id="setup-required" className="form__note">
        {t('common.allRequired')}
      </p>
      <fieldset className="form__group">
        <legend>{t('setup.admin.legend')}</legend>
        <p className="form__group-intro">{t('setup.admin.intro')}</p>
        <TextField
          id="setup-admin-email"
          name="adminEmail"
          type="email"
          autoComplete="email"
          label={t('common.email')}
          value={values.adminEmail}
          onChange={set('adminEmail')}
          error={text(problems.adminEmail)}
          required
        />
        <TextField
          id="setup-admin-name"
          name="adminName"
          autoComplete="name"
          label={t('common.displayName')}
          hint={t('common.displayNameHint')}
          value={values.adminName}
          onChange={set('adminName')}
          error={text(problems.adminName)}
          required
        />
        <NewPasswordFields
          idPrefix="setup-admin"
          names={{ password: 'adminPassword', confirmation: 'adminConfirmation' }}
          passwordLabel={t('password.password')}
          password={values.adminPassword}
          confirmation={values.adminConfirmation}
          onPassword={set('adminPassword')}
          onConfirmation={set('adminConfirmation')}
          passwordError={text(problems.adminPassword)}
          confirmationError={text(problems.adminConfirmation)}
        />
      </fieldset>
      <fieldset className="form__group">
        <legend>{t('setup.lead.legend')}</legend>
        <p className="form__group-intro">{t('setup.lead.intro')}</p>
        <TextField
          id="setup-lead-email"
          name="leadEmail"
          type="email"
          autoComplete="off"
          label={t('common.email')}
          value={values.leadEmail}
          onChange={set('leadEmail')}
          error={text(problems.leadEmail)}
          required
        />
        <TextField
          id="setup-lead-name"
          name="leadName"
          autoComplete="off"
          label={t('common.displayName')}
          value={values.leadName}
          onChange={set('leadName')}
          error={text(problems.leadName)}
          required
        />
      </fieldset>
      <div className="form__actions">
        <button type="submit" className="button" disabled={mutation.isPending}>
          {mutation.isPending ? t('common.working') : t('setup.submit')}
        </button>
      </div>
    </form>
  );
}
