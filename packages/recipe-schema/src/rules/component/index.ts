import type { ComponentRule } from '../../rule.js';
import { actionPlatform } from './ActionPlatform.js';
import { expressionOperator } from './ExpressionOperator.js';
import { goTemplateExpression } from './GoTemplateExpression.js';
import { ifNestingDepth } from './IfNestingDepth.js';
import { imageBuilderPhase } from './ImageBuilderPhase.js';
import { onFailureContinue } from './OnFailureContinue.js';
import { permissionsMode } from './PermissionsMode.js';
import { rebootIdempotency } from './RebootIdempotency.js';
import { uniqueLoopNames } from './UniqueLoopNames.js';
import { uniquePhaseNames } from './UniquePhaseNames.js';
import { uniqueStepNames } from './UniqueStepNames.js';
import { uniqueVariableNames } from './UniqueVariableNames.js';
import { unquotedExpression } from './UnquotedExpression.js';
import { unresolvedStepReference } from './UnresolvedStepReference.js';
import { unresolvedVariable } from './UnresolvedVariable.js';
import { unterminatedExpression } from './UnterminatedExpression.js';
import { webDownloadChecksum } from './WebDownloadChecksum.js';

/** Semantic rules for AWSTOE component documents (RB2xxx), in id order. */
export const componentRules: readonly ComponentRule[] = [
  uniquePhaseNames,
  uniqueStepNames,
  uniqueLoopNames,
  unresolvedStepReference,
  unresolvedVariable,
  actionPlatform,
  ifNestingDepth,
  onFailureContinue,
  webDownloadChecksum,
  imageBuilderPhase,
  uniqueVariableNames,
  unquotedExpression,
  expressionOperator,
  rebootIdempotency,
  unterminatedExpression,
  goTemplateExpression,
  permissionsMode,
];
