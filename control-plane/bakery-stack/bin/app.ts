/**
 * Synthesizes the bakery-account stack (and the StackSet template that prepares the account) into
 * cdk.out, offline. The recipes come from a bundle manifest:
 *   -c manifest=<path>  or  BAKERY_MANIFEST=<path>,  default <repo>/dist/bundle/manifest.json.
 * Without a manifest the pipeline has no Deploy stage (Source and UpdatePipeline only).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { BakeryAccessStack, BakeryStack, type BundleManifest, loadManifest } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const app = new App({ analyticsReporting: false });
const given = (app.node.tryGetContext('manifest') as string | undefined) ?? process.env.BAKERY_MANIFEST;
const defaultManifest = path.resolve(here, '../../../dist/bundle/manifest.json');
const manifestPath = given ? path.resolve(given) : existsSync(defaultManifest) ? defaultManifest : undefined;
const manifest: BundleManifest = manifestPath ? loadManifest(manifestPath) : { formatVersion: 1, sourceCommit: null, recipes: [] };
if (!manifestPath) process.stderr.write(`No bundle manifest at ${defaultManifest}: synthesizing the bakery stack without recipes.\n`);

new BakeryStack(app, 'BakeryStack', { manifest });
new BakeryAccessStack(app, 'BakeryAccess');
app.synth();
