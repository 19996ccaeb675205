export { BakeryAccessStack, type BakeryAccessStackProps } from './access-stack.js';
export { BakeryStack, type BakeryStackProps, PARAMETER_NAMES, RECIPE_PARAMETERS, type RecipeParameter } from './bakery-stack.js';
export { CONTROL_TOWER_EXCEPTIONS, controlTowerFinding, controlTowerGuard } from './control-tower.js';
export { BakeryStackError, SynthesisError } from './errors.js';
export { acknowledge } from './nag.js';
export * from './names.js';
export { type SynthBakeryOptions, synthAccessTemplate, synthBakeryTemplate } from './synth.js';
