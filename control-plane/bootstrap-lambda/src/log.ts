/** The logging surface the bootstrap needs; Powertools' Logger provides it. */
interface Log {
  debug(message: string, ...attributes: Record<string, unknown>[]): void;
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

type LogLevelName = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT';
const LEVELS = new Set<string>(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT']);

/** A typo in LOG_LEVEL must not break the function: unknown values fall back to INFO. */
function logLevelFromEnv(value: string | undefined): LogLevelName {
  const upper = (value ?? '').trim().toUpperCase();
  if (upper === 'WARNING') return 'WARN';
  return LEVELS.has(upper) ? (upper as LogLevelName) : 'INFO';
}

export { type Log, type LogLevelName, logLevelFromEnv };
