import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Document } from '../../../contract/documents.ts';
import { problemCode } from '../../api/client.ts';
import { caseDocumentsQuery } from '../cases/cases-api.ts';
import { DocumentUploadForm } from './DocumentUploadForm.tsx';
import { documentQuery, uploadVersion } from './documents-api.ts';

/**
 * The next version of a document, uploaded over the version the page shows: if someone else changed the document
 * meanwhile, the server refuses it (409), the page reloads the document and says so, and the chosen file stays to
 * be sent again over what is now there.
 */
export function NewVersionForm({ document, onUploaded }: { document: Document; onUploaded: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const key = documentQuery(document.id).queryKey;
  return (
    <DocumentUploadForm
      id="new-version"
      heading={t('documents.newVersion.heading')}
      intro={t('documents.newVersion.intro')}
      fileLabel={t('documents.newVersion.file')}
      submitLabel={t('documents.newVersion.submit')}
      send={async (file, strip) => {
        const stored = await uploadVersion(document.id, document.version, file, strip);
        // The answer is the document as it now is: no need to read it (an audited read) again.
        client.setQueryData(key, stored);
        if (stored.ownerType === 'case')
          void client.invalidateQueries({ queryKey: caseDocumentsQuery(stored.ownerId).queryKey });
        onUploaded();
        return stored;
      }}
      uploaded={(stored) => t('documents.newVersion.uploaded', { version: stored.current.version })}
      explain={(error) => (problemCode(error) === 'stale_version' ? t('documents.newVersion.stale') : undefined)}
      onFailed={(error) => {
        if (problemCode(error) === 'stale_version') void client.invalidateQueries({ queryKey: key });
      }}
    />
  );
}
