/** Variables every target gets; the operator's per-target values are added beside them. */
export interface TargetTemplateVariables {
  authorizerAppid: string;
  bizRef: string | null;
  nickName: string | null;
  values?: Readonly<Record<string, string>>;
}

/** A placeholder whose variable no target value supplies. */
export class ExtJsonTemplateError extends Error {
  constructor(readonly missing: string[]) {
    super(`ext_json template uses variables without a value: ${missing.join(', ')}`);
    this.name = 'ExtJsonTemplateError';
  }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;

/** Names of the `{{variable}}` placeholders used anywhere in the template (keys and values). */
export function templateVariables(template: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(PLACEHOLDER)) found.add(match[1] as string);
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        visit(key);
        visit(child);
      }
    }
  };
  visit(template);
  return [...found].sort();
}

function lookup(variables: TargetTemplateVariables, name: string): string | undefined {
  if (name === 'authorizerAppid') return variables.authorizerAppid;
  // An operator's value stands in for an authorizer without one (`values: { [appid]: { nickName } }`).
  if (name === 'bizRef') return variables.bizRef ?? variables.values?.['bizRef'];
  if (name === 'nickName') return variables.nickName ?? variables.values?.['nickName'];
  const key = name.startsWith('values.') ? name.slice('values.'.length) : name;
  return variables.values?.[key];
}

/**
 * The template's variables that some targets have no value for, each with how many targets and the
 * first few of them: a campaign is refused at creation for these, rather than every such target
 * failing at its commit.
 */
export function variablesWithoutValue(
  template: unknown,
  targets: readonly TargetTemplateVariables[],
): { name: string; targets: number; examples: string[] }[] {
  const names = templateVariables(template);
  if (names.length === 0) return [];
  const missing = new Map<string, string[]>();
  for (const target of targets)
    for (const name of names)
      if (lookup(target, name) === undefined) {
        const list = missing.get(name) ?? [];
        list.push(target.authorizerAppid);
        missing.set(name, list);
      }
  return names
    .filter((name) => missing.has(name))
    .map((name) => {
      const appids = missing.get(name)!;
      return { name, targets: appids.length, examples: appids.slice(0, 3) };
    });
}

/**
 * Renders the campaign's ext_json template for one target (the client sends it to `wxa/commit` as
 * the JSON string WeChat expects). Placeholders are replaced inside strings only, so a value can never
 * change the JSON's structure; `extAppid` is always the target's appid, whatever the template says.
 */
export function renderExtJson(
  template: Readonly<Record<string, unknown>>,
  variables: TargetTemplateVariables,
): Record<string, unknown> {
  const missing = templateVariables(template).filter((name) => lookup(variables, name) === undefined);
  if (missing.length > 0) throw new ExtJsonTemplateError(missing);

  const substitute = (text: string): string =>
    text.replace(PLACEHOLDER, (_whole, name: string) => lookup(variables, name) as string);
  const render = (value: unknown): unknown => {
    if (typeof value === 'string') return substitute(value);
    if (Array.isArray(value)) return value.map(render);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, child]) => [substitute(key), render(child)]),
      );
    }
    return value;
  };
  const rendered = render(template) as Record<string, unknown>;
  return {
    ...rendered,
    extEnable: rendered['extEnable'] ?? true,
    extAppid: variables.authorizerAppid,
  };
}
