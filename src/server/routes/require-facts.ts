import { RecscoreError } from '../../errors.js';
import type { ModelFacts } from '../../recommend/contracts.js';

/** The model version in service, or 503 RECSCORE_NO_MODEL before the first load. */
export function requireFacts(facts: () => ModelFacts | undefined): ModelFacts {
  const f = facts();
  if (!f) throw new RecscoreError('RECSCORE_NO_MODEL', 'no model is loaded yet');
  return f;
}
