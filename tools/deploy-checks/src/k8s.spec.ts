import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { WORKSPACE_ROOT, configProblems, deployableApps, type AppInfo } from './app-catalog.util';
import { readYamlObjects, render, type K8sObject } from './kustomize.util';

const K8S = join(WORKSPACE_ROOT, 'deploy', 'k8s');
const TARGETS = [
  { label: 'base', path: join(K8S, 'base') },
  { label: 'overlay dev', path: join(K8S, 'overlays', 'dev') },
  { label: 'overlay prod', path: join(K8S, 'overlays', 'prod') },
];
/** Values the Secret template leaves empty, filled with valid examples to check the apps accept the whole set. */
const EXAMPLE_SECRETS: Record<string, string> = {
  DB_PASSWORD: 'example-password',
  RABBITMQ_URL: 'amqp://wxop:example@rabbitmq:5672',
  TOKEN_API_KEYS: 'example-token-api-key-0123456789',
  SECRETS_KEYS: 'k1:d3hvcC1kZW1vLWtleS1ub3QtZm9yLXByb2R1Y3Rpb24=',
  SECRETS_CURRENT_KEY_ID: 'k1',
  ADMIN_API_JWT_SECRET: 'example-admin-api-jwt-key-0123456789abcdef',
};

interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string; optional?: boolean } }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    runAsNonRoot?: boolean;
  };
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  terminationGracePeriodSeconds?: number;
}
interface Workload extends K8sObject {
  spec: {
    replicas?: number;
    selector?: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: PodSpec;
    };
  };
}

type Model = new (data: K8sObject) => { validate(): void };

/** The kubernetes-models class of an object: `apps/v1` Deployment → kubernetes-models/apps/v1. */
function modelOf(object: K8sObject): Model {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const module = require(
    group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`,
  ) as Record<string, Model>;
  const model = module[object.kind];
  if (!model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  return model;
}

function find<T extends K8sObject>(objects: K8sObject[], kind: string, name: string): T {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found as T;
}

/** The environment a container gets from its ConfigMaps, the Secret template (filled) and `env`. */
function containerEnv(
  objects: K8sObject[],
  container: Container,
  secrets: K8sObject[],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef)
      Object.assign(
        env,
        find<K8sObject & { data: Record<string, string> }>(objects, 'ConfigMap', source.configMapRef.name)
          .data,
      );
    if (source.secretRef) {
      const secret = secrets.find((candidate) => candidate.metadata.name === source.secretRef!.name) as
        (K8sObject & { stringData: Record<string, string> }) | undefined;
      if (!secret && !source.secretRef.optional)
        throw new Error(`Secret ${source.secretRef.name} is not in the template`);
      for (const key of Object.keys(secret?.stringData ?? {})) env[key] = EXAMPLE_SECRETS[key] ?? '';
    }
  }
  for (const variable of container.env ?? []) env[variable.name] = variable.value ?? '';
  return env;
}

describe('deploy/k8s', () => {
  const apps = deployableApps();
  const secrets = readYamlObjects(join(K8S, 'secrets.template.yaml'));
  const known = new Set(apps.flatMap((app) => [...app.variables]));

  it.each(TARGETS)('$label renders and every object validates against the Kubernetes schemas', ({ path }) => {
    const objects = render(path);
    expect(objects.length).toBeGreaterThan(10);
    for (const object of objects) {
      const Model = modelOf(object);
      expect(() => new Model(object).validate()).not.toThrow();
    }
    const names = objects.map((object) => `${object.kind}/${object.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);
  });

  it('the Secret template validates and commits no value', () => {
    for (const secret of secrets) {
      expect(() => new (modelOf(secret))(secret).validate()).not.toThrow();
      expect(
        Object.values((secret as K8sObject & { stringData: Record<string, string> }).stringData),
      ).toEqual(expect.arrayContaining(['']));
      for (const value of Object.values(
        (secret as K8sObject & { stringData: Record<string, string> }).stringData,
      ))
        expect(value).toBe('');
      expect(secret['data']).toBeUndefined();
    }
  });

  it('no file under deploy/k8s holds a Secret with a value', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? files(join(dir, entry.name))
          : entry.name.endsWith('.yaml')
            ? [join(dir, entry.name)]
            : [],
      );
    for (const file of files(K8S)) {
      for (const object of readYamlObjects(file).filter((candidate) => candidate.kind === 'Secret')) {
        expect(
          Object.values((object['stringData'] ?? {}) as Record<string, string>).every(
            (value) => value === '',
          ),
        ).toBe(true);
        expect(object['data']).toBeUndefined();
      }
    }
  });

  describe.each(TARGETS.filter((target) => target.label !== 'base'))('$label', ({ label, path }) => {
    const objects = render(path);
    const namespace = label === 'overlay dev' ? 'wxop-dev' : 'wxop';
    const deployed = apps.filter((app) => app.name !== 'wechat-sim' || label === 'overlay dev');

    it('puts everything in the overlay namespace', () => {
      for (const object of objects) expect(object.metadata.namespace).toBe(namespace);
    });

    it.each(deployed.map((app) => [app.name, app] as const))(
      '%s: image, port, probes, scrape annotations, limits, non-root and read-only root filesystem agree with the app',
      (name, app: AppInfo) => {
        const deployment = find<Workload>(objects, 'Deployment', name);
        const pod = deployment.spec.template.spec;
        const [container] = pod.containers;
        expect(pod.containers).toHaveLength(1);
        expect(container!.image).toMatch(new RegExp(`(^|/)wxop/${name}:[\\w.-]+$`));
        const env = containerEnv(objects, container!, secrets);
        expect({ name, problems: configProblems(app, env) }).toEqual({ name, problems: [] });
        // Shared ConfigMaps and Secrets hold variables of several apps; each must belong to one of them.
        for (const variable of Object.keys(env)) {
          expect({ name, variable, known: known.has(variable) }).toEqual({ name, variable, known: true });
        }
        // Pods leave migrations to the wxop-migrations Job.
        if (app.usesDatabase)
          expect({ name, migrationsRun: env['DB_MIGRATIONS_RUN'] }).toEqual({ name, migrationsRun: 'false' });
        const port = Number(env[app.portVariable] ?? app.defaultPort);
        expect(port).toBe(app.defaultPort);
        expect(env[app.hostVariable]).toBe('0.0.0.0');
        expect(container!.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
        expect(container!.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
        expect(container!.startupProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
        expect(container!.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
        expect(container!.resources?.requests).toEqual({
          cpu: expect.any(String),
          memory: expect.any(String),
        });
        expect(container!.resources?.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container!.securityContext).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
        });
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(10);
        expect(deployment.spec.template.metadata.annotations).toEqual({
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': String(port),
          'prometheus.io/path': '/metrics',
        });
        const service = find<
          K8sObject & {
            spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] };
          }
        >(objects, 'Service', name);
        expect(service.spec.selector).toEqual(deployment.spec.selector!.matchLabels);
        expect(service.spec.ports).toEqual([expect.objectContaining({ port, targetPort: 'http' })]);
        for (const [key, value] of Object.entries(deployment.spec.selector!.matchLabels)) {
          expect(deployment.spec.template.metadata.labels[key]).toBe(value);
        }
      },
    );

    it('scales ingress and token with an autoscaler (and leaves their replica count to it), every app with a disruption budget', () => {
      for (const name of ['ingress', 'token']) {
        const hpa = find<
          K8sObject & {
            spec: {
              scaleTargetRef: { kind: string; name: string };
              minReplicas: number;
              maxReplicas: number;
            };
          }
        >(objects, 'HorizontalPodAutoscaler', name);
        expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name });
        expect(hpa.spec.maxReplicas).toBeGreaterThanOrEqual(hpa.spec.minReplicas);
        expect(find<Workload>(objects, 'Deployment', name).spec.replicas).toBeUndefined();
      }
      for (const app of deployed.filter((candidate) => candidate.name !== 'wechat-sim')) {
        const pdb = find<K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } }>(
          objects,
          'PodDisruptionBudget',
          app.name,
        );
        expect(pdb.spec.selector.matchLabels).toEqual(
          find<Workload>(objects, 'Deployment', app.name).spec.selector!.matchLabels,
        );
      }
    });

    it('runs the migrations image with the configuration of every app it migrates', () => {
      const job = find<Workload>(objects, 'Job', 'wxop-migrations');
      const [container] = job.spec.template.spec.containers;
      expect(container!.image).toMatch(/(^|\/)wxop\/migrations:[\w.-]+$/);
      expect(container!.securityContext).toMatchObject({ readOnlyRootFilesystem: true });
      const env = containerEnv(objects, container!, secrets);
      for (const app of apps.filter((candidate) => candidate.usesDatabase)) {
        expect({ app: app.name, problems: configProblems(app, env) }).toEqual({
          app: app.name,
          problems: [],
        });
      }
    });

    it('lets anyone reach ingress and the authorization pages, and only token clients reach the token API', () => {
      const policies = objects.filter((object) => object.kind === 'NetworkPolicy') as (K8sObject & {
        spec: { podSelector: { matchLabels?: Record<string, string> }; ingress?: { from?: unknown[] }[] };
      })[];
      const denyAll = policies.find(
        (policy) => Object.keys(policy.spec.podSelector).length === 0 && !policy.spec.ingress,
      );
      expect(denyAll).toBeDefined();
      const rulesFor = (name: string) =>
        policies
          .filter((policy) => policy.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === name)
          .flatMap((policy) => policy.spec.ingress ?? []);
      expect(rulesFor('ingress').some((rule) => !rule.from)).toBe(true);
      expect(rulesFor('authorizer').some((rule) => !rule.from)).toBe(true);
      expect(rulesFor('token').length).toBeGreaterThan(0);
      expect(rulesFor('token').every((rule) => Array.isArray(rule.from) && rule.from.length > 0)).toBe(true);
    });
  });
});
