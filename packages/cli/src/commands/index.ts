/**
 * The command registry. Commands load on first use, so `bakery validate` does not pay for the AWS
 * SDK that `publish` imports. Adding a command is one line here plus its file.
 */
import type { Command } from '../command.js';

const REGISTRY: Readonly<Record<string, () => Promise<{ default: Command }>>> = {
  validate: () => import('./validate.js'),
  lint: () => import('./lint.js'),
  bundle: () => import('./bundle.js'),
  build: () => import('./build.js'),
  bump: () => import('./bump.js'),
  new: () => import('./new.js'),
  plan: () => import('./plan.js'),
  publish: () => import('./publish.js'),
  evidence: () => import('./evidence.js'),
  promote: () => import('./promote.js'),
  revoke: () => import('./revoke.js'),
  unrevoke: () => import('./unrevoke.js'),
  images: () => import('./images.js'),
  usage: () => import('./usage.js'),
  doctor: () => import('./doctor.js'),
  help: () => import('./help.js'),
};

/** Command names in the order `bakery help` lists them. */
export function commandNames(): string[] {
  return Object.keys(REGISTRY);
}

export async function loadCommand(name: string): Promise<Command | undefined> {
  const load = Object.hasOwn(REGISTRY, name) ? REGISTRY[name] : undefined;
  return load ? (await load()).default : undefined;
}
