import type { StripResidual } from '../../../contract/documents.ts';

/**
 * What stripping found but did not remove: identifying data that is part of the content, or that
 * no maintained library here can take out. The codes and what each means are listed with
 * STRIP_RESIDUALS in the contract; the version records them and the document page shows them (for
 * an anonymous report, the intake issue decides: tell the reporter before sending, or refuse).
 */
export type Residual = StripResidual;
