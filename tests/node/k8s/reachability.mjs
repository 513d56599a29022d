// Offline check of every overlay's NetworkPolicies: every pod is denied by
// default, both ways, and exactly the paths the code needs are allowed:
// between the overlay's pods and to and from the few endpoints outside the
// namespace that matter (Prometheus, DNS, managed databases, the public).
// A self-check then breaks the rendered policies in ways the check must catch,
// and rewrites them in equivalent ways it must accept.
//   node tests/node/k8s/reachability.mjs [overlay-dir ...]   (default: every overlay)
import { allowed, defaultDenies, networkPolicies, podEndpoints, resolvePort, selectorMatches } from './network_policies.mjs';
import { overlayDirs, overlayLabel, renderOverlay } from './render.mjs';

const SERVICES = ['article', 'ticker', 'related'];
const AKHBAR = ['gateway', ...SERVICES, 'migrate'];
const PG_PORT = 5432;     // the pg-dsn of the dev overlay; managed PostgreSQL's default
const REDIS_PORT = 6379;  // AKHBAR_REDIS_ADDR in k8s/base/configmap.yaml and k8s/overlays/prod/config.yaml
// A port nobody declares: a rule without ports opens it as well.
const UNDECLARED = { containerPort: 12345, protocol: 'TCP' };

// Endpoints outside the namespace. The stranger wears the gateway's labels in
// another team's namespace: labels alone must not carry across namespaces.
// Without in-cluster databases the overlay uses managed ones, outside the cluster.
// The kubelet's probes come from the node, which policies do not restrict.
function outsiders(inside) {
  const pod = (name, namespace, labels, ports = []) => ({
    name, namespace, labels, ports, namespaceLabels: { 'kubernetes.io/metadata.name': namespace },
  });
  const endpoints = [
    pod('prometheus', 'monitoring', { 'app.kubernetes.io/name': 'prometheus' }),
    pod('ingress-controller', 'ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }),
    pod('stranger', 'other-team', { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/part-of': 'akhbar' },
      [{ name: 'http', containerPort: 8080 }]),
    pod('kube-dns', 'kube-system', { 'k8s-app': 'kube-dns' },
      [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' }]),
    { name: 'cdn', ip: '203.0.113.7', ports: [] },
  ];
  const names = new Set(inside.map((e) => e.name));
  if (!names.has('postgres')) endpoints.push({ name: 'postgres', ip: '10.60.0.10', ports: [{ name: 'postgres', containerPort: PG_PORT }] });
  if (!names.has('redis')) endpoints.push({ name: 'redis', ip: '10.60.1.10', ports: [{ name: 'redis', containerPort: REDIS_PORT }] });
  return endpoints;
}

// What each process connects to, from the code and its configuration (never
// from the policies). Ports by name are the destination's container ports.
function needs(outside) {
  return [
    // services/gateway/config.cc: AKHBAR_GATEWAY_{ARTICLE,TICKER,RELATED}_TARGET (k8s/base/configmap.yaml).
    ...SERVICES.map((s) => ['gateway', s, 'grpc']),
    // services/{article,ticker,related}/config.cc: ReadPostgresConfig and ReadRedisConfig.
    ...SERVICES.flatMap((s) => [[s, 'postgres', PG_PORT], [s, 'redis', REDIS_PORT]]),
    // services/gateway/config.cc: ReadRedisConfig (the article change events); no database.
    ['gateway', 'redis', REDIS_PORT],
    // k8s/base/migrate-job.yaml: AKHBAR_MIGRATE_ONLY exits before Redis is opened (services/*/main.cc).
    ['migrate', 'postgres', PG_PORT],
    // Every process resolves names: the headless Services, the database hosts.
    ...AKHBAR.flatMap((s) => [[s, 'kube-dns', 'dns', 'UDP'], [s, 'kube-dns', 'dns-tcp']]),
    // k8s/base/monitoring.yaml: the PodMonitor scrapes each pod's port named metrics.
    ...['gateway', ...SERVICES].map((s) => ['prometheus', s, 'metrics']),
    // The gateway is the public face: the ingress controller, the CDN, anyone outside.
    ...outside.map((o) => [o.name, 'gateway', 'http']),
  ];
}

function pathKey(source, destination, protocol, port) {
  return `${source.name} → ${destination.name} ${protocol}/${port}`;
}

function neededKeys(endpoints, outside) {
  const byName = new Map(endpoints.map((e) => [e.name, e]));
  const keys = new Set();
  for (const [from, to, port, protocol = 'TCP'] of needs(outside)) {
    const [source, destination] = [byName.get(from), byName.get(to)];
    if (!source || !destination) throw new Error(`a needed path names an unknown endpoint: ${from} → ${to}`);
    const number = resolvePort(destination, port, protocol);
    if (number === undefined) throw new Error(`${to} declares no ${protocol} port ${port}`);
    keys.add(pathKey(source, destination, protocol, number));
  }
  return keys;
}

function candidatePorts(destination) {
  const ports = [...(destination.ports ?? []), UNDECLARED];
  const seen = new Set();
  return ports.map((p) => [p.protocol ?? 'TCP', p.containerPort])
    .filter(([protocol, port]) => !seen.has(`${protocol}/${port}`) && seen.add(`${protocol}/${port}`));
}

function overlayNamespace(objects) {
  const namespaces = new Set(podEndpoints(objects).map((e) => e.namespace));
  if (namespaces.size !== 1) throw new Error(`expected one namespace, found ${[...namespaces].join(', ')}`);
  return [...namespaces][0];
}

// Every pair with at least one end in the namespace, on every port the
// destination declares and on one it does not: allowed exactly when needed.
function reachabilityProblems(objects) {
  const namespace = overlayNamespace(objects);
  const policies = networkPolicies(objects);
  const inside = podEndpoints(objects);
  const outside = outsiders(inside);
  const endpoints = [...inside, ...outside];
  const needed = neededKeys(endpoints, outside);
  const problems = [];
  const seen = new Set();
  let open = 0;
  for (const source of endpoints) {
    for (const destination of endpoints) {
      if (source.namespace !== namespace && destination.namespace !== namespace) continue;
      for (const [protocol, port] of candidatePorts(destination)) {
        const key = pathKey(source, destination, protocol, port);
        const want = needed.has(key);
        const got = allowed(policies, source, destination, port, protocol);
        seen.add(key);
        if (got) open += 1;
        if (want && !got) problems.push(`needed but denied: ${key}`);
        if (got && !want) problems.push(`allowed but not needed: ${key}`);
      }
    }
  }
  return { problems, checked: seen.size, open };
}

function defaultDenyProblems(objects) {
  const namespace = overlayNamespace(objects);
  return ['Ingress', 'Egress']
    .filter((direction) => defaultDenies(networkPolicies(objects), namespace, direction).length === 0)
    .map((direction) => `no default-deny NetworkPolicy for ${direction} selecting every pod of ${namespace}`);
}

function checkOverlay(objects) {
  const { problems, checked, open } = reachabilityProblems(objects);
  return { problems: [...defaultDenyProblems(objects), ...problems], checked, open };
}

// --- Self-check: mutated copies of the rendered objects. ---

function policy(objects, name) {
  const found = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name);
  if (!found) throw new Error(`no NetworkPolicy ${name} to mutate`);
  return found.spec;
}

function withoutPolicy(objects, name) {
  policy(objects, name);
  return objects.filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name === name));
}

const hasExternalDatabases = (objects) => !podEndpoints(objects).some((e) => e.name === 'postgres');
const NAME = 'app.kubernetes.io/name';

// Each break weakens or removes one allowance or denial; `expect` is the
// report that must catch it. (Widening only one side of an in-namespace
// path changes nothing while the other side holds, so the breaks open paths
// whose other end is outside the namespace, or open both sides.)
const BREAKS = [
  { what: 'the default-deny is dropped', expect: /no default-deny .*Ingress/,
    change: (o) => withoutPolicy(o, 'akhbar-default-deny') },
  { what: 'the default-deny covers Ingress only', expect: /no default-deny .*Egress/,
    change: (o) => { policy(o, 'akhbar-default-deny').policyTypes = ['Ingress']; return o; } },
  { what: 'the default-deny admits all ingress (ingress: [{}])', expect: /no default-deny .*Ingress/,
    change: (o) => { policy(o, 'akhbar-default-deny').ingress = [{}]; return o; } },
  { what: 'gRPC from the gateway\'s look-alikes in every namespace', expect: /not needed: stranger → article TCP\/50051/,
    change: (o) => { policy(o, 'akhbar-services-from-gateway').ingress[0].from[0].namespaceSelector = {}; return o; } },
  { what: 'metrics from every namespace', expect: /not needed: stranger → ticker TCP\/9102/,
    change: (o) => { policy(o, 'akhbar-metrics-from-prometheus').ingress[0].from[0].namespaceSelector = {}; return o; } },
  { what: 'Prometheus on every port', expect: /not needed: prometheus → related TCP\/50053/,
    change: (o) => { delete policy(o, 'akhbar-metrics-from-prometheus').ingress[0].ports; return o; } },
  { what: 'the gateway takes any port from anywhere', expect: /not needed: ingress-controller → gateway TCP\/9104/,
    change: (o) => { delete policy(o, 'akhbar-gateway-ingress').ingress[0].ports; return o; } },
  { what: 'the gateway may send anywhere', expect: /not needed: gateway → stranger TCP\/8080/,
    change: (o) => { policy(o, 'akhbar-gateway-egress').egress.push({}); return o; } },
  { what: 'every akhbar pod may reach PostgreSQL', expect: /not needed: gateway → postgres TCP\/5432/,
    change: (o) => { policy(o, 'akhbar-postgres-egress').podSelector = { matchLabels: { 'app.kubernetes.io/part-of': 'akhbar' } }; return o; } },
  { what: 'the migration Job may reach Redis', expect: /not needed: migrate → redis TCP\/6379/,
    change: (o) => { policy(o, 'akhbar-redis-egress').podSelector.matchExpressions[0].values.push('migrate'); return o; } },
  { what: 'every pod of the namespace and its services talk gRPC', expect: /not needed: article → ticker TCP\/50052/,
    change: (o) => {
      policy(o, 'akhbar-services-from-gateway').ingress[0].from[0].podSelector = {};
      policy(o, 'akhbar-gateway-egress').podSelector = {};
      return o;
    } },
  { what: 'no DNS', expect: /needed but denied: article → kube-dns UDP\/53/,
    change: (o) => withoutPolicy(o, 'akhbar-egress') },
  { what: 'the services take no gRPC', expect: /needed but denied: gateway → related TCP\/50053/,
    change: (o) => withoutPolicy(o, 'akhbar-services-from-gateway') },
  { what: 'Redis behind an ipBlock whose except leaves it out', expect: /needed but denied: gateway → redis TCP\/6379/,
    when: hasExternalDatabases,
    change: (o) => { policy(o, 'akhbar-redis-egress').egress[0].to = [{ ipBlock: { cidr: '10.60.0.0/16', except: ['10.60.1.0/24'] } }]; return o; } },
];

// Rewrites that keep the same reachability: named ports, NotIn and Exists,
// namespace and pod selectors together, endPort ranges, ipBlocks.
const KEEPS = [
  { what: 'the gateway\'s egress by the port named grpc',
    change: (o) => { policy(o, 'akhbar-gateway-egress').egress[0].ports = [{ port: 'grpc', protocol: 'TCP' }]; return o; } },
  { what: 'the services selected by NotIn',
    change: (o) => {
      policy(o, 'akhbar-services-from-gateway').podSelector = {
        matchLabels: { 'app.kubernetes.io/part-of': 'akhbar' },
        matchExpressions: [{ key: NAME, operator: 'NotIn', values: ['gateway', 'migrate'] }],
      };
      return o;
    } },
  { what: 'the gateway peer selected with Exists',
    change: (o) => {
      policy(o, 'akhbar-services-from-gateway').ingress[0].from[0].podSelector
        .matchExpressions = [{ key: 'app.kubernetes.io/part-of', operator: 'Exists' }];
      return o;
    } },
  { what: 'DNS only to kube-dns in kube-system',
    change: (o) => {
      for (const rule of policy(o, 'akhbar-egress').egress) {
        rule.to = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }];
      }
      return o;
    } },
  { what: 'the metrics ports as one endPort range',
    change: (o) => { policy(o, 'akhbar-metrics-from-prometheus').ingress[0].ports = [{ port: 9101, endPort: 9104, protocol: 'TCP' }]; return o; } },
  { what: 'PostgreSQL and Redis behind ipBlocks', when: hasExternalDatabases,
    change: (o) => {
      policy(o, 'akhbar-postgres-egress').egress[0].to = [{ ipBlock: { cidr: '10.60.0.0/24' } }];
      policy(o, 'akhbar-redis-egress').egress[0].to = [{ ipBlock: { cidr: '10.60.0.0/16', except: ['10.60.0.0/24'] } }];
      return o;
    } },
];

// The problems found on a mutated copy; a mutation that no longer fits the
// manifests (a policy renamed, say) is a problem of its own.
function problemsAfter(objects, what, change) {
  try {
    return { found: checkOverlay(change(structuredClone(objects))).problems };
  } catch (error) {
    return { broken: `self-check: "${what}" cannot be applied: ${error.message}` };
  }
}

function selfCheckProblems(objects) {
  const problems = [];
  let ran = 0;
  for (const { what, expect, change, when } of BREAKS) {
    if (when && !when(objects)) continue;
    ran += 1;
    const { found, broken } = problemsAfter(objects, what, change);
    if (broken) problems.push(broken);
    else if (!found.some((p) => expect.test(p))) {
      problems.push(`self-check: "${what}" went unnoticed (wanted ${expect}; got ${found.length} other problem(s))`);
    }
  }
  for (const { what, change, when } of KEEPS) {
    if (when && !when(objects)) continue;
    ran += 1;
    const { found, broken } = problemsAfter(objects, what, change);
    if (broken) problems.push(broken);
    else if (found.length > 0) problems.push(`self-check: "${what}" should change nothing, yet: ${found[0]}`);
  }
  return { problems, ran };
}

// --- The evaluator on cases small enough to verify by hand. ---

function evaluatorProblems() {
  const pod = (name, namespace, labels, ports = []) => ({
    name, namespace, labels, ports, namespaceLabels: { 'kubernetes.io/metadata.name': namespace },
  });
  const a = pod('a', 'n', { app: 'a', tier: 'web' }, [{ name: 'web', containerPort: 80 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }]);
  const b = pod('b', 'n', { app: 'b' }, [{ name: 'web', containerPort: 81 }]);
  const elsewhere = pod('c', 'm', { app: 'b' });
  const outside = { name: 'db', ip: '10.0.1.5', ports: [] };
  const np = (spec) => ({ kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'n' }, spec });
  const isolateA = np({ podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Ingress'] });
  const cases = [
    ['In', selectorMatches({ matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'x'] }] }, a.labels), true],
    ['NotIn on a missing key', selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['x'] }] }, a.labels), true],
    ['NotIn', selectorMatches({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a'] }] }, a.labels), false],
    ['Exists', selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, b.labels), false],
    ['DoesNotExist', selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, b.labels), true],
    ['no policy', allowed([], b, a, 80), true],
    ['absent ingress isolates', allowed([isolateA], b, a, 80), false],
    ['empty ingress isolates', allowed([np({ ...isolateA.spec, ingress: [] })], b, a, 80), false],
    ['an empty rule admits all', allowed([np({ ...isolateA.spec, ingress: [{}] })], elsewhere, a, 80), true],
    ['a podSelector stays in its namespace',
      allowed([np({ ...isolateA.spec, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'b' } } }] }] })], elsewhere, a, 80), false],
    ['namespaceSelector {} spans namespaces',
      allowed([np({ ...isolateA.spec, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'b' } } }] }] })], elsewhere, a, 80), true],
    ['a named port is the destination\'s',
      allowed([np({ ...isolateA.spec, ingress: [{ ports: [{ port: 'web' }] }] })], b, a, 80), true],
    ['a named port needs its protocol',
      allowed([np({ ...isolateA.spec, ingress: [{ ports: [{ port: 'dns' }] }] })], b, a, 53, 'UDP'), false],
    ['egress rules without policyTypes isolate egress',
      allowed([np({ podSelector: { matchLabels: { app: 'a' } }, egress: [{ ports: [{ port: 443 }] }] })], a, b, 81), false],
    ['ipBlock',
      allowed([np({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16' } }] }] })], a, outside, 5432), true],
    ['ipBlock except',
      allowed([np({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] } }] }] })], a, outside, 5432), false],
    ['a selector never matches an address',
      allowed([np({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }] }] })], a, outside, 5432), false],
  ];
  return cases.filter(([, got, want]) => got !== want).map(([what, got]) => `evaluator: ${what}: got ${got}`);
}

function main() {
  let failures = 0;
  const report = (label, problems, summary) => {
    if (problems.length > 0) {
      failures += problems.length;
      console.error(`${label}: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
    } else {
      console.log(`${label}: ${summary}`);
    }
  };
  report('evaluator', evaluatorProblems(), 'hand-checked cases pass');
  for (const overlay of overlayDirs(process.argv.slice(2))) {
    const objects = renderOverlay(overlay);
    const { problems, checked, open } = checkOverlay(objects);
    const self = selfCheckProblems(objects);
    report(overlayLabel(overlay), [...problems, ...self.problems],
      `default-deny both ways; ${checked} paths checked, the ${open} needed allowed and the rest denied; `
      + `${self.ran} mutations judged as expected`);
  }
  process.exit(failures > 0 ? 1 : 0);
}

main();
