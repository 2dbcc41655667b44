/**
 * The README's "Configuration" table, rendered from settings.ts (test/config/readme-table.test.ts
 * checks that the README holds exactly this). Print it with `node dist/src/config/doc.js`.
 */
import { pathToFileURL } from 'node:url';
import { isSwitch } from './index.js';
import { SETTINGS, TAAR_MODEL_VARIABLES, type Setting } from './settings.js';

const TAAR_DOC = "TAAR's location of one model object, used when no model location is given";
const code = (s: string | undefined) => (s === undefined ? '—' : `\`${s}\``);

export function configTable(): string {
  const rows = ['| variable | flag | values | default | what |', '|---|---|---|---|---|'];
  for (const s of Object.values(SETTINGS) as Setting<unknown>[]) {
    const flag = s.flag === undefined ? '—' : `\`--${s.flag}\``;
    const values = isSwitch(s) ? 'switch' : s.kind.describe;
    const shown = s.shown === '(unset)' ? '(unset)' : code(s.shown);
    rows.push(`| ${code(s.env)} | ${flag} | ${values} | ${shown} | ${s.doc} |`);
  }
  for (const name of TAAR_MODEL_VARIABLES) {
    rows.push(`| ${code(name)} | — | text | (unset) | ${TAAR_DOC} |`);
  }
  return rows.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.stdout.write(`${configTable()}\n`);
