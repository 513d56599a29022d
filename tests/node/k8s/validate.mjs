// Offline checks of the Kubernetes manifests, as a platform team's admission
// would make them: every overlay renders (kubectl kustomize); every object
// validates against the Kubernetes (and Prometheus Operator) schemas; every
// pod meets the restricted Pod Security Standard, and ours also keep a
// read-only root filesystem; every Service and probe names a port its
// container declares; no image is unversioned or :latest.
//   node tests/node/k8s/validate.mjs [overlay-dir ...]   (default: every overlay)
import { createRequire } from 'node:module';
import { overlayDirs, overlayLabel, renderOverlay } from './render.mjs';

const require = createRequire(import.meta.url);
const overlays = overlayDirs(process.argv.slice(2));

// apiVersion → the module of kubernetes-models that holds its kinds.
function schemaModule(apiVersion) {
  if (apiVersion === 'monitoring.coreos.com/v1') {
    return '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
  }
  return `kubernetes-models/${apiVersion}`;
}

function podSpecOf(object) {
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(object.kind)) {
    return object.spec.template;
  }
  if (object.kind === 'CronJob') return object.spec.jobTemplate.spec.template;
  if (object.kind === 'Pod') return object;
  return null;
}

// https://kubernetes.io/docs/concepts/security/pod-security-standards/ (restricted).
function restrictedProblems(spec, ours) {
  const problems = [];
  const pod = spec.securityContext ?? {};
  for (const host of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[host]) problems.push(`${host} is set`);
  }
  for (const volume of spec.volumes ?? []) {
    if (volume.hostPath) problems.push(`volume ${volume.name} is a hostPath`);
  }
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  for (const container of containers) {
    const own = container.securityContext ?? {};
    const where = `container ${container.name}`;
    if (!(own.runAsNonRoot ?? pod.runAsNonRoot)) problems.push(`${where} may run as root`);
    if ((own.runAsUser ?? pod.runAsUser) === 0) problems.push(`${where} runs as uid 0`);
    const seccomp = (own.seccompProfile ?? pod.seccompProfile)?.type;
    if (!['RuntimeDefault', 'Localhost'].includes(seccomp)) problems.push(`${where} has no seccomp profile`);
    if (own.privileged) problems.push(`${where} is privileged`);
    if (own.allowPrivilegeEscalation !== false) problems.push(`${where} may escalate privileges`);
    if (!(own.capabilities?.drop ?? []).includes('ALL')) problems.push(`${where} keeps capabilities`);
    for (const added of own.capabilities?.add ?? []) {
      if (added !== 'NET_BIND_SERVICE') problems.push(`${where} adds ${added}`);
    }
    if (ours && own.readOnlyRootFilesystem !== true) problems.push(`${where} can write its root filesystem`);
    if (!container.image || !/:[^/]+$/.test(container.image) || container.image.endsWith(':latest')) {
      problems.push(`${where} image "${container.image}" has no version`);
    }
  }
  return problems;
}

function declaredPorts(container) {
  const ports = new Set();
  for (const port of container.ports ?? []) {
    ports.add(port.containerPort);
    if (port.name) ports.add(port.name);
  }
  return ports;
}

function probeProblems(spec) {
  const problems = [];
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const ports = declaredPorts(container);
    for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const probe = container[kind];
      if (!probe) continue;
      const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
      if (port !== undefined && !ports.has(port)) {
        problems.push(`container ${container.name}: ${kind} port ${port} is not declared`);
      }
    }
  }
  return problems;
}

function matches(selector, labels) {
  return Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);
}

function serviceProblems(service, workloads) {
  if (!service.spec.selector) return [];
  const pods = workloads.filter((w) => matches(service.spec.selector, podSpecOf(w).metadata?.labels));
  if (pods.length === 0) return [`Service ${service.metadata.name} selects no pod`];
  const problems = [];
  for (const port of service.spec.ports) {
    const target = port.targetPort ?? port.port;
    const found = pods.some((w) => podSpecOf(w).spec.containers.some((c) => declaredPorts(c).has(target)));
    if (!found) problems.push(`Service ${service.metadata.name} port ${port.name ?? port.port} → ${target} is not declared`);
  }
  return problems;
}

let failures = 0;
for (const overlay of overlays) {
  const objects = renderOverlay(overlay);
  // kustomize folds long base64 values over lines; the API server's decoder
  // skips the line breaks, the schema's "byte" format does not.
  for (const object of objects) {
    if (object.kind !== 'Secret') continue;
    for (const key of Object.keys(object.data ?? {})) object.data[key] = object.data[key].replace(/\s/g, '');
  }
  const problems = [];
  const workloads = objects.filter((o) => podSpecOf(o));
  for (const object of objects) {
    const name = `${object.kind} ${object.metadata?.name}`;
    try {
      const module = require(schemaModule(object.apiVersion));
      const Kind = module[object.kind];
      if (!Kind) throw new Error(`unknown kind for ${object.apiVersion}`);
      new Kind(object).validate();
    } catch (error) {
      problems.push(`${name}: ${error.message}`);
    }
    const template = podSpecOf(object);
    if (template) {
      const ours = template.metadata?.labels?.['app.kubernetes.io/part-of'] === 'akhbar';
      for (const problem of [...restrictedProblems(template.spec, ours), ...probeProblems(template.spec)]) {
        problems.push(`${name}: ${problem}`);
      }
    }
    if (object.kind === 'Service') problems.push(...serviceProblems(object, workloads));
  }
  const label = overlayLabel(overlay);
  if (problems.length > 0) {
    failures += problems.length;
    console.error(`${label}: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  } else {
    console.log(`${label}: ${objects.length} objects valid`);
  }
}
process.exit(failures > 0 ? 1 : 0);
