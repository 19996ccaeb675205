import type { RecipeRule } from '../../rule.js';
import { amiNameUnique } from './AmiNameUnique.js';
import { componentFileExists } from './ComponentFileExists.js';
import { componentParameters } from './ComponentParameters.js';
import { componentPathOutsideRecipe } from './ComponentPathOutsideRecipe.js';
import { componentStage } from './ComponentStage.js';
import { duplicateComponent } from './DuplicateComponent.js';
import { ebsEncryption } from './EbsEncryption.js';
import { imdsv2Required } from './Imdsv2Required.js';
import { inspectorScanning } from './InspectorScanning.js';
import { instanceTypeArchitecture } from './InstanceTypeArchitecture.js';
import { instanceTypeExists } from './InstanceTypeExists.js';
import { managedComponentPlatform } from './ManagedComponentPlatform.js';
import { noPublicLaunchPermission } from './NoPublicLaunchPermission.js';
import { parameterStepReference } from './ParameterStepReference.js';
import { parentImagePlatform } from './ParentImagePlatform.js';
import { recipeNameFolder } from './RecipeNameFolder.js';
import { terminateOnFailure } from './TerminateOnFailure.js';
import { undersizedInstance } from './UndersizedInstance.js';
import { workingDirectoryNoexec } from './WorkingDirectoryNoexec.js';

/** Semantic rules for recipes (RB3xxx), in id order. */
export const recipeRules: readonly RecipeRule[] = [
  parentImagePlatform,
  instanceTypeArchitecture,
  imdsv2Required,
  ebsEncryption,
  terminateOnFailure,
  noPublicLaunchPermission,
  componentFileExists,
  duplicateComponent,
  componentPathOutsideRecipe,
  inspectorScanning,
  amiNameUnique,
  workingDirectoryNoexec,
  managedComponentPlatform,
  componentStage,
  undersizedInstance,
  componentParameters,
  parameterStepReference,
  instanceTypeExists,
  recipeNameFolder,
];
