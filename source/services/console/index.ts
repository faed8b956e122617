/** The live console model: the ConsoleModel the console runs on against a real swarm. */
export {
  DeletionFailedError,
  LiveConsoleModel,
  NotConnectedError,
  type LiveConsoleOptions,
} from './live-console-model.js';
export type {GatewayFactory} from './connection-supervisor.js';
export {RolloutBusyError} from './rollout-tracker.js';
