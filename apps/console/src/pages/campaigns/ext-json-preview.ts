/**
 * The ext_json template as code-release renders it for one target
 * (apps/code-release/src/campaigns/ext-json-template.util.ts, mirrored here so the wizard's
 * preview shows exactly what the target's `wxa/commit` will get): `{{name}}` placeholders are
 * replaced inside strings only (keys and values, never the JSON's structure); `authorizerAppid`,
 * `bizRef` and `nickName` come from the target (an operator's value stands in for a missing
 * bizRef / nickName), every other name (or `values.name`) from the operator's per-target values;
 * `extEnable` defaults to true and `extAppid` is always the target's appid.
 */

/** Variables every target gets; the operator's per-target values are added beside them. */
export interface TargetTemplateVariables {
  authorizerAppid: string;
  bizRef: string | null;
  nickName: string | null;
  values?: Readonly<Record<string, string>>;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;

/** Names of the `{{variable}}` placeholders used anywhere in the template (keys and values), sorted. */
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
  if (name === 'bizRef') return variables.bizRef ?? variables.values?.['bizRef'];
  if (name === 'nickName') return variables.nickName ?? variables.values?.['nickName'];
  const key = name.startsWith('values.') ? name.slice('values.'.length) : name;
  return variables.values?.[key];
}

/** The template's variables this target has no value for (code-release fails such a target). */
export function missingVariables(template: unknown, variables: TargetTemplateVariables): string[] {
  return templateVariables(template).filter((name) => lookup(variables, name) === undefined);
}

export type ExtJsonRender = { ok: true; extJson: Record<string, unknown> } | { ok: false; missing: string[] };

/** The template rendered for one target, or the variables it lacks. */
export function renderExtJson(
  template: Readonly<Record<string, unknown>>,
  variables: TargetTemplateVariables,
): ExtJsonRender {
  const missing = missingVariables(template, variables);
  if (missing.length > 0) return { ok: false, missing };

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
    ok: true,
    extJson: { ...rendered, extEnable: rendered['extEnable'] ?? true, extAppid: variables.authorizerAppid },
  };
}

export type JsonObjectParse = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/** The text of a JSON object (the ext_json template); an array, a scalar or bad JSON is an error. */
export function parseJsonObject(text: string): JsonObjectParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, error: 'not a JSON object' };
  return { ok: true, value: value as Record<string, unknown> };
}

export type ValuesParse =
  { ok: true; value: Record<string, Record<string, string>> } | { ok: false; error: string };

/**
 * The operator's per-target values, `{ appid: { name: value } }` (CreateCampaignDto.values); empty
 * text is none. Every value must be a string, as code-release requires.
 */
export function parseTargetValues(text: string): ValuesParse {
  if (!text.trim()) return { ok: true, value: {} };
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  for (const [appid, values] of Object.entries(parsed.value)) {
    if (values === null || typeof values !== 'object' || Array.isArray(values))
      return { ok: false, error: `${appid}: not an object of names to values` };
    for (const [name, value] of Object.entries(values))
      if (typeof value !== 'string') return { ok: false, error: `${appid}.${name}: not a string` };
  }
  return { ok: true, value: parsed.value as Record<string, Record<string, string>> };
}

/**
 * For each variable some of these targets have no value for, the appids lacking it (code-release
 * refuses the campaign for these at creation, naming them).
 */
export function targetsMissing(
  template: unknown,
  targets: readonly TargetTemplateVariables[],
): { name: string; appids: string[] }[] {
  const names = templateVariables(template);
  return names
    .map((name) => ({
      name,
      appids: targets
        .filter((target) => lookup(target, name) === undefined)
        .map((target) => target.authorizerAppid),
    }))
    .filter((entry) => entry.appids.length > 0);
}
