/**
 * Synthesizes the bakery-account stack and the StackSet template that prepares the account into
 * cdk.out, offline. Nothing from a bundle is read: the bakery stack is the same for any recipes.
 * The AWS Control Tower proactive controls run on both as a policy-validation plugin.
 */
import { App, Validations } from 'aws-cdk-lib';
import { BakeryAccessStack, BakeryStack, controlTowerGuard } from '../src/index.js';

const app = new App({ analyticsReporting: false });
Validations.of(app).addPlugins(controlTowerGuard());
new BakeryStack(app, 'BakeryStack');
new BakeryAccessStack(app, 'BakeryAccess');
app.synth();
