/**
 * `runMonth`: the whole month, locally, end to end. Around `runSimulation` (the calls through the
 * bundled sampler), through its hooks and with the local stand-ins still running, one phase per
 * file:
 *
 *  - seeds.ts: the seed function commits the month's seed, the next month's, and reveals;
 *  - live-privacy.ts: during the calls, a few agents suspend and resume their live recording;
 *  - arrivals.ts: recording files arrive → ingest; deletions and redactions in both orders;
 *  - coaching.ts: a coaching plan, proposed by a coach and approved by the DPO;
 *  - listens.ts: after the reveal, the assignment, listens through playback, evaluations;
 *  - audit-export.ts: the audit export to DIR/audit/;
 *  - outputs.ts: verify, audit verify, DIR/month.json and the transparency reports.
 *
 * Which code runs: the sampler, assignment, playback and plans functions run as their esbuild
 * bundles (the deployed code, driven by environment and event). Seeds, ingest, recording actions,
 * privacy and audit export run their injected cores with the deps the handlers build: seeds needs
 * deterministic randomness; ingest and the recording actions need a versioned bucket; the export
 * writes to a directory target instead of the Object Lock bucket.
 *
 * Deterministic: same options → byte-identical decisions.jsonl, assignments.jsonl and month.json.
 * Wall-clock measurements go to `timings.json` only. A new step of the month is one more phase in
 * `AFTER_CALLS`.
 */
import { runSimulation } from '../run';
import { scheduleArrivals } from './arrivals';
import { exportAuditLog } from './audit-export';
import { scheduleCoaching } from './coaching';
import { assignListens, playListens } from './listens';
import { suspendLive } from './live-privacy';
import { closeMonth, type MonthPhase, openMonth, runPhases, runTimeline } from './month-run';
import { writeOutputs } from './outputs';
import { coachConnectState, planCoaches } from './people';
import { commitMonthSeed, revealSeed, scheduleNextSeed } from './seeds';
import type { MonthOptions, MonthResult } from './types';

export type { MonthOptions, MonthResult, MonthStats, PrivacyTiming } from './types';

/** After the calls, in this order: the phases that schedule events, the timeline, then the rest. */
export const AFTER_CALLS: readonly MonthPhase[] = [
  scheduleArrivals,
  scheduleNextSeed,
  scheduleCoaching,
  runTimeline,
  revealSeed,
  assignListens,
  playListens,
  exportAuditLog,
];

/** Runs the month; everything started is stopped, also on failure. */
export async function runMonth(options: MonthOptions): Promise<MonthResult> {
  const m = await openMonth(options);
  let callsStartedAt = performance.now();
  try {
    const simulation = await runSimulation({
      ...options,
      outDir: options.outDir,
      connectExtras: ({ teams }) => {
        m.coaches = planCoaches(options.seed, teams, options.coaches);
        return coachConnectState(m.coaches, teams);
      },
      hooks: {
        commitSeed: (stack, item) => commitMonthSeed(m, stack, item),
        beforeCalls: () => {
          // Bundles, stand-ins, tables, the seed and the sampler's cold start.
          m.lap('setup', m.startedAt);
          callsStartedAt = performance.now();
        },
        onDecided: (ctx, leg, answer) => suspendLive(m, ctx, leg, answer),
        afterCalls: (ctx) => {
          // The calls phase alone (every leg through the sampler), for legs per second.
          m.lap('calls', callsStartedAt);
          return runPhases(m, ctx, AFTER_CALLS);
        },
        ...(options.withLiveTables
          ? { beforeStop: (stack) => options.withLiveTables!(stack, { generatedAt: m.generatedAt }) }
          : {}),
      },
    });
    m.lap('total-simulation', m.startedAt);
    return await writeOutputs(m, simulation);
  } finally {
    await closeMonth(m);
  }
}
