import { writeFileSync } from 'node:fs';
import { modelJsonSchema, modelReference } from '../src/contract/models/reference.ts';

/** Writes the model format's reference from its schema (src/contract/models/reference.ts). */
writeFileSync(
  new URL('../models/model.schema.json', import.meta.url),
  `${JSON.stringify(modelJsonSchema(), null, 2)}\n`,
);
writeFileSync(new URL('../docs/models-reference.md', import.meta.url), `${modelReference()}\n`);
