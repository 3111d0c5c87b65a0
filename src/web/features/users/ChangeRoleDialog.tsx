import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Expertise, Role, User } from '../../../contract/accounts.ts';
import { useFieldText } from '../../forms/useFieldText.ts';
import type { FieldProblem } from '../../forms/validation.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import type { DoneAction } from './ActionResultNotice.tsx';
import { RoleFields } from './RoleFields.tsx';
import { changeRole, usersQuery } from './users-api.ts';

/** A modal to give one user another role (or expertise); it sends the version it showed, so a stale edit is refused. */
export function ChangeRoleDialog({
  user,
  onClose,
  onDone,
}: {
  user: User | null;
  onClose: () => void;
  onDone: (done: DoneAction) => void;
}) {
  const { t } = useTranslation();
  const text = useFieldText();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [role, setRole] = useState<Role | ''>('');
  const [expertise, setExpertise] = useState<Expertise | ''>('');
  const [problem, setProblem] = useState<FieldProblem | undefined>(undefined);
  const mutation = useMutation({
    mutationFn: ({ id, ...request }: { id: string; role: Role; expertise: Expertise | null; version: number }) =>
      withStepUp(() => changeRole(id, request)),
    onSuccess: (result) => onDone({ action: 'role', result }),
    onSettled: () => client.invalidateQueries({ queryKey: usersQuery.queryKey }),
  });
  const { reset } = mutation;

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog === null) return;
    if (user !== null && !dialog.open) {
      setRole(user.role);
      setExpertise(user.expertise ?? '');
      setProblem(undefined);
      reset();
      dialog.showModal();
    } else if (user === null && dialog.open) {
      dialog.close();
    }
  }, [user, reset]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (user === null || role === '') return;
    if (role === 'expert' && expertise === '') {
      setProblem({ key: 'validation.chooseExpertise' });
      return;
    }
    setProblem(undefined);
    mutation.mutate({
      id: user.id,
      role,
      expertise: role === 'expert' && expertise !== '' ? expertise : null,
      version: user.version,
    });
  };

  return (
    <dialog
      ref={dialogRef}
      className="dialog"
      aria-labelledby="change-role-heading"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      {user !== null && (
        <form className="form" onSubmit={submit} noValidate>
          <h2 id="change-role-heading">{t('users.changeRole.heading', { name: user.displayName })}</h2>
          <ErrorAlert error={mutation.error} />
          <RoleFields
            idPrefix="change-role"
            role={role}
            expertise={expertise}
            onRole={setRole}
            onExpertise={setExpertise}
            expertiseError={text(problem)}
          />
          <div className="form__actions">
            <button type="submit" className="button" disabled={mutation.isPending}>
              {mutation.isPending ? t('common.working') : t('users.changeRole.submit')}
            </button>
            <button type="button" className="button button--secondary" onClick={onClose}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
