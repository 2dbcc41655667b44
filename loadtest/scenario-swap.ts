/**
 * swap: recommendations while the model folder's `current` link is flipped between two versions and
 * the server is sent SIGHUP (re-check the folder) every `plan.flipEveryMs`. Every answer must be a
 * 2xx and the answers' `model_version` must change: a hot swap loses no request.
 */
import type { RunContext } from './context.js';
import { swapFolder } from './datasets.js';
import type { RoundResult } from './fire.js';
import { recommendPaths } from './paths.js';
import type { ScenarioResult } from './results.js';
import { startRecscore } from './servers.js';

export async function runSwap(ctx: RunContext): Promise<ScenarioResult> {
  const folder = await swapFolder(ctx.demo.models);
  ctx.log('starting recscore swap (models: a symlink flipped between two copies)');
  const server = await startRecscore({ name: 'recscore swap', models: folder.link, profiles: ctx.demo.profiles });
  let flips = 0;
  let flipErrors = 0;
  // Flips only while a measured round runs, so every round sees swaps.
  const around = async (run: () => Promise<RoundResult>): Promise<RoundResult> => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      folder
        .flip()
        .then(() => {
          process.kill(server.pid, 'SIGHUP');
          flips++;
        })
        .catch(() => flipErrors++)
        .finally(() => (busy = false));
    }, ctx.plan.flipEveryMs);
    try {
      return await run();
    } finally {
      clearInterval(timer);
    }
  };
  try {
    const r = await ctx.measureOn(server, ctx.demo, {
      name: 'swap',
      title: `recommendations while the model is hot-swapped every ${ctx.plan.flipEveryMs} ms`,
      good: ['*'],
      target: { connections: ctx.plan.connections, nextPath: recommendPaths(ctx.demo, 7), around },
    });
    r.extra.flips = flips;
    if (flipErrors > 0) r.notes.push(`${flipErrors} symlink flips failed`);
    return r;
  } finally {
    await server.stop();
  }
}
