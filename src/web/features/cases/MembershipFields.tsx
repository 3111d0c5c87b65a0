import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { CaseSection } from '../../../contract/cases.ts';
import { TextField } from '../../ui/TextField.tsx';
import { endIsValid, endOfDay } from './member-dates.ts';
import { type Scope, ScopeFields } from './ScopeFields.tsx';

/** What granting and changing a membership both choose: the scope and the last day. */
export interface Membership {
  readonly scope: Scope;
  /** A date input's value; '' for no end. */
  readonly until: string;
}

export interface MembershipProblems {
  readonly scope?: string;
  readonly until?: string;
}

/**
 * The problems of a membership before asking the server (which checks the same): a scope names a
 * section, an expert's membership ends, an end lies ahead. Without problems, the API's fields.
 */
export function checkMembership(
  t: TFunction,
  membership: Membership,
  expert: boolean,
): {
  problems: MembershipProblems;
  fields?: { fullScope: boolean; sections: CaseSection[]; expiresAt: string | null };
} {
  const { scope } = membership;
  const end = endOfDay(membership.until);
  const problems = {
    ...(!scope.full && scope.sections.length === 0 ? { scope: t('cases.members.chooseSection') } : {}),
    ...(expert && end === null ? { until: t('cases.members.expertEnds') } : {}),
    ...(endIsValid(end) ? {} : { until: t('cases.members.untilPast') }),
  };
  if (Object.keys(problems).length > 0) return { problems };
  return {
    problems,
    fields: {
      fullScope: scope.full,
      sections: scope.full ? [] : [...scope.sections],
      expiresAt: end === null ? null : end.toISOString(),
    },
  };
}

/** The scope (whole case or sections) and the end date of a membership. */
export function MembershipFields({
  id,
  value,
  onChange,
  expert,
  problems,
}: {
  id: string;
  value: Membership;
  onChange: (value: Membership) => void;
  expert: boolean;
  problems: MembershipProblems;
}) {
  const { t } = useTranslation();
  return (
    <>
      <ScopeFields
        id={`${id}-scope`}
        scope={value.scope}
        onChange={(scope) => onChange({ ...value, scope })}
        error={problems.scope}
      />
      <TextField
        id={`${id}-until`}
        type="date"
        label={t('cases.members.until')}
        hint={t(expert ? 'cases.members.untilExpertHint' : 'cases.members.untilHint')}
        value={value.until}
        onChange={(until) => onChange({ ...value, until })}
        error={problems.until}
      />
    </>
  );
}
