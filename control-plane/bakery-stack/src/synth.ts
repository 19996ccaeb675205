import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { BakeryAccessStack, type BakeryAccessStackProps } from './access-stack.js';
import { BakeryStack } from './bakery-stack.js';
import { SynthesisError } from './errors.js';

interface SynthBakeryOptions {
  /** Construct id and stack name of the synthesized stack; it does not appear in the template. */
  stackName?: string;
  repositoryRemovalPolicy?: RemovalPolicy;
}

/** Synthesizes one stack in a throw-away App and returns its template. */
function synthStack<T extends Stack>(build: (app: App) => T): Record<string, unknown> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'ami-bakery-synth-'));
  try {
    // No aws:cdk:path metadata: the template travels inline (51,200-byte limit) and says nothing useful outside CDK.
    const app = new App({ outdir, analyticsReporting: false, context: { 'aws:cdk:enable-path-metadata': false } });
    const stack = build(app);
    const assembly = app.synth();
    const artifact = assembly.getStackByName(stack.stackName);
    const template: unknown = artifact.template;
    if (template === null || typeof template !== 'object')
      throw new SynthesisError(`Synthesis produced no template for ${stack.stackName}`);
    return template as Record<string, unknown>;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The bakery-account stack template: what the bootstrap Lambda deploys. It takes no bundle or
 * manifest: the same template serves 1 or 1,000 recipes, and nothing a branch carries changes it.
 * Only the two options below are read; anything else given (an older caller passing a bundle
 * manifest) is ignored. Pure: no AWS calls, same input, same template.
 */
function synthBakeryTemplate(options: SynthBakeryOptions = {}): Record<string, unknown> {
  const stackName = typeof options.stackName === 'string' ? options.stackName : 'BakeryStack';
  const removal = options.repositoryRemovalPolicy;
  return synthStack((app) => new BakeryStack(app, stackName, removal ? { repositoryRemovalPolicy: removal } : {}));
}

/** The StackSet template that prepares the bakery account (key, control bucket, configuration and deploy roles). */
function synthAccessTemplate(props: BakeryAccessStackProps = {}): Record<string, unknown> {
  return synthStack((app) => new BakeryAccessStack(app, 'BakeryAccess', props));
}

export { type SynthBakeryOptions, synthAccessTemplate, synthBakeryTemplate };
