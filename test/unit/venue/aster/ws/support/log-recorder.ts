import type { StreamLogger } from '../../../../../../src/venue/aster/ws/logger.ts';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** A logger that keeps every line, to check what reached the log (and what must not). */
export function recordingLogger(): { logger: StreamLogger; lines: LogLine[]; text: () => string } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (fields: Record<string, unknown>, message: string): void => {
      lines.push({ level, fields, message });
    };
  return {
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    lines,
    text: () => lines.map((line) => `${line.message} ${JSON.stringify(line.fields)}`).join('\n'),
  };
}
