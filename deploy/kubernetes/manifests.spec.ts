import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
/* eslint-disable @nx/enforce-module-boundaries --
   deploy/ belongs to no Nx project of its own. It reads the queue's name from its contract (a types-only file)
   and the workers' readiness check time limit from libs/workers,
   and uses the repository's one validator for generated Kubernetes objects (test tooling of infra/). */
import { PROVISIONING_QUEUE } from '../../libs/deployments/src/jobs/provisioning.jobs';
import { SchemaValidator, repositoryRoot } from '../../infra/platform/testing/schema-validator';
import { READINESS_CHECK_TIMEOUT_MS } from '../../libs/workers/src/worker-endpoints';
/* eslint-enable @nx/enforce-module-boundaries */

/**
 * Renders each overlay of deploy/kubernetes with `kubectl kustomize`, checks every object against the real
 * Kubernetes, KEDA and Prometheus-operator schemas in ../shared/schemas (infra/platform/testing/schema-validator),
 * then checks what those schemas cannot: that selectors select, references resolve, every path a process writes
 * is writable, every pod is locked down, and the policies an operator relies on (PDBs, probes, network policies,
 * autoscalers that own their replica count) hold in every overlay.
 */

const KUSTOMIZE_ROOT = join(repositoryRoot(__dirname), 'deploy', 'kubernetes');
const README = readFileSync(join(KUSTOMIZE_ROOT, 'README.md'), 'utf8');

/** What the operator creates (README "Running in production"); the repository never holds their values. */
const OPERATOR_SECRETS = [
  'streamplane-secrets',
  'streamplane-pulumi',
  'streamplane-cloud',
  'streamplane-redis',
];
const OPERATOR_CONFIGMAPS = ['streamplane-site'];

const RECOMMENDED_LABELS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
  'app.kubernetes.io/component',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
];

/** Variables naming directories a process writes to: each must be on a writable volume (the root is not). */
const WRITTEN_DIRECTORIES = ['TMPDIR', 'HOME', 'PULUMI_WORK_ROOT', 'PULUMI_HOME', 'LOCAL_ENGINE_STATE_DIR'];

/** The api's own shutdown limit (apps/api/src/main.ts SHUTDOWN_TIMEOUT_MS). */
const API_SHUTDOWN_SECONDS = 20;

type Labels = Record<string, string>;
interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Labels; annotations?: Record<string, string> };
  [field: string]: any;
}
interface Workload {
  kind: 'Deployment' | 'Job';
  name: string;
  object: KubeObject;
  podLabels: Labels;
  pod: any;
}

// ---------------------------------------------------------------------------------------------- rendering

const kubectlProbe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const kubectlMissing = (kubectlProbe.error as { code?: unknown } | undefined)?.code === 'ENOENT';
if (kubectlMissing) {
  console.warn(
    'Skipping the deploy/kubernetes manifest checks: kubectl (with kustomize built in) is not on PATH.',
  );
}
const describeRendered = kubectlMissing ? describe.skip : describe;

function kustomize(directory: string): KubeObject[] {
  const result = spawnSync('kubectl', ['kustomize', directory], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`kubectl kustomize ${directory} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout).map((document) => {
    if (document.errors.length > 0)
      throw new Error(`unreadable YAML from ${directory}: ${document.errors[0]}`);
    return document.toJS() as KubeObject;
  });
}

const VARIANTS: Record<string, () => KubeObject[]> = {
  'overlays/dev': () => kustomize(join(KUSTOMIZE_ROOT, 'overlays', 'dev')),
  'overlays/prod': () => kustomize(join(KUSTOMIZE_ROOT, 'overlays', 'prod')),
};
const renderings = new Map<string, KubeObject[]>();
/** Each variant rendered once per run; tests must not change the objects. */
function rendered(variant: string): KubeObject[] {
  if (!renderings.has(variant)) renderings.set(variant, VARIANTS[variant]());
  return renderings.get(variant)!;
}

// ---------------------------------------------------------------------------------------------- helpers

const id = (object: KubeObject): string => `${object.kind}/${object.metadata.name}`;
const ofKind = (objects: KubeObject[], kind: string): KubeObject[] => objects.filter((o) => o.kind === kind);
function one(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} rendered`);
  return found;
}

function selects(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key]);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key]);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        throw new Error(`unknown selector operator ${operator}`);
    }
  });
  return byLabels && byExpressions;
}

function workloads(objects: KubeObject[]): Workload[] {
  return objects
    .filter(
      (o): o is KubeObject & { kind: 'Deployment' | 'Job' } => o.kind === 'Deployment' || o.kind === 'Job',
    )
    .map((object) => ({
      kind: object.kind,
      name: object.metadata.name,
      object,
      podLabels: object.spec.template.metadata?.labels ?? {},
      pod: object.spec.template.spec,
    }));
}

function workload(objects: KubeObject[], component: string): Workload {
  const found = workloads(objects).find((w) => w.podLabels['app.kubernetes.io/component'] === component);
  if (!found) throw new Error(`no workload of component ${component}`);
  return found;
}

const containersOf = (pod: any): any[] => [...(pod.initContainers ?? []), ...pod.containers];

/** Settings from the generated streamplane-config ConfigMap (its name carries a hash suffix). */
function config(objects: KubeObject[]): Record<string, string> {
  const maps = ofKind(objects, 'ConfigMap').filter((o) => o.metadata.name.startsWith('streamplane-config-'));
  expect(maps).toHaveLength(1);
  return maps[0].data;
}

/** Kubernetes quantities ("250m", "1", "768Mi", "1Gi") as plain numbers, to compare requests with limits. */
function quantity(value: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(value));
  if (!match) throw new Error(`not a Kubernetes quantity: ${value}`);
  const factor: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return Number(match[1]) * (match[2] ? factor[match[2]] : 1);
}

/** The ports (e.g. "TCP/53", "TCP/http") a pod may send to or accept on, over every policy that selects it. */
function allowedPorts(objects: KubeObject[], labels: Labels, direction: 'ingress' | 'egress'): Set<string> {
  const ports = new Set<string>();
  for (const policy of ofKind(objects, 'NetworkPolicy')) {
    if (!selects(policy.spec.podSelector, labels)) continue;
    for (const rule of policy.spec[direction] ?? []) {
      for (const port of rule.ports ?? []) ports.add(`${port.protocol ?? 'TCP'}/${port.port}`);
    }
  }
  return ports;
}

/** Every secret a pod takes, by name, and whether the pod starts without it. */
function secretReferences(pod: any): { name: string; optional: boolean }[] {
  const references: { name: string; optional: boolean }[] = [];
  for (const container of containersOf(pod)) {
    for (const source of container.envFrom ?? []) {
      if (source.secretRef)
        references.push({ name: source.secretRef.name, optional: !!source.secretRef.optional });
    }
    for (const variable of container.env ?? []) {
      const ref = variable.valueFrom?.secretKeyRef;
      if (ref) references.push({ name: ref.name, optional: !!ref.optional });
    }
  }
  for (const volume of pod.volumes ?? []) {
    if (volume.secret)
      references.push({ name: volume.secret.secretName, optional: !!volume.secret.optional });
  }
  return references;
}

function configMapReferences(pod: any): { name: string; optional: boolean }[] {
  const references: { name: string; optional: boolean }[] = [];
  for (const container of containersOf(pod)) {
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef) {
        references.push({ name: source.configMapRef.name, optional: !!source.configMapRef.optional });
      }
    }
    for (const variable of container.env ?? []) {
      const ref = variable.valueFrom?.configMapKeyRef;
      if (ref) references.push({ name: ref.name, optional: !!ref.optional });
    }
  }
  for (const volume of pod.volumes ?? []) {
    if (volume.configMap)
      references.push({ name: volume.configMap.name, optional: !!volume.configMap.optional });
  }
  return references;
}

/** Image tag (after the last colon of the last path segment), or undefined. */
const imageTag = (image: string): string | undefined => /:([^/:@]+)$/.exec(image)?.[1];

// DNS-1123 and label syntax: the schemas leave names and labels unchecked (../shared/schemas/kubernetes/README).
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(?=.{0,63}$)(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY =
  /^(([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const PORT_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

// ---------------------------------------------------------------------------------------------- checks

describe('deploy/kubernetes sources', () => {
  const yamlFiles = (directory: string): string[] =>
    readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? yamlFiles(join(directory, entry.name))
        : /\.ya?ml$/.test(entry.name)
          ? [join(directory, entry.name)]
          : [],
    );

  it('hold no Secret and no secret generator: the operator creates every Secret', () => {
    const offenders = yamlFiles(KUSTOMIZE_ROOT).filter((file) =>
      /^kind:\s*Secret\s*$|^secretGenerator:/m.test(readFileSync(file, 'utf8')),
    );
    expect(offenders.map((file) => relative(KUSTOMIZE_ROOT, file))).toEqual([]);
  });

  it('document every Secret and ConfigMap the operator must create', () => {
    for (const name of [...OPERATOR_SECRETS, ...OPERATOR_CONFIGMAPS]) expect(README).toContain(name);
  });
});

const validator = new SchemaValidator();

describeRendered.each(Object.keys(VARIANTS))('%s', (variant) => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = rendered(variant);
  });

  it('renders the three processes and the migration', () => {
    expect(workloads(objects).map((w) => `${w.kind}/${w.name}`)).toEqual(
      expect.arrayContaining([
        'Deployment/streamplane-api',
        'Deployment/streamplane-provisioner',
        'Deployment/streamplane-billing',
        'Job/streamplane-migrate',
      ]),
    );
  });

  it('validates every object against its Kubernetes, KEDA or Prometheus-operator schema', () => {
    const problems: Record<string, string[]> = {};
    for (const object of objects) {
      if (!validator.has(object.apiVersion, object.kind)) {
        problems[id(object)] = [`no schema for ${object.apiVersion} ${object.kind}`];
        continue;
      }
      const errors = validator.validate(object);
      if (errors.length > 0) problems[id(object)] = errors;
    }
    expect(problems).toEqual({});
  });

  it('uses valid names and labels, one namespace, and no duplicate objects', () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const object of objects) {
      if (seen.has(id(object))) problems.push(`${id(object)} twice`);
      seen.add(id(object));
      if (!DNS_SUBDOMAIN.test(object.metadata.name)) problems.push(`${id(object)}: name`);
      for (const [key, value] of Object.entries(object.metadata.labels ?? {})) {
        if (!LABEL_KEY.test(key) || !LABEL_VALUE.test(value))
          problems.push(`${id(object)}: label ${key}=${value}`);
      }
    }
    for (const { name, pod } of workloads(objects)) {
      for (const container of containersOf(pod)) {
        if (!DNS_LABEL.test(container.name)) problems.push(`${name}: container name ${container.name}`);
        for (const port of container.ports ?? []) {
          if (!PORT_NAME.test(port.name ?? '')) problems.push(`${name}: port name ${port.name}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(
      new Set([objects[0].metadata.namespace]),
    );
    expect(objects[0].metadata.namespace).toMatch(DNS_LABEL);
  });

  it('labels every object, and every pod, with the recommended app.kubernetes.io labels', () => {
    const missing: string[] = [];
    for (const object of objects) {
      for (const label of RECOMMENDED_LABELS) {
        if (!object.metadata.labels?.[label]) missing.push(`${id(object)}: ${label}`);
      }
    }
    for (const { name, podLabels } of workloads(objects)) {
      for (const label of RECOMMENDED_LABELS.filter((l) => l !== 'app.kubernetes.io/version')) {
        if (!podLabels[label]) missing.push(`pods of ${name}: ${label}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('runs released images whose tag is the version label', () => {
    for (const { name, object, pod } of workloads(objects)) {
      for (const container of containersOf(pod)) {
        const tag = imageTag(container.image);
        expect({ name, tag }).toEqual({ name, tag: object.metadata.labels?.['app.kubernetes.io/version'] });
        expect(tag).not.toBe('latest');
      }
    }
  });

  it('holds no Secret: every secret comes from the operator', () => {
    expect(ofKind(objects, 'Secret').map(id)).toEqual([]);
    const referenced = new Set<string>();
    for (const { pod } of workloads(objects))
      for (const ref of secretReferences(pod)) referenced.add(ref.name);
    for (const auth of ofKind(objects, 'TriggerAuthentication')) {
      for (const ref of auth.spec.secretTargetRef ?? []) referenced.add(ref.name);
    }
    expect([...referenced].filter((name) => !OPERATOR_SECRETS.includes(name))).toEqual([]);
  });

  it('refers only to ConfigMaps and ServiceAccounts it renders, or that the operator provides', () => {
    const configMaps = new Set(ofKind(objects, 'ConfigMap').map((o) => o.metadata.name));
    const serviceAccounts = new Set(ofKind(objects, 'ServiceAccount').map((o) => o.metadata.name));
    const problems: string[] = [];
    for (const { name, pod } of workloads(objects)) {
      for (const ref of configMapReferences(pod)) {
        if (!configMaps.has(ref.name) && !OPERATOR_CONFIGMAPS.includes(ref.name)) {
          problems.push(`${name}: ConfigMap ${ref.name}`);
        }
      }
      if (!serviceAccounts.has(pod.serviceAccountName)) {
        problems.push(`${name}: ServiceAccount ${pod.serviceAccountName}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('locks every container down: non-root, read-only root, no privileges, RuntimeDefault seccomp', () => {
    const problems: string[] = [];
    for (const { name, pod } of workloads(objects)) {
      const podContext = pod.securityContext ?? {};
      if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push(`${name}: host namespaces`);
      if (pod.automountServiceAccountToken !== false)
        problems.push(`${name}: mounts a service account token`);
      for (const volume of pod.volumes ?? []) {
        const kinds = Object.keys(volume).filter((key) => key !== 'name');
        if (!kinds.every((kind) => ['emptyDir', 'configMap', 'secret', 'projected'].includes(kind))) {
          problems.push(`${name}: volume ${volume.name} is ${kinds.join()}`);
        }
      }
      for (const container of containersOf(pod)) {
        const context = container.securityContext ?? {};
        const where = `${name}/${container.name}`;
        if ((context.runAsNonRoot ?? podContext.runAsNonRoot) !== true)
          problems.push(`${where}: runAsNonRoot`);
        if ((context.runAsUser ?? podContext.runAsUser) === 0) problems.push(`${where}: runs as uid 0`);
        if (context.readOnlyRootFilesystem !== true) problems.push(`${where}: writable root filesystem`);
        if (context.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation`);
        if (context.privileged) problems.push(`${where}: privileged`);
        if (!context.capabilities?.drop?.includes('ALL')) problems.push(`${where}: capabilities not dropped`);
        if ((context.capabilities?.add ?? []).length > 0) problems.push(`${where}: adds capabilities`);
        const seccomp = context.seccompProfile?.type ?? podContext.seccompProfile?.type;
        if (seccomp !== 'RuntimeDefault') problems.push(`${where}: seccomp ${seccomp}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('sets CPU and memory requests and limits on every container, requests within limits', () => {
    const problems: string[] = [];
    for (const { name, pod } of workloads(objects)) {
      for (const container of containersOf(pod)) {
        const { requests = {}, limits = {} } = container.resources ?? {};
        for (const resource of ['cpu', 'memory']) {
          const where = `${name}/${container.name} ${resource}`;
          if (requests[resource] === undefined || limits[resource] === undefined) {
            problems.push(`${where}: request and limit required`);
          } else if (quantity(requests[resource]) > quantity(limits[resource])) {
            problems.push(`${where}: request ${requests[resource]} above limit ${limits[resource]}`);
          }
        }
        for (const resource of Object.keys(requests)) {
          if (limits[resource] !== undefined && quantity(requests[resource]) > quantity(limits[resource])) {
            problems.push(`${name}/${container.name} ${resource}: request above limit`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('puts every directory a process writes on a writable emptyDir (the root filesystem is read-only)', () => {
    const problems: string[] = [];
    for (const { name, pod } of workloads(objects)) {
      const emptyDirs = new Set((pod.volumes ?? []).filter((v: any) => v.emptyDir).map((v: any) => v.name));
      for (const container of containersOf(pod)) {
        const writable: string[] = (container.volumeMounts ?? [])
          .filter((mount: any) => emptyDirs.has(mount.name) && mount.readOnly !== true)
          .map((mount: any) => mount.mountPath);
        const onWritable = (path: string) =>
          writable.some((mountPath) => path === mountPath || path.startsWith(`${mountPath}/`));
        if (!onWritable('/tmp')) problems.push(`${name}/${container.name}: /tmp is not writable`);
        for (const variable of container.env ?? []) {
          if (!WRITTEN_DIRECTORIES.includes(variable.name)) continue;
          if (typeof variable.value !== 'string' || !onWritable(variable.value)) {
            problems.push(
              `${name}/${container.name}: ${variable.name}=${variable.value} is not on a writable volume`,
            );
          }
        }
      }
    }
    // The provisioner's defaults (~/.pulumi, .streamplane/stacks under the working directory) are on the image.
    const provisioner = workload(objects, 'provisioner').pod.containers[0];
    const set = (provisioner.env ?? []).map((variable: any) => variable.name);
    expect(set).toEqual(
      expect.arrayContaining(['HOME', 'PULUMI_WORK_ROOT', 'PULUMI_HOME', 'LOCAL_ENGINE_STATE_DIR']),
    );
    expect(problems).toEqual([]);
  });

  it('gives every Deployment a PodDisruptionBudget over its pods that still lets a node drain', () => {
    const budgets = ofKind(objects, 'PodDisruptionBudget');
    const problems: string[] = [];
    for (const { name, object, podLabels } of workloads(objects).filter((w) => w.kind === 'Deployment')) {
      const matching = budgets.filter((budget) => selects(budget.spec.selector, podLabels));
      if (matching.length !== 1) {
        problems.push(`${name}: ${matching.length} PodDisruptionBudgets`);
        continue;
      }
      const { maxUnavailable, minAvailable } = matching[0].spec;
      const drains =
        maxUnavailable !== undefined
          ? quantity(String(maxUnavailable).replace('%', '')) > 0
          : Number(minAvailable) < (object.spec.replicas ?? 1);
      if (!drains) problems.push(`${name}: its PodDisruptionBudget blocks every eviction`);
    }
    expect(problems).toEqual([]);
  });

  it('selects its own pods: Deployments, spread constraints, the api Service', () => {
    const problems: string[] = [];
    for (const { name, object, podLabels, pod } of workloads(objects)) {
      if (object.kind !== 'Deployment') continue;
      if (!selects(object.spec.selector, podLabels)) problems.push(`${name}: selector`);
      const keys: string[] = pod.topologySpreadConstraints.map((c: any) => c.topologyKey);
      if (!keys.includes('topology.kubernetes.io/zone')) problems.push(`${name}: not spread over zones`);
      if (new Set(keys).size !== keys.length) problems.push(`${name}: two spread constraints on one key`);
      for (const constraint of pod.topologySpreadConstraints) {
        if (!selects(constraint.labelSelector, podLabels)) problems.push(`${name}: spread selector`);
      }
    }
    expect(problems).toEqual([]);

    const service = one(objects, 'Service', 'streamplane-api');
    const api = workload(objects, 'api');
    const selected = workloads(objects).filter((w) =>
      selects({ matchLabels: service.spec.selector }, w.podLabels),
    );
    expect(selected.map((w) => w.name)).toEqual([api.name]);
    const portNames = api.pod.containers[0].ports.map((port: any) => port.name);
    for (const port of service.spec.ports) expect(portNames).toContain(port.targetPort);
  });

  it('probes the api on /healthz and /readyz, on the port it listens on, on every interface', () => {
    const settings = config(objects);
    expect(['0.0.0.0', '::']).toContain(settings.HOST);
    const container = workload(objects, 'api').pod.containers[0];
    const port = container.ports.find((p: any) => p.name === 'http');
    expect(port.containerPort).toBe(Number(settings.PORT));
    expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    // /readyz waits up to 2 s for each database: the probe must wait longer.
    expect(container.readinessProbe.timeoutSeconds).toBeGreaterThan(2);
  });

  it('gives each process longer to stop than it takes to shut down', () => {
    const settings = config(objects);
    const api = workload(objects, 'api').pod;
    const preStop = api.containers[0].lifecycle?.preStop?.sleep?.seconds ?? 0;
    expect(api.terminationGracePeriodSeconds).toBeGreaterThan(preStop + API_SHUTDOWN_SECONDS);
    expect(workload(objects, 'provisioner').pod.terminationGracePeriodSeconds).toBeGreaterThan(
      Number(settings.PROVISIONER_SHUTDOWN_TIMEOUT_SECONDS),
    );
    expect(workload(objects, 'billing').pod.terminationGracePeriodSeconds).toBeGreaterThan(
      Number(settings.BILLING_SHUTDOWN_TIMEOUT_SECONDS),
    );
  });

  it('lets each autoscaler alone own the replica count of an existing Deployment, within its bounds', () => {
    const deployments = new Map(ofKind(objects, 'Deployment').map((d) => [d.metadata.name, d]));
    const targets: string[] = [];
    const problems: string[] = [];
    for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler')) {
      if ((hpa.spec.minReplicas ?? 1) > hpa.spec.maxReplicas) problems.push(`${id(hpa)}: min above max`);
      targets.push(hpa.spec.scaleTargetRef.name);
    }
    for (const scaled of ofKind(objects, 'ScaledObject')) {
      // The CRD's CEL rule, which Ajv does not run.
      if ((scaled.spec.minReplicaCount ?? 0) > (scaled.spec.maxReplicaCount ?? 100)) {
        problems.push(`${id(scaled)}: min above max`);
      }
      targets.push(scaled.spec.scaleTargetRef.name);
    }
    if (new Set(targets).size !== targets.length)
      problems.push(`two autoscalers on one of ${targets.join()}`);
    for (const [name, deployment] of deployments) {
      const scaled = targets.includes(name);
      // An autoscaled Deployment with `replicas` is reset to it on every apply; one without is left at 1.
      if (scaled && deployment.spec.replicas !== undefined)
        problems.push(`${name}: replicas beside an autoscaler`);
      if (!scaled && deployment.spec.replicas === undefined)
        problems.push(`${name}: no replicas, no autoscaler`);
    }
    for (const target of targets) if (!deployments.has(target)) problems.push(`no Deployment ${target}`);
    expect(problems).toEqual([]);
  });

  it('denies all traffic by default and opens only what each process needs', () => {
    const policies = ofKind(objects, 'NetworkPolicy');
    const defaultDeny = policies.filter(
      (p) =>
        Object.keys(p.spec.podSelector).length === 0 &&
        ['Ingress', 'Egress'].every((type) => p.spec.policyTypes.includes(type)) &&
        !p.spec.ingress &&
        !p.spec.egress,
    );
    expect(defaultDeny).toHaveLength(1);

    const egress = (component: string) =>
      [...allowedPorts(objects, workload(objects, component).podLabels, 'egress')].sort();
    expect(egress('api')).toEqual(['TCP/443', 'TCP/53', 'TCP/5432', 'TCP/6379', 'TCP/6380', 'UDP/53']);
    expect(egress('provisioner')).toEqual([
      'TCP/443',
      'TCP/53',
      'TCP/5432',
      'TCP/6379',
      'TCP/6380',
      'UDP/53',
    ]);
    // Least privilege: billing calls no cloud, the migration only PostgreSQL.
    expect(egress('billing')).toEqual(['TCP/53', 'TCP/5432', 'TCP/6379', 'TCP/6380', 'UDP/53']);
    expect(egress('migration')).toEqual(['TCP/53', 'TCP/5432', 'UDP/53']);

    // Ingress only from named peers (the ingress controller's namespace, Prometheus), never from anywhere.
    for (const policy of policies) {
      for (const rule of policy.spec.ingress ?? []) {
        const peers = rule.from ?? [];
        expect({ policy: id(policy), namedPeers: peers.length > 0 }).toEqual({
          policy: id(policy),
          namedPeers: true,
        });
        for (const peer of peers) {
          const open = (selector: LabelSelector | undefined) =>
            !!selector && !selector.matchLabels && !selector.matchExpressions;
          expect({ policy: id(policy), peer, open: !!peer.ipBlock || open(peer.namespaceSelector) }).toEqual({
            policy: id(policy),
            peer,
            open: false,
          });
        }
      }
    }
    const api = workload(objects, 'api');
    expect(allowedPorts(objects, api.podLabels, 'ingress')).toEqual(new Set(['TCP/http']));
    for (const component of ['provisioner', 'billing']) {
      const ports = allowedPorts(objects, workload(objects, component).podLabels, 'ingress');
      const listening = (workload(objects, component).pod.containers[0].ports ?? []).map(
        (p: any) => `TCP/${p.name}`,
      );
      expect([...ports]).toEqual(listening);
    }
  });

  it('runs the migration from the api image, once, before the rollout, with the database URL only', () => {
    const job = one(objects, 'Job', 'streamplane-migrate');
    const container = job.spec.template.spec.containers[0];
    const apiImage = workload(objects, 'api').pod.containers[0].image;
    expect(container.image).toBe(apiImage);
    expect(container.command).toEqual(['node', 'dist/migrate.js']);
    expect(job.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
    expect(['Never', 'OnFailure']).toContain(job.spec.template.spec.restartPolicy);
    expect(job.spec.backoffLimit).toBeGreaterThan(0);
    expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(120);
    expect(container.env.filter((v: any) => v.valueFrom).map((v: any) => v.name)).toEqual(['DATABASE_URL']);
    expect(container.envFrom).toBeUndefined();
  });
});

describeRendered('overlays/dev', () => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = rendered('overlays/dev');
  });

  it('runs one replica of each process on the local engine', () => {
    expect(config(objects).CLOUD_ENGINE).toBe('local');
    expect(
      Object.fromEntries(ofKind(objects, 'Deployment').map((d) => [d.metadata.name, d.spec.replicas])),
    ).toEqual({
      'streamplane-api': 1,
      'streamplane-provisioner': 1,
      'streamplane-billing': 1,
    });
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
  });

  it('needs no custom resource definitions and no operator object besides streamplane-secrets', () => {
    expect(
      objects.filter((o) => o.apiVersion.includes('keda.sh') || o.apiVersion.includes('coreos.com')),
    ).toEqual([]);
    for (const { pod } of workloads(objects)) {
      const required = secretReferences(pod).filter((ref) => !ref.optional);
      expect(new Set(required.map((ref) => ref.name))).toEqual(new Set(['streamplane-secrets']));
      expect(configMapReferences(pod).filter((ref) => OPERATOR_CONFIGMAPS.includes(ref.name))).toEqual([]);
    }
  });
});

describeRendered('overlays/prod', () => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = rendered('overlays/prod');
  });

  it('runs the pulumi engine, with the site settings required by every process', () => {
    expect(config(objects).CLOUD_ENGINE).toBe('pulumi');
    const site = (component: string) =>
      configMapReferences(workload(objects, component).pod).find((ref) => ref.name === 'streamplane-site');
    const required = { name: 'streamplane-site', optional: false };
    expect({ api: site('api'), provisioner: site('provisioner'), billing: site('billing') }).toEqual({
      api: required,
      provisioner: required,
      billing: required,
    });
  });

  it("gives the Pulumi engine's secrets to the provisioner only", () => {
    const has = (component: string) =>
      secretReferences(workload(objects, component).pod).some((ref) => ref.name === 'streamplane-pulumi');
    expect(has('provisioner')).toBe(true);
    expect(has('api')).toBe(false);
    expect(has('billing')).toBe(false);
    expect(has('migration')).toBe(false);
  });

  it('keeps three api replicas at least, one zone apart, scaled on CPU', () => {
    const hpa = one(objects, 'HorizontalPodAutoscaler', 'streamplane-api');
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(3);
    expect(hpa.spec.metrics).toEqual([
      expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }),
    ]);
    const zone = workload(objects, 'api').pod.topologySpreadConstraints.find(
      (c: any) => c.topologyKey === 'topology.kubernetes.io/zone',
    );
    expect(zone.whenUnsatisfiable).toBe('DoNotSchedule');
  });

  it("scales the provisioner with KEDA on the provisioning queue's waiting and running operations", () => {
    const settings = config(objects);
    const scaled = one(objects, 'ScaledObject', 'streamplane-provisioner');
    const lists = Object.fromEntries(scaled.spec.triggers.map((t: any) => [t.name, t.metadata.listName]));
    const queue = `${settings.REDIS_KEY_PREFIX}bull:${PROVISIONING_QUEUE}`;
    expect(lists).toEqual({ waiting: `${queue}:wait`, running: `${queue}:active` });
    for (const trigger of scaled.spec.triggers) {
      expect(trigger.type).toBe('redis');
      expect(trigger.metadata.listLength).toBe(settings.PROVISIONER_CONCURRENCY);
      one(objects, 'TriggerAuthentication', trigger.authenticationRef.name);
    }
    const { formula, target } = scaled.spec.advanced.scalingModifiers;
    expect(
      formula
        .split('+')
        .map((term: string) => term.trim())
        .sort(),
    ).toEqual(['running', 'waiting']);
    expect(target).toBe(settings.PROVISIONER_CONCURRENCY);
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(2);
    expect(scaled.spec.fallback.replicas).toBeGreaterThanOrEqual(scaled.spec.minReplicaCount);
  });

  it('has Prometheus scrape the api through its Service, and the workers by pod', () => {
    const monitor = one(objects, 'ServiceMonitor', 'streamplane-api');
    const service = one(objects, 'Service', 'streamplane-api');
    expect(selects(monitor.spec.selector, service.metadata.labels ?? {})).toBe(true);
    const servicePorts = service.spec.ports.map((port: any) => port.name);
    for (const endpoint of monitor.spec.endpoints) {
      expect(servicePorts).toContain(endpoint.port);
      expect(endpoint.path).toBe('/metrics');
    }
    const podMonitor = one(objects, 'PodMonitor', 'streamplane-workers');
    for (const component of ['provisioner', 'billing']) {
      expect(selects(podMonitor.spec.selector, workload(objects, component).podLabels)).toBe(true);
    }
    expect(selects(podMonitor.spec.selector, workload(objects, 'api').podLabels)).toBe(false);
  });
});

describeRendered.each(['overlays/dev', 'overlays/prod'])('components/worker-endpoints in %s', (variant) => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = rendered(variant);
  });

  it('probes the workers on /healthz and /readyz on PORT, and lets Prometheus reach it', () => {
    const settings = config(objects);
    for (const component of ['provisioner', 'billing']) {
      const { pod, podLabels } = workload(objects, component);
      const container = pod.containers[0];
      expect(container.ports).toEqual([
        { name: 'http', containerPort: Number(settings.PORT), protocol: 'TCP' },
      ]);
      expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      // /readyz gives each check READINESS_CHECK_TIMEOUT_MS: the probe must wait longer.
      expect(container.readinessProbe.timeoutSeconds * 1000).toBeGreaterThan(READINESS_CHECK_TIMEOUT_MS);
      expect(allowedPorts(objects, podLabels, 'ingress')).toEqual(new Set(['TCP/http']));
    }
    // Set explicitly, so each worker listens on the port probed (without PORT a worker picks its own default).
    expect(settings.PORT).toMatch(/^[1-9]\d*$/);
  });
});

describeRendered('components/monitoring in overlays/prod', () => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = rendered('overlays/prod');
  });

  it('ships the alert rules and the Grafana dashboard for the sidecar', () => {
    const rule = one(objects, 'PrometheusRule', 'streamplane');
    expect(rule.spec.groups.flatMap((g: any) => g.rules).length).toBeGreaterThanOrEqual(8);
    const dashboard = one(objects, 'ConfigMap', 'streamplane-grafana-dashboard');
    expect(dashboard.metadata.labels?.grafana_dashboard).toBe('1');
    expect(JSON.parse(dashboard.data['streamplane.json']).uid).toBe('streamplane-overview');
  });

  it("names the workers' scrape jobs after their component, as the rules and the dashboard expect", () => {
    const podMonitor = one(objects, 'PodMonitor', 'streamplane-workers');
    expect(podMonitor.spec.podMetricsEndpoints[0].relabelings).toEqual([
      {
        sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_component'],
        regex: '(.+)',
        targetLabel: 'job',
        replacement: 'streamplane-$1',
      },
    ]);
    // The ServiceMonitor's job is its Service's name.
    expect(one(objects, 'Service', 'streamplane-api').metadata.name).toBe('streamplane-api');
  });
});
