/**
 * Memory of the bot over a 30-simulated-day run: `dnfarm run` in sim mode (the embedded simulator in the same
 * process, as `npm start`: the bundled CLI, with the start script's Node options), its clock moved ahead while the
 * loop sleeps, so that every jump wakes one check iteration and crosses funding settlements; positions open,
 * collect funding, rotate and close as the strategy decides. RSS is read from /proc after every iteration.
 *
 * Figures: RSS after the first iteration ("at start"), RSS at the end of the run, and the growth from simulated
 * day 1 (steady state: startup allocations done) to the last day, as the median of each day's eight samples.
 */

import { BotProcess } from '../lib/bot-process.ts';
import { atMost, type FigureResult, notMeasured, round } from '../lib/figure.ts';
import { progress } from '../lib/progress.ts';
import { median } from '../lib/stats.ts';

const DAY_MS = 86_400_000;
const DAYS = 30;
/** One loop wake per jump: 240 iterations and every funding settlement over 30 days. */
const JUMP_MS = 3 * 3_600_000;
/** Wall-clock budget of the run inside the benchmark's 10 minutes. */
const BUDGET_MS = 5 * 60_000;
const RSS_TARGET_MIB = 150;
const GROWTH_TARGET_PCT = 10;

export async function measureRss(): Promise<FigureResult[]> {
  progress(
    `rss: dnfarm run (sim mode, embedded simulator) for ${DAYS} simulated days, ${JUMP_MS / 3_600_000} h per jump`,
  );
  const bot = await BotProcess.start({ logging: { level: 'warn' } });
  try {
    await bot.idle(120_000);
    const startRss = bot.rssMiB();
    const samples: { simulatedMs: number; rss: number }[] = [];
    const wallStart = Date.now();
    let lastReport = 0;
    let simulatedMs = 0;
    while (simulatedMs < DAYS * DAY_MS && Date.now() - wallStart < BUDGET_MS) {
      const before = bot.count('iteration_started');
      await bot.advanceClock(JUMP_MS);
      simulatedMs += JUMP_MS;
      await bot.until(() => bot.count('iteration_started') > before, 'the woken iteration', 60_000);
      await bot.idle(120_000);
      samples.push({ simulatedMs, rss: bot.rssMiB() });
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        progress(`rss: day ${round(simulatedMs / DAY_MS, 1)}/${DAYS}, ${round(bot.rssMiB(), 1)} MiB`);
      }
    }
    const days = simulatedMs / DAY_MS;
    const opens = bot.count('open_completed');
    const closes = bot.count('close_completed');
    const fundings = bot.count('funding_received');
    // Day 1 is simulated hours [24, 48): the start-up allocations are done. The last day is the run's last 24
    // simulated hours, eight samples (bucketing by whole days would leave the final day a single sample).
    const day1 = samples.filter((s) => Math.floor(s.simulatedMs / DAY_MS) === 1).map((s) => s.rss);
    const last = samples.filter((s) => s.simulatedMs > simulatedMs - DAY_MS).map((s) => s.rss);
    const lastDay = Math.ceil(simulatedMs / DAY_MS);
    const endRss = samples.at(-1)?.rss ?? startRss;
    const peak = Math.max(startRss, ...samples.map((s) => s.rss));
    const options = bot.nodeOptions.length === 0 ? 'no Node options' : `node ${bot.nodeOptions.join(' ')}`;
    const run = `${round(days, 1)} simulated days in ${round((Date.now() - wallStart) / 1000, 0)} s: ${samples.length} iterations, ${opens} opens, ${closes} closes, ${fundings} funding payments; peak ${round(peak, 1)} MiB; ${options} (as npm start)`;
    const results: FigureResult[] = [
      atMost('RSS at start (after the first iteration)', round(startRss, 1), RSS_TARGET_MIB, 'MiB'),
      atMost(`RSS after ${round(days, 1)} simulated days`, round(endRss, 1), RSS_TARGET_MIB, 'MiB', run),
    ];
    if (days < DAYS) {
      results.push(
        notMeasured(
          'RSS growth, day 1 → day 30',
          '%',
          `≤ ${GROWTH_TARGET_PCT}`,
          `the run reached only ${round(days, 1)} simulated days within ${BUDGET_MS / 60_000} min`,
        ),
      );
    } else if (day1.length === 0 || last.length === 0) {
      results.push(
        notMeasured('RSS growth, day 1 → day 30', '%', `≤ ${GROWTH_TARGET_PCT}`, 'no samples on day 1 or day 30'),
      );
    } else {
      const growth = ((median(last) - median(day1)) / median(day1)) * 100;
      results.push(
        atMost(
          `RSS growth, day 1 → day ${lastDay}`,
          round(growth, 1),
          GROWTH_TARGET_PCT,
          '%',
          `median ${round(median(day1), 1)} MiB on day 1, ${round(median(last), 1)} MiB on day ${lastDay}`,
        ),
      );
    }
    return results;
  } finally {
    await bot.stop();
  }
}
