import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { parseAllDocuments } from 'yaml';

/**
 * A Kubernetes object as read from YAML. The checks render kustomizations themselves because no
 * kustomize binary is available here: `render` implements exactly the kustomization fields this
 * repository uses and refuses any other, so a new field cannot be silently ignored. (Cross-checked
 * by hand against `kubectl kustomize`; see deploy/README.md.)
 */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches']);
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
]);

interface Kustomization {
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { path: string }[];
}

export function readYamlObjects(file: string): K8sObject[] {
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  return documents
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]!.message}`);
      return document.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Strategic merge as kustomize applies it to these objects: maps merge, lists of named items merge by name. */
function merge(target: Json, patch: Json): Json {
  if (Array.isArray(target) && Array.isArray(patch)) {
    const named = (items: Json[]) =>
      items.every(
        (item) => typeof item === 'object' && item !== null && !Array.isArray(item) && 'name' in item,
      );
    if (!named(target) || !named(patch)) return patch;
    const result = [...target];
    for (const item of patch as { [key: string]: Json }[]) {
      const index = result.findIndex((existing) => (existing as { name: Json }).name === item['name']);
      if (index >= 0) result[index] = merge(result[index]!, item);
      else result.push(item);
    }
    return result;
  }
  if (
    typeof target === 'object' &&
    target !== null &&
    !Array.isArray(target) &&
    typeof patch === 'object' &&
    patch !== null &&
    !Array.isArray(patch)
  ) {
    const result: { [key: string]: Json } = { ...target };
    for (const [key, value] of Object.entries(patch)) {
      result[key] = key in result && value !== null ? merge(result[key]!, value) : value;
    }
    return result;
  }
  return patch;
}

function containersOf(object: K8sObject): { image?: string }[] {
  const spec = object['spec'] as
    | { template?: { spec?: { containers?: { image?: string }[]; initContainers?: { image?: string }[] } } }
    | undefined;
  const pod = spec?.template?.spec;
  return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])];
}

/** Renders a kustomization directory (or reads a plain YAML file) into its objects. */
export function render(path: string): K8sObject[] {
  if (!statSync(path).isDirectory()) return readYamlObjects(path);
  const file = join(path, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${path}: no kustomization.yaml`);
  const [kustomization] = readYamlObjects(file) as unknown as (Kustomization & Record<string, unknown>)[];
  for (const field of Object.keys(kustomization!)) {
    if (!SUPPORTED_FIELDS.has(field))
      throw new Error(`${file}: field "${field}" is not supported by the checks' renderer`);
  }
  let objects = (kustomization!.resources ?? []).flatMap((resource) => render(join(path, resource)));
  for (const { path: patchPath } of kustomization!.patches ?? []) {
    for (const patch of readYamlObjects(join(path, patchPath))) {
      const index = objects.findIndex(
        (object) =>
          object.kind === patch.kind &&
          object.metadata.name === patch.metadata.name &&
          object.apiVersion === patch.apiVersion,
      );
      if (index < 0)
        throw new Error(`${join(path, patchPath)}: no ${patch.kind} ${patch.metadata.name} to patch`);
      objects = objects.map((object, at) =>
        at === index
          ? (merge(object as unknown as Json, patch as unknown as Json) as unknown as K8sObject)
          : object,
      );
    }
  }
  for (const image of kustomization!.images ?? []) {
    for (const container of objects.flatMap(containersOf)) {
      const [name, tag] = (container.image ?? '').split(':');
      if (name !== image.name) continue;
      container.image = `${image.newName ?? name}${(image.newTag ?? tag) ? `:${image.newTag ?? tag}` : ''}`;
    }
  }
  if (kustomization!.namespace) {
    for (const object of objects)
      if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = kustomization!.namespace;
  }
  return objects;
}

export function overlayDirectories(root: string): string[] {
  const overlays = join(root, 'overlays');
  return ['dev', 'prod'].map((name) => join(overlays, name)).filter((directory) => existsSync(directory));
}
