#!/usr/bin/env node
// Writes (--write) or checks (--check, the default) the generated parts of client/package.json:
// contributes.configuration and the activation events (client/src/manifest.ts builds them from shared/).
// Needs the TypeScript build (npm run build) first.
'use strict';
const fs = require('fs');
const path = require('path');
const { generateConfiguration, generateActivationEvents } = require('../dist/src/manifest');

const pkgFile = path.join(__dirname, '..', 'package.json');
const schemaFile = require.resolve('@pg-preflight/shared/schemas/config.schema.json');
const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
const configuration = generateConfiguration(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
const activationEvents = generateActivationEvents();
const same =
  JSON.stringify(pkg.contributes.configuration) === JSON.stringify(configuration) &&
  JSON.stringify(pkg.activationEvents) === JSON.stringify(activationEvents);
if (process.argv.includes('--write')) {
  pkg.contributes.configuration = configuration;
  pkg.activationEvents = activationEvents;
  fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
  console.log(
    same ? 'client/package.json is up to date' : 'client/package.json: contributes.configuration and activationEvents regenerated',
  );
} else if (!same) {
  console.error("client/package.json drifted from shared/src/settings.ts: run 'npm run -w client gen:manifest'");
  process.exit(1);
}
