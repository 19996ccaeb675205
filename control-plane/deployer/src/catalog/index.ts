export { call } from '../aws.js';
export { AwsCallError } from '../errors.js';
export { type Log, messageOf, silentLog } from '../util.js';
export { type ApplyContext, applyAction, channelTargetProblem } from './apply.js';
export { desiredCatalogs, distributionRegions } from './bundle.js';
export { type CatalogScope, ChannelSharing, deleteChannel, readRecipeParameters, writeChannel } from './channels.js';
export { type CatalogClientOptions, type CatalogClients, createCatalogClients, regionalEndpoint } from './clients.js';
export { type CatalogEvent, type CatalogEventDetail, imageDetail, publishEvents } from './events.js';
export {
  type AmiRecord,
  clearDeprecation,
  deprecateAmi,
  deprecationTimeFor,
  describeRecipeAmis,
  disableAmi,
  enableAmi,
  getImage,
  type ImageRecord,
  tagAmi,
  untagAmi,
} from './images.js';
export type {
  ActionOutcome,
  ActionResult,
  CatalogAction,
  CatalogNote,
  CatalogPlanner,
  CatalogSnapshot,
  CatalogState,
  ClearChannelAction,
  ObservedCatalog,
  RevokeAction,
  SetChannelAction,
  SnapshotImage,
  SupersededResult,
  UnrevokeAction,
} from './model.js';
export * from './names.js';
export { namedImages, type ObserveScope, observeCatalog, withEc2 } from './observe.js';
export { plannerView } from './plan.js';
export { type RecipeCatalogSettings, readSettings, SETTINGS_PREFIX, settingsKey, settingsText } from './settings.js';
export {
  type CatalogStepDeps,
  type CatalogStepState,
  catalogCounts,
  catalogEvents,
  catalogFailures,
  isCatalogStepDone,
  newCatalogStepState,
  type RecipeCatalogReport,
  runCatalogStep,
} from './step.js';
export { deprecateSuperseded, type SupersededAmi, supersededAmis } from './superseded.js';
