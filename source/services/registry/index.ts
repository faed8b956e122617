/**
 * The rollback registry: every recorded version's image is tagged `<repository>:v<n>` and, with a
 * remote registry configured, pushed; rollbacks prefer that pushed digest; prune, delete and the
 * retention setting remove old rollback points everywhere (row, local tag, registry tag).
 */
export {RegistryApi, RegistryApiError, type PingResult} from './registry-api.js';
export {
  RegistryTargets,
  resolveTarget,
  describeTarget,
  isRemote,
  versionTag,
  repositoryPath,
  apiFor,
  authOf,
  type RegistryTarget,
} from './targets.js';
export {keepVersionImage, describePush, type PushOutcome} from './push.js';
export {RegistrySync, type RegistrySyncOptions} from './sync.js';
export {planPrune, protectedVersions, type PrunePlan} from './retention.js';
export {
  deletableVersion,
  deleteRollbackPoint,
  describeDeletion,
  ProtectedVersionError,
  type DeletionResult,
} from './deletion.js';
export {localImageIndex, placeOf, describePlace, type ImagePlace, type LocalImageIndex} from './location.js';
export {
  chooseRollbackImage,
  type RollbackImageChoice,
  type RollbackImageInput,
  type ImageSourceCheck,
} from './image-source.js';
export {imageRegistryAuth, RegistrySetup, type RollbackRegistryDeps} from './setup.js';
