// The overlays, rendered offline as `kubectl apply -k` would render them.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

// The overlays named on the command line, or every one of them.
export function overlayDirs(args) {
  if (args.length > 0) return args;
  return readdirSync(join(root, 'k8s/overlays')).map((name) => join(root, 'k8s/overlays', name));
}

export function renderOverlay(overlay) {
  const rendered = execFileSync('kubectl', ['kustomize', overlay], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(rendered).map((doc) => doc.toJSON()).filter(Boolean);
}

export function overlayLabel(overlay) {
  return resolve(overlay).replace(`${root}/`, '');
}
