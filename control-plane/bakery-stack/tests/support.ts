export { allStatements, getAtt, inlinePolicy, type Json, normalizeStatement, ref, resource, statementsOf, sub } from '../testing/index.js';
