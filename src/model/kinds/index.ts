/**
 * The model kinds this build knows, by name (src/model/kind.ts says what a kind provides). The loader
 * thread finds its kind here from the name it is sent; higher layers key their per-kind parts by the
 * same names (src/dispatch/kinds.ts).
 */
import { RecscoreError } from '../../errors.js';
import type { ModelKind } from '../kind.js';
import { sarKind } from './sar/kind.js';
import { taarKind } from './taar/kind.js';

export const modelKinds: Readonly<Record<string, ModelKind>> = Object.freeze({
  [taarKind.name]: taarKind,
  [sarKind.name]: sarKind,
});

export function modelKind(name: string): ModelKind {
  const kind = Object.hasOwn(modelKinds, name) ? modelKinds[name] : undefined;
  if (kind) return kind;
  const known = Object.keys(modelKinds).join(', ');
  throw new RecscoreError('RECSCORE_INTERNAL', `unknown model kind ${JSON.stringify(name)}; known: ${known}`);
}
