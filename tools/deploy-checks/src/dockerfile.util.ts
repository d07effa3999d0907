import { readWorkspaceFile } from './app-catalog.util';

export interface DockerStage {
  name: string;
  from: string;
  /** Instructions in order, continuation lines joined, comments dropped. */
  instructions: { keyword: string; args: string }[];
}

/** Splits the Dockerfile into stages (enough of the syntax for this repository's file). */
export function parseDockerfile(path = 'Dockerfile'): DockerStage[] {
  const lines = readWorkspaceFile(path)
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
  const stages: DockerStage[] = [];
  for (const line of lines) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const [, from = '', name = ''] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ name, from, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1]!.instructions.push({ keyword: upper, args });
    }
  }
  return stages;
}

/** The value of an instruction in a stage or, failing that, in the stages it is built FROM. */
export function effective(stages: DockerStage[], stageName: string, keyword: string): string | undefined {
  const stage = stages.find((candidate) => candidate.name === stageName);
  if (!stage) return undefined;
  const own = stage.instructions.filter((instruction) => instruction.keyword === keyword).pop();
  return own ? own.args : effective(stages, stage.from, keyword);
}

/** ENV of a stage and its parents (`ENV A=1 B=2` form). */
export function stageEnv(stages: DockerStage[], stageName: string): Record<string, string> {
  const stage = stages.find((candidate) => candidate.name === stageName);
  if (!stage) return {};
  const env = stageEnv(stages, stage.from);
  for (const instruction of stage.instructions.filter((candidate) => candidate.keyword === 'ENV')) {
    for (const [, key, value] of instruction.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S*)/g))
      env[key!] = value!;
  }
  return env;
}

/** `CMD ["node", "main.cjs"]` → ['node', 'main.cjs'] (exec form only, as a signal-safe CMD must be). */
export function execForm(args: string): string[] {
  const json = args.replace(/^CMD\s+/i, '');
  const parsed = JSON.parse(json) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    throw new Error(`not an exec-form command: ${args}`);
  }
  return parsed as string[];
}
