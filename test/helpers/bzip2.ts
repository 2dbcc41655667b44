/** Whether the system bzip2 tool exists (not required by any test; informational). */
import { spawnSync } from 'node:child_process';
export const bzip2Available = spawnSync('bzip2', ['--help']).status !== null;
