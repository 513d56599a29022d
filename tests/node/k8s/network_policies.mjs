// A NetworkPolicy evaluator (networking.k8s.io/v1) over a static model of
// endpoints, so that who may reach whom can be checked offline, without a
// cluster or a CNI. An endpoint is either a pod
//   {name, namespace, labels, namespaceLabels, ports: [{name, containerPort, protocol}]}
// or an address outside the cluster (a managed database, say)
//   {name, ip, ports}.
// Only the policies passed in exist: endpoints in other namespaces are not
// isolated, as in a namespace that has no NetworkPolicy. IPv4 only.

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'];

function podTemplateOf(object) {
  if (WORKLOAD_KINDS.includes(object.kind)) return object.spec.template;
  if (object.kind === 'CronJob') return object.spec.jobTemplate.spec.template;
  if (object.kind === 'Pod') return object;
  return null;
}

function namespaceOf(object) {
  return object.metadata?.namespace ?? 'default';
}

// The API server labels every namespace with its own name, which is what
// policies select namespaces by when nobody labelled them.
export function namespaceLabels(objects, namespace) {
  const found = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === namespace);
  return { ...(found?.metadata.labels ?? {}), 'kubernetes.io/metadata.name': namespace };
}

// One endpoint per workload: its replicas share labels and ports, so one
// stands for all of them (and "another replica of the same" is the same endpoint).
export function podEndpoints(objects) {
  const endpoints = [];
  for (const object of objects) {
    const template = podTemplateOf(object);
    if (!template) continue;
    const labels = template.metadata?.labels ?? {};
    const namespace = namespaceOf(object);
    const containers = [...(template.spec.initContainers ?? []), ...(template.spec.containers ?? [])];
    endpoints.push({
      name: labels['app.kubernetes.io/name'] ?? object.metadata.name,
      namespace,
      labels,
      namespaceLabels: namespaceLabels(objects, namespace),
      ports: containers.flatMap((c) => c.ports ?? []),
    });
  }
  return endpoints;
}

export function networkPolicies(objects) {
  return objects.filter((o) => o.kind === 'NetworkPolicy');
}

function expressionMatches({ key, operator, values = [] }, labels) {
  const has = Object.hasOwn(labels, key);
  switch (operator) {
    case 'In': return has && values.includes(labels[key]);
    case 'NotIn': return !has || !values.includes(labels[key]);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    default: throw new Error(`unknown label selector operator ${operator}`);
  }
}

// A LabelSelector: every matchLabels entry and every expression must hold, so
// an empty selector ({}) selects everything.
export function selectorMatches(selector, labels = {}) {
  const byLabels = Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return byLabels && (selector?.matchExpressions ?? []).every((e) => expressionMatches(e, labels));
}

export function isEmptySelector(selector) {
  return Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0;
}

// Unset policyTypes: every policy affects ingress; egress only when it has egress rules.
export function policyTypes(policy) {
  if (policy.spec.policyTypes) return policy.spec.policyTypes;
  return policy.spec.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

// A policy applies only to pods of its own namespace; addresses outside the
// cluster have none.
function selects(policy, endpoint) {
  if (endpoint.ip !== undefined || endpoint.namespace !== namespaceOf(policy)) return false;
  return selectorMatches(policy.spec.podSelector ?? {}, endpoint.labels);
}

function policiesFor(policies, endpoint, direction) {
  return policies.filter((p) => policyTypes(p).includes(direction) && selects(p, endpoint));
}

export function isolated(policies, endpoint, direction) {
  return policiesFor(policies, endpoint, direction).length > 0;
}

function ipv4(text) {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${text}`);
  }
  return parts.reduce((n, part) => n * 256 + part, 0);
}

function inCidr(ip, cidr) {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base) / size);
}

function inIpBlock(ip, block) {
  return inCidr(ip, block.cidr) && !(block.except ?? []).some((cidr) => inCidr(ip, cidr));
}

// A NetworkPolicyPeer. Selectors pick pods, never addresses outside the
// cluster; ipBlock picks only those (what it does to pod IPs depends on the
// plugin, so no check here relies on it). Without a namespaceSelector a
// podSelector stays in the policy's own namespace.
function peerMatches(peer, policy, other) {
  if (peer.ipBlock) return other.ip !== undefined && inIpBlock(other.ip, peer.ipBlock);
  if (other.ip !== undefined) return false;
  const namespaceOk = peer.namespaceSelector
    ? selectorMatches(peer.namespaceSelector, other.namespaceLabels)
    : other.namespace === namespaceOf(policy);
  return namespaceOk && (!peer.podSelector || selectorMatches(peer.podSelector, other.labels));
}

// A named port means the destination pod's container port of that name and protocol.
export function resolvePort(endpoint, port, protocol = 'TCP') {
  if (typeof port === 'number') return port;
  const found = (endpoint.ports ?? []).find((p) => p.name === port && (p.protocol ?? 'TCP') === protocol);
  return found?.containerPort;
}

function portMatches(rulePort, destination, port, protocol) {
  if ((rulePort.protocol ?? 'TCP') !== protocol) return false;
  if (rulePort.port === undefined) return true;
  const first = resolvePort(destination, rulePort.port, protocol);
  if (first === undefined) return false;
  return port >= first && port <= (rulePort.endPort ?? first);
}

// Absent and empty lists of peers or ports both mean "any"; an absent or
// empty list of rules means "none" (handled by the caller).
function ruleAdmits(rule, peersKey, policy, peer, destination, port, protocol) {
  const peers = rule[peersKey] ?? [];
  const ports = rule.ports ?? [];
  return (peers.length === 0 || peers.some((p) => peerMatches(p, policy, peer)))
    && (ports.length === 0 || ports.some((p) => portMatches(p, destination, port, protocol)));
}

// One end's view: not isolated, or some rule of a policy selecting it admits the other end.
function sideAllows(policies, self, peer, destination, port, protocol, direction) {
  const selecting = policiesFor(policies, self, direction);
  if (selecting.length === 0) return true;
  const [rulesKey, peersKey] = direction === 'Ingress' ? ['ingress', 'from'] : ['egress', 'to'];
  return selecting.some((policy) => (policy.spec[rulesKey] ?? [])
    .some((rule) => ruleAdmits(rule, peersKey, policy, peer, destination, port, protocol)));
}

// Whether a new connection from `source` to `destination` on `port` (a number
// or the name of one of the destination's container ports) is allowed.
export function allowed(policies, source, destination, port, protocol = 'TCP') {
  const number = resolvePort(destination, port, protocol);
  if (number === undefined) throw new Error(`${destination.name} has no ${protocol} port named ${port}`);
  return sideAllows(policies, destination, source, destination, number, protocol, 'Ingress')
    && sideAllows(policies, source, destination, destination, number, protocol, 'Egress');
}

// Policies that isolate every pod of `namespace` in `direction` and admit
// nothing: what makes a pod added later deny by default.
export function defaultDenies(policies, namespace, direction) {
  const rulesKey = direction === 'Ingress' ? 'ingress' : 'egress';
  return policies.filter((p) => namespaceOf(p) === namespace
    && isEmptySelector(p.spec.podSelector)
    && policyTypes(p).includes(direction)
    && (p.spec[rulesKey] ?? []).length === 0);
}
