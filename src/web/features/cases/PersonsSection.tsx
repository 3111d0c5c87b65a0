import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../contract/cases.ts';
import { type CasePerson, type PersonIdentity, RELATION_KINDS, type RelationKind } from '../../../contract/persons.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import { useSession } from '../session/useSession.ts';
import { ConflictsCard } from './ConflictsCard.tsx';
import { accountsQuery, declareConflict, personsQuery, removeRelation, revealIdentity } from './cases-api.ts';
import { AddPersonForm, AddRelationForm } from './PersonForms.tsx';

/** Whether the reader's scope holds a section (a break-glass reads every one). */
export const holds = (detail: CaseDetail, section: 'persons' | 'identities') =>
  detail.access.kind !== 'list' && (detail.access.fullScope || detail.access.sections.includes(section));
/** Whether the reader may change that section: their own membership, not a break-glass. */
const changes = (detail: CaseDetail, section: 'persons' | 'identities') =>
  detail.access.kind === 'member' && holds(detail, section);

/**
 * The persons of the case by pseudonym ("Person A"), their roles, notes and relations. Who a person
 * is shows only on a deliberate "Show identity", for readers whose scope holds identities; each
 * reveal is recorded, and the lead sees it in the access log.
 */
export function PersonsSection({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const persons = useQuery(personsQuery(detail.id));
  const data = persons.data;
  const name = (id: string) => {
    const p = data?.persons.find((x) => x.id === id);
    return p === undefined ? '—' : t('persons.pseudonym', { letters: p.pseudonym });
  };
  return (
    <>
      <section className="card" aria-labelledby="persons-heading">
        <h2 id="persons-heading">{t('persons.heading')}</h2>
        <p>{t('persons.intro')}</p>
        {persons.isPending && <p>{t('common.loading')}</p>}
        {persons.isError && <ErrorAlert error={persons.error} />}
        {data !== undefined && data.persons.length === 0 && <p>{t('persons.none')}</p>}
        {data !== undefined && data.persons.length > 0 && (
          <ul className="person-list">
            {data.persons.map((person) => (
              <PersonItem key={person.id} person={person} detail={detail} />
            ))}
          </ul>
        )}
        {data !== undefined && data.relations.length > 0 && (
          <>
            <h3>{t('persons.relations.heading')}</h3>
            <ul>
              {data.relations.map((r) => (
                <RelationItem
                  key={r.id}
                  caseId={detail.id}
                  id={r.id}
                  text={t('persons.relations.line', {
                    from: name(r.from),
                    kind: t(`persons.relationKinds.${r.kind}`),
                    to: name(r.to),
                  })}
                  removable={changes(detail, 'persons')}
                />
              ))}
            </ul>
          </>
        )}
      </section>
      {detail.access.canOversee && <ConflictsCard caseId={detail.id} />}
      {changes(detail, 'persons') && data !== undefined && data.persons.length >= 2 && (
        <AddRelationForm caseId={detail.id} persons={data.persons} kinds={RELATION_KINDS as readonly RelationKind[]} />
      )}
      {changes(detail, 'persons') && <AddPersonForm caseId={detail.id} withIdentity={changes(detail, 'identities')} />}
    </>
  );
}

function PersonItem({ person, detail }: { person: CasePerson; detail: CaseDetail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const [identity, setIdentity] = useState<PersonIdentity | null>(null);
  const reveal = useMutation({
    mutationFn: () => revealIdentity(detail.id, person.id),
    onSuccess: setIdentity,
  });
  const [related, setRelated] = useState(false);
  const session = useSession();
  const self = session?.status === 'signed-in' ? session.session.user.id : '';
  const recuse = useMutation({
    mutationFn: (userId: string) => withStepUp(() => declareConflict(detail.id, person.id, userId)),
    onSuccess: () => client.invalidateQueries({ queryKey: ['cases'] }),
  });
  const label = t('persons.pseudonym', { letters: person.pseudonym });
  return (
    <li className="person">
      <p>
        <strong>{label}</strong> · {t(`persons.roles.${person.role}`)}
      </p>
      {person.notes !== '' && <p className="case-text">{person.notes}</p>}
      {identity !== null ? (
        <IdentityFacts identity={identity} label={label} />
      ) : (
        holds(detail, 'identities') && (
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={() => reveal.mutate()}
            disabled={reveal.isPending}
          >
            {t('persons.reveal', { person: label })}
          </button>
        )
      )}
      <ErrorAlert error={reveal.error ?? recuse.error} />
      {detail.access.kind === 'member' &&
        (related ? (
          <div className="row-actions">
            <p>{t('persons.conflict.confirm', { person: label })}</p>
            <button type="button" className="button button--small" onClick={() => recuse.mutate(self)}>
              {t('persons.conflict.yes')}
            </button>
            <button type="button" className="button button--secondary button--small" onClick={() => setRelated(false)}>
              {t('common.cancel')}
            </button>
          </div>
        ) : (
          <button type="button" className="button button--secondary button--small" onClick={() => setRelated(true)}>
            {t('persons.conflict.declare', { person: label })}
          </button>
        ))}
      {detail.access.canOversee && <RecuseOther detail={detail} onRecuse={(id) => recuse.mutate(id)} />}
    </li>
  );
}

function IdentityFacts({ identity, label }: { identity: PersonIdentity; label: string }) {
  const { t } = useTranslation();
  const rows: [string, string][] = [
    [t('persons.identity.name'), identity.name],
    [t('persons.identity.dateOfBirth'), identity.dateOfBirth],
    [t('persons.identity.employeeNumber'), identity.employeeNumber],
    [t('persons.identity.orgUnit'), identity.orgUnit],
    [t('persons.identity.location'), identity.location],
    [t('persons.identity.contact'), identity.contact],
  ];
  return (
    <>
      <p className="visually-hidden">{t('persons.identity.of', { person: label })}</p>
      <dl className="case-facts">
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value === '' ? '—' : value}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

function RelationItem({
  caseId,
  id,
  text,
  removable,
}: {
  caseId: string;
  id: string;
  text: string;
  removable: boolean;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () => removeRelation(caseId, id),
    onSettled: () => client.invalidateQueries({ queryKey: personsQuery(caseId).queryKey }),
  });
  return (
    <li>
      {text}{' '}
      {removable && (
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => remove.mutate()}
          disabled={remove.isPending}
        >
          {t('persons.relations.remove')}
          <span className="visually-hidden"> {text}</span>
        </button>
      )}
      <ErrorAlert error={remove.error} />
    </li>
  );
}

/** The lead or a team lead marks another account as related to this person: it is recused from the case. */
function RecuseOther({ detail, onRecuse }: { detail: CaseDetail; onRecuse: (userId: string) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [userId, setUserId] = useState('');
  const accounts = useQuery({ ...accountsQuery(detail.id), enabled: open });
  if (!open)
    return (
      <button type="button" className="button button--secondary button--small" onClick={() => setOpen(true)}>
        {t('persons.conflict.other')}
      </button>
    );
  return (
    <div className="row-actions">
      <SelectField
        id={`recuse-${detail.id}`}
        label={t('persons.conflict.account')}
        value={userId}
        placeholder={t('cases.members.chooseUser')}
        options={(accounts.data ?? []).map((m) => ({ value: m.id, label: m.displayName ?? '—' }))}
        onChange={setUserId}
      />
      <button type="button" className="button button--small" disabled={userId === ''} onClick={() => onRecuse(userId)}>
        {t('persons.conflict.record')}
      </button>
    </div>
  );
}
