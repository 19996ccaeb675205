export { type BakeryTemplates, bakeryModel } from './bakery.js';
export { type AccountModel, ARN, TEST_ENV } from './model.js';
export { resolve } from './resolve.js';
export { type Decision, describeOutcome, evaluate, type Outcome, type Row } from './simulate.js';
