import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Member } from '../../../contract/cases.ts';
import type { Document } from '../../../contract/documents.ts';
import { problemCode } from '../../api/client.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { caseDocumentsQuery, membersQuery } from '../cases/cases-api.ts';
import { useSignedInSession } from '../session/useSession.ts';
import { readerCandidates } from './case-reach.ts';
import { documentQuery, setReaders } from './documents-api.ts';

type Saved = 'restricted' | 'open';

/**
 * Who may see a case document (docs/documents.md, "Restricted documents"): everyone whose scope holds the case's
 * documents, or only the members listed. The names are shown to those who see who works on the case (the server
 * gives them to no one else); a member who may change the documents and sees the members chooses them here.
 */
export function DocumentReaders({ document, writes }: { document: Document; writes: boolean }) {
  const { t } = useTranslation();
  // Only a writer could choose; a 404 means the caller does not see who works on the case.
  const members = useQuery({ ...membersQuery(document.ownerId), enabled: writes });
  const [open, setOpen] = useState(false);
  const [saved, setSaved] = useState<{ outcome: Saved; at: number } | undefined>();
  const toggle = useRef<HTMLButtonElement>(null);
  const unseen = members.isError && problemCode(members.error) === 'not_found';
  const canChoose = writes && members.isSuccess;
  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  return (
    <section aria-labelledby="readers-heading">
      <h2 id="readers-heading">{t('documents.readers.heading')}</h2>
      <ReadersState document={document} />
      {members.isError && !unseen && <ErrorAlert error={members.error} />}
      {saved !== undefined && !open && (
        <Alert tone="success" focus focusKey={saved.at}>
          <p>{saved.outcome === 'restricted' ? t('documents.readers.saved') : t('documents.readers.savedOpen')}</p>
        </Alert>
      )}
      {canChoose && (
        <div className="form__actions">
          <button
            ref={toggle}
            type="button"
            className="button button--secondary"
            aria-expanded={open}
            aria-controls={open ? 'readers-form' : undefined}
            onClick={() => {
              setSaved(undefined);
              setOpen(!open);
            }}
          >
            {t('documents.readers.change')}
          </button>
        </div>
      )}
      {canChoose && open && (
        <ReadersForm
          document={document}
          members={members.data.members}
          onCancel={close}
          onSaved={(outcome) => {
            setOpen(false);
            setSaved({ outcome, at: Date.now() });
          }}
        />
      )}
    </section>
  );
}

/** The document's reach in words: everyone of the documents scope, or the members listed (by name when given). */
function ReadersState({ document }: { document: Document }) {
  const { t } = useTranslation();
  if (!document.restricted) return <p>{t('documents.readers.everyone')}</p>;
  if (document.readers.length === 0)
    return (
      <Alert tone="info">
        <p>{t('documents.readers.onlyUnnamed')}</p>
      </Alert>
    );
  return (
    <Alert tone="info">
      <p>{t('documents.readers.only')}</p>
      <ul>
        {document.readers.map((r) => (
          <li key={r.id}>{r.displayName ?? t('cases.members.unknown')}</li>
        ))}
      </ul>
    </Alert>
  );
}

/**
 * Everyone of the documents scope, or only the members ticked: those whose scope holds the documents. The one who
 * chooses is always listed (the server adds them), so their box is ticked and fixed. A stale version reloads the
 * document and keeps the choice, to save again.
 */
function ReadersForm({
  document,
  members,
  onCancel,
  onSaved,
}: {
  document: Document;
  members: readonly Member[];
  onCancel: () => void;
  onSaved: (outcome: Saved) => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const me = useSignedInSession().user.id;
  const heading = useRef<HTMLHeadingElement>(null);
  const candidates = readerCandidates(members);
  const listed = new Set(document.readers.map((r) => r.id));
  const [only, setOnly] = useState(document.restricted);
  const [chosen, setChosen] = useState<readonly string[]>(() =>
    candidates.filter((m) => m.user.id !== me && listed.has(m.user.id)).map((m) => m.user.id),
  );
  useEffect(() => heading.current?.focus(), []);
  const reload = () => client.invalidateQueries({ queryKey: documentQuery(document.id).queryKey });
  const mutation = useMutation({
    mutationFn: () =>
      setReaders(document.id, {
        expectedVersion: document.version,
        restricted: only,
        userIds: only ? [...chosen] : [],
      }),
    onSuccess: async () => {
      await reload();
      void client.invalidateQueries({ queryKey: caseDocumentsQuery(document.ownerId).queryKey });
      onSaved(only ? 'restricted' : 'open');
    },
    onError: (error) => {
      if (problemCode(error) === 'stale_version') void reload();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  const toggle = (id: string, on: boolean) =>
    setChosen((list) => (on ? [...list, id] : list.filter((other) => other !== id)));
  const others = candidates.filter((m) => m.user.id !== me);
  const mine = candidates.find((m) => m.user.id === me);
  const nameOf = (m: Member) => m.user.displayName ?? t('cases.members.unknown');
  return (
    <form id="readers-form" className="form" onSubmit={submit} noValidate aria-labelledby="readers-form-heading">
      <h3 id="readers-form-heading" ref={heading} tabIndex={-1}>
        {t('documents.readers.formHeading')}
      </h3>
      <ErrorAlert
        error={mutation.error}
        messages={{
          stale_version: t('documents.readers.errors.stale_version'),
          reader_out_of_scope: t('documents.readers.errors.reader_out_of_scope'),
          members_out_of_sight: t('documents.readers.errors.members_out_of_sight'),
          restriction_not_offered: t('documents.readers.errors.restriction_not_offered'),
          too_many_readers: t('documents.readers.errors.too_many_readers'),
        }}
      />
      <fieldset className="choices">
        <legend>{t('documents.readers.choice')}</legend>
        <label className="choice">
          <input type="radio" name="readers-kind" checked={!only} onChange={() => setOnly(false)} />
          {t('documents.readers.choiceEveryone')}
        </label>
        <label className="choice">
          <input type="radio" name="readers-kind" checked={only} onChange={() => setOnly(true)} />
          {t('documents.readers.choiceOnly')}
        </label>
      </fieldset>
      {only && (
        <fieldset className="choices">
          <legend>{t('documents.readers.members')}</legend>
          <label className="choice">
            <input type="checkbox" checked disabled />
            {t('documents.readers.you', { name: mine === undefined ? t('documents.readers.yourself') : nameOf(mine) })}
          </label>
          {others.map((m) => (
            <label key={m.user.id} className="choice">
              <input
                type="checkbox"
                checked={chosen.includes(m.user.id)}
                onChange={(event) => toggle(m.user.id, event.target.checked)}
              />
              {t('documents.readers.member', { name: nameOf(m), role: t(`cases.roles.${m.role}`) })}
            </label>
          ))}
          {others.length === 0 && <p className="form__note">{t('documents.readers.noOthers')}</p>}
        </fieldset>
      )}
      <div className="form__actions">
        <button type="submit" className="button" disabled={mutation.isPending}>
          {mutation.isPending ? t('common.working') : t('documents.readers.save')}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
