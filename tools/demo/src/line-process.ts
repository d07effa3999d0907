import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

import { FatalError } from './tour';

/** A JSON object one of the examples printed on a line of its standard output. */
export type Line = Record<string, unknown>;

/** Parses one output line: the object when it is a JSON object, else undefined (a person's line). */
export function parseLine(text: string): Line | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Line) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An example started as its README starts it, whose JSON lines are collected: the examples report
 * what they handled on standard output, one JSON object per line, and the demo reads them.
 */
export class LineProcess {
  /** The JSON lines of its standard output: what it handled. */
  readonly lines: Line[] = [];
  /** The JSON lines of its standard error: its log (e.g. `{"msg":"listening",…}`). */
  readonly logs: Line[] = [];
  private readonly text: string[] = [];
  private exited: number | null | undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.text.push(line);
        if (this.text.length > 500) this.text.shift();
        const parsed = parseLine(line);
        if (parsed) (stream === child.stdout ? this.lines : this.logs).push(parsed);
      });
    }
    child.on('exit', (code) => (this.exited = code));
  }

  /**
   * Starts it with `env` and nothing of the demo's own environment but PATH and HOME: an example
   * is a third party's code (no wxop secrets from .env), and a stray variable of the user's (HOST,
   * SUBSCRIBER_BINDINGS, …) must not change what the demo shows.
   */
  static start(name: string, command: string, args: string[], env: Record<string, string>, cwd: string) {
    const inherited: Record<string, string> = {};
    for (const key of ['PATH', 'HOME', 'LANG', 'TZ'])
      if (process.env[key]) inherited[key] = process.env[key]!;
    const child = spawn(command, args, {
      cwd,
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new LineProcess(name, child);
  }

  /** Whether it said it is listening (on either stream: the subscribers log it, the receiver prints it). */
  listening(): boolean {
    return [...this.lines, ...this.logs].some((line) => line['msg'] === 'listening');
  }

  /** The lines matching `predicate`. */
  where(predicate: (line: Line) => boolean): Line[] {
    return this.lines.filter(predicate);
  }

  /** Everything it printed lately (for an error message). */
  tail(lines = 20): string {
    return this.text.slice(-lines).join('\n');
  }

  /** Throws when the process has ended (it should run until the demo stops it). */
  assertRunning(): void {
    if (this.exited !== undefined)
      throw new FatalError(`${this.name} exited (code ${this.exited}):\n${this.tail()}`);
  }

  /** SIGTERM, then SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (this.exited !== undefined || this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
