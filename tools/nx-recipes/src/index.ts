import type { CreateNodesV2 } from 'nx/src/devkit-exports.js';
export const createNodesV2: CreateNodesV2 = ['recipes/*/recipe.yaml', (files) => files.map((f) => [f, { projects: { [f.replace(/\/recipe\.yaml$/, '')]: { name: 'x', targets: {} } } }])];
export default { name: 'nx-recipes', createNodesV2 };
