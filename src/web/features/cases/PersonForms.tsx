import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type CasePerson,
  NOTES_MAX,
  PERSON_ROLES,
  type PersonIdentity,
  type PersonRole,
  type RelationKind,
} from '../../../contract/persons.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { TextArea } from '../../ui/TextArea.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { addPerson, addRelation, personsQuery } from './cases-api.ts';

const EMPTY: PersonIdentity = { name: '', dateOfBirth: '', employeeNumber: '', orgUnit: '', location: '', contact: '' };
const IDENTITY_FIELDS = ['name', 'dateOfBirth', 'employeeNumber', 'orgUnit', 'location', 'contact'] as const;

/** Adds a person: the role, notes, and (with the identities scope) who they are; every field may stay empty. */
export function AddPersonForm({ caseId, withIdentity }: { caseId: string; withIdentity: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [role, setRole] = useState<PersonRole | ''>('');
  const [notes, setNotes] = useState('');
  const [identity, setIdentity] = useState<PersonIdentity>(EMPTY);
  const [problem, setProblem] = useState<string | undefined>();
  const mutation = useMutation({
    mutationFn: (role: PersonRole) => addPerson(caseId, { role, notes, identity: withIdentity ? identity : {} }),
    onSuccess: () => {
      setRole('');
      setNotes('');
      setIdentity(EMPTY);
    },
    onSettled: () => client.invalidateQueries({ queryKey: personsQuery(caseId).queryKey }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(role === '' ? t('persons.chooseRole') : undefined);
    if (role !== '') mutation.mutate(role);
  };
  return (
    <section className="card" aria-labelledby="add-person-heading">
      <h2 id="add-person-heading">{t('persons.add.heading')}</h2>
      <p>{t('persons.add.intro')}</p>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={mutation.error} />
        <SelectField
          id="person-role"
          label={t('persons.role')}
          value={role}
          placeholder={t('persons.chooseRole')}
          options={PERSON_ROLES.map((r) => ({ value: r, label: t(`persons.roles.${r}`) }))}
          onChange={setRole}
          error={problem}
        />
        {withIdentity &&
          IDENTITY_FIELDS.map((field) => (
            <TextField
              key={field}
              id={`person-${field}`}
              type={field === 'dateOfBirth' ? 'date' : 'text'}
              label={t(`persons.identity.${field}`)}
              value={identity[field]}
              onChange={(value) => setIdentity({ ...identity, [field]: value })}
              maxLength={200}
            />
          ))}
        <TextArea
          id="person-notes"
          label={t('persons.notes')}
          hint={t('persons.notesHint')}
          value={notes}
          onChange={setNotes}
          maxLength={NOTES_MAX}
          rows={3}
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('persons.add.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Relates two persons of the case: "Person A is the manager of Person B". */
export function AddRelationForm({
  caseId,
  persons,
  kinds,
}: {
  caseId: string;
  persons: readonly CasePerson[];
  kinds: readonly RelationKind[];
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [from, setFrom] = useState('');
  const [kind, setKind] = useState<RelationKind | ''>('');
  const [to, setTo] = useState('');
  const mutation = useMutation({
    mutationFn: (body: { from: string; to: string; kind: RelationKind }) => addRelation(caseId, body),
    onSuccess: () => {
      setFrom('');
      setKind('');
      setTo('');
    },
    onSettled: () => client.invalidateQueries({ queryKey: personsQuery(caseId).queryKey }),
  });
  const options = persons.map((p) => ({ value: p.id, label: t('persons.pseudonym', { letters: p.pseudonym }) }));
  const ready = from !== '' && to !== '' && kind !== '' && from !== to;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (ready) mutation.mutate({ from, to, kind });
  };
  return (
    <section className="card" aria-labelledby="add-relation-heading">
      <h2 id="add-relation-heading">{t('persons.relations.add')}</h2>
      <form className="case-filters" onSubmit={submit} noValidate>
        <SelectField
          id="relation-from"
          label={t('persons.relations.from')}
          value={from}
          placeholder="—"
          options={options}
          onChange={setFrom}
        />
        <SelectField
          id="relation-kind"
          label={t('persons.relations.kind')}
          value={kind}
          placeholder="—"
          options={kinds.map((k) => ({ value: k, label: t(`persons.relationKinds.${k}`) }))}
          onChange={setKind}
        />
        <SelectField
          id="relation-to"
          label={t('persons.relations.to')}
          value={to}
          placeholder="—"
          options={options}
          onChange={setTo}
        />
        <div className="form__actions">
          <button type="submit" className="button button--secondary" disabled={!ready || mutation.isPending}>
            {t('persons.relations.submit')}
          </button>
        </div>
      </form>
      <ErrorAlert error={mutation.error} />
    </section>
  );
}
