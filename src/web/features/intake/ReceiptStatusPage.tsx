import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReporterView } from '../../../contract/reports.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { Heading } from '../../ui/Heading.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { AddFileForm } from './AddFileForm.tsx';
import { attachByReceipt } from './attachments-api.ts';
import { openByReceipt, writeByReceipt } from './intake-api.ts';
import { ReceiptError } from './ReceiptError.tsx';
import { ReporterMessageForm } from './ReporterMessageForm.tsx';
import { ReporterReport } from './ReporterReport.tsx';

/**
 * The anonymous reporter's way back: the receipt opens the report's status, messages and files, and adds to
 * them. The code stays in this component's memory and goes in the body of each request, never into the URL,
 * history or storage; "Close" forgets it.
 */
export function ReceiptStatusPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('receiptStatus.title'));
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [opened, setOpened] = useState<{ receipt: string; view: ReporterView } | undefined>();
  const open = useMutation({
    mutationFn: (receipt: string) => openByReceipt(receipt).then((view) => ({ receipt, view })),
    onSuccess: (result) => {
      setOpened(result);
      setTyped('');
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const empty = typed.trim() === '';
    setProblem(empty ? t('validation.required') : undefined);
    if (!empty) open.mutate(typed);
  };
  const close = () => {
    setOpened(undefined);
    open.reset();
  };

  if (opened !== undefined) {
    return (
      <section className="page" aria-labelledby="receipt-status-heading">
        <Heading id="receipt-status-heading" focus>
          {t('receiptStatus.openedHeading', { reference: opened.view.reference })}
        </Heading>
        <div className="form__actions">
          <button
            type="button"
            className="button button--secondary"
            disabled={open.isPending}
            onClick={() => open.mutate(opened.receipt)}
          >
            {open.isPending ? t('common.loading') : t('receiptStatus.refresh')}
          </button>
          <button type="button" className="button button--secondary" onClick={close}>
            {t('receiptStatus.close')}
          </button>
        </div>
        {open.isError && <ReceiptError error={open.error} />}
        <ReporterReport
          view={opened.view}
          messageForm={
            <ReporterMessageForm
              id="receipt-message"
              send={(body) => writeByReceipt(opened.receipt, body)}
              onSent={(view) => setOpened({ receipt: opened.receipt, view })}
              errorMessages={{ receipt_unknown: t('receiptStatus.unknown') }}
            />
          }
          fileForm={
            <AddFileForm
              id="receipt-file"
              anonymous
              send={async (file) => {
                const view = await attachByReceipt(opened.receipt, file);
                setOpened({ receipt: opened.receipt, view });
              }}
            />
          }
        />
      </section>
    );
  }

  return (
    <section className="page page--narrow" aria-labelledby="receipt-status-heading">
      <Heading id="receipt-status-heading">{t('receiptStatus.heading')}</Heading>
      <p className="page__intro">{t('receiptStatus.intro')}</p>
      <form className="form card" onSubmit={submit} noValidate>
        {open.isError && <ReceiptError error={open.error} />}
        <TextField
          id="receipt-code"
          label={t('receiptStatus.code')}
          hint={t('receiptStatus.codeHint')}
          value={typed}
          onChange={setTyped}
          error={problem}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={64}
          className="field__input--code"
          required
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={open.isPending}>
            {open.isPending ? t('common.working') : t('receiptStatus.submit')}
          </button>
        </div>
      </form>
      <p>
        {t('receiptStatus.noCode')} <Link to="/report">{t('receiptStatus.newReport')}</Link>
      </p>
    </section>
  );
}
