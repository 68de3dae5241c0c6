#!/usr/bin/env node
// The npm registry these machines reach carries only the Linux builds of packages that ship one native
// package per platform (@swc/core-*, @unrs/resolver-binding-*, …). npm then leaves the other platforms'
// optional dependencies out of package-lock.json, and `npm ci` refuses the lockfile as out of sync.
// This adds each missing optional dependency as a platform-restricted entry, which is what npm writes
// when it can see them: `npm ci` skips them on other platforms and installs them where they apply.
// Run it after `npm install` changes the lockfile: `node scripts/complete-lockfile.js`.
const fs = require('node:fs');
const path = require('node:path');

const OS = [
  'darwin',
  'win32',
  'freebsd',
  'openbsd',
  'netbsd',
  'android',
  'openharmony',
  'sunos',
  'aix',
  'linux',
];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32'];

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const added = [];
for (const [where, meta] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${where ? `${where}/` : ''}node_modules/${name}`;
    if (lock.packages[nested] || lock.packages[`node_modules/${name}`]) continue;
    const os = OS.find((o) => name.includes(o));
    const cpu = CPU.find((c) => name.includes(c));
    lock.packages[`node_modules/${name}`] = {
      version,
      optional: true,
      ...(os && { os: [os] }),
      ...(cpu && { cpu: [cpu] }),
    };
    added.push(`${name}@${version}`);
  }
}
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(
  added.length ? `Added ${added.length} platform entries: ${added.join(', ')}` : 'Lockfile already complete.',
);
