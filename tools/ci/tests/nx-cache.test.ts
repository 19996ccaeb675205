/**
 * A test run is a run: the Nx cache belongs to the checkout. Nx 24 would otherwise share one cache
 * between every checkout of the repository on the machine (`~/.nx/<id>/cache`), so a fresh clone
 * could replay another checkout's results as its own passes. The cache and the task database stay
 * in `.nx/` inside the workspace, which git ignores, as it does the local Node.js builds.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

describe('Nx cache location', () => {
  it('resolves the cache and the workspace data inside this checkout, shared with no other', async () => {
    // Arrange: only the workspace's own configuration decides
    for (const name of ['NX_CACHE_DIRECTORY', 'NX_WORKSPACE_DATA_DIRECTORY', 'NX_PROJECT_GRAPH_CACHE_DIRECTORY']) delete process.env[name];

    // Act
    const nx = await import('nx/src/utils/cache-directory.js');

    // Assess
    expect(nx.resolveSharedDataLocation(ROOT)).toEqual({ share: 'none' });
    expect(nx.cacheDirectoryForWorkspace(ROOT)).toBe(path.join(ROOT, '.nx', 'cache'));
    expect(nx.workspaceDataDirectoryForWorkspace(ROOT)).toBe(path.join(ROOT, '.nx', 'workspace-data'));
  });

  it.each(['.nx/cache/123/outputs', '.nx/workspace-data/project-graph.json', '.node/24.22.3/bin/node'])('keeps %s out of git', (file) => {
    const result = spawnSync('git', ['check-ignore', '--no-index', '-q', file], { cwd: ROOT });
    expect(result.status).toBe(0);
  });
});
