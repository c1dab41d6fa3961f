/**
 * `dnfarm import-seed-state <volume_farming_state.json>`: adopts the original Python bot's state
 * (its open position, counters, realised PnL and portfolio baseline), then reconciles with the
 * exchange, which stays the source of truth: the imported position is `adopted` until the exchange
 * confirms it, and its quantities, entry and fees are replaced by measured ones.
 *
 * The file is validated completely before anything is written (a bad key is named with its value).
 * A store that already holds a position or a baseline is left alone unless `--force` is given.
 * The import needs the data dir's lock: stop a running bot first.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { bindStore } from '../../engine/binding.ts';
import { type EngineEventSink, fanOut } from '../../engine/events.ts';
import { createExecutor } from '../../engine/execution/index.ts';
import { engineSettingsFromConfig } from '../../engine/runtime.ts';
import { importSeedState, readSeedStateFile, type SeedImportSummary } from '../../store/index.ts';
import {
  addCommonOptions,
  type CommandIo,
  type CommonOptions,
  openVenue,
  processIo,
  runCommand,
  writeJson,
} from '../venue-context.ts';
import { bindingFor, consoleSink, DeferredClock, logSink, openWriterStore } from './run.ts';

export interface ImportOptions extends CommonOptions {
  readonly force?: boolean | undefined;
}

export function describeImport(summary: SeedImportSummary): string[] {
  const lines = [`Imported ${summary.source} (last written ${new Date(summary.stateLastUpdatedMs).toISOString()})`];
  const p = summary.position;
  if (p === null) lines.push('  no open position in the state');
  else {
    lines.push(
      `  position #${p.id}: ${p.symbol} at ${p.leverage}x, spot ${p.spotQtyNet.toFixed()}, perp ${p.perpQty.toFixed()}, ` +
        `entry ${p.perpAvgPrice?.toFixed() ?? 'unknown'}, notional ${p.notionalUsdt.toFixed(2)} USDT (status ${p.status})`,
    );
  }
  const c = summary.counters;
  lines.push(
    `  counters: ${c.completedCycles} cycles, ${c.positionsOpened} opened, ${c.positionsClosed} closed, ` +
      `realised ${c.realisedPnlUsdt.toFixed(4)} USDT`,
  );
  if (summary.baseline !== null) {
    lines.push(
      `  baseline: ${summary.baseline.valueUsdt.toFixed(2)} USDT since ${new Date(summary.baseline.timeMs).toISOString()}`,
    );
  }
  if (summary.supersededPosition !== null) {
    lines.push(`  replaced position #${summary.supersededPosition.id} (${summary.supersededPosition.symbol})`);
  }
  for (const warning of summary.warnings) lines.push(`  warning: ${warning}`);
  return lines;
}

export async function runImportSeedState(
  file: string,
  options: ImportOptions,
  io: CommandIo = processIo,
): Promise<void> {
  await runCommand('import-seed-state', options, io, async (setup) => {
    const { config, params, json, logger } = setup;
    const path = resolve(io.cwd(), file);
    // The whole file is validated before the store or the exchange is touched.
    const state = readSeedStateFile(path);
    const clock = new DeferredClock();
    const store = openWriterStore(setup, clock);
    try {
      const opened = await openVenue(setup, 'account');
      try {
        if (opened.simulator !== null) clock.set(opened.simulator.clock);
        bindStore(store, bindingFor(config, opened, setup.resolved.credentials));
        const summary = importSeedState(store, state, { force: options.force === true, source: path });
        if (!json) io.stdout.write(`${describeImport(summary).join('\n')}\n`);
        const ui: EngineEventSink = json ? () => {} : consoleSink(setup, io);
        const events = fanOut(ui, logSink(setup));
        const executor = createExecutor({
          venue: opened.venue,
          store,
          params,
          execution: engineSettingsFromConfig(config).execution,
          clock,
          events,
          logger: logger.child({ component: 'engine' }),
        });
        const report = await executor.reconcile('startup');
        const position = store.positions.active();
        if (json) {
          writeJson(io, {
            ok: true,
            command: 'import-seed-state',
            import: JSON.parse(JSON.stringify(summary)) as unknown,
            reconcile: report,
            position: position === null ? null : (JSON.parse(JSON.stringify(position)) as unknown),
          });
        } else {
          io.stdout.write(
            position === null
              ? 'After reconciling with the exchange: no open position.\n'
              : `After reconciling with the exchange: position #${position.id} ${position.symbol} is ${position.status}.\n`,
          );
          if (report.blocking) {
            io.stdout.write('Something is still unresolved; `dnfarm run` resolves it before opening anything.\n');
          }
        }
      } finally {
        await opened.close();
      }
    } finally {
      store.close();
    }
  });
}

export function registerImportSeedStateCommand(program: Command, io: CommandIo = processIo): Command {
  const command = program
    .command('import-seed-state')
    .description("adopt the original Python bot's volume_farming_state.json, then reconcile with the exchange")
    .argument('<file>', 'the state file, e.g. volume_farming_state.json')
    .option('--force', 'replace a position or baseline the store already holds');
  addCommonOptions(command);
  command.addHelpText(
    'after',
    [
      '',
      'Example:',
      '  dnfarm import-seed-state ./volume_farming_state.json --mode live',
      '',
      'The exchange stays the source of truth: the imported position is confirmed (or corrected) against it.',
      'Stop a running bot first: the import needs the data dir to itself.',
    ].join('\n'),
  );
  return command.action(async (file: string, opts: ImportOptions) => {
    await runImportSeedState(file, opts, io);
  });
}
