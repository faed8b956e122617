import type {Command} from '../command.js';
import {auditCommand} from './audit.js';
import {consoleCommand} from './console.js';
import {diffCommand} from './diff.js';
import {historyCommand} from './history.js';
import {recordCommand} from './record.js';
import {redeployCommand} from './redeploy.js';
import {rollbackCommand} from './rollback.js';
import {snapshotCommand} from './snapshot.js';
import {configCheckCommand} from './config-check.js';
import {deleteCommand} from './delete.js';
import {pruneCommand} from './prune.js';
import {pushCommand} from './push.js';
import {stackCommand} from './stack.js';
import {completeCommandFor, completionCommand} from './completion.js';

export const COMMANDS: Command[] = [
  consoleCommand,
  historyCommand,
  diffCommand,
  snapshotCommand,
  recordCommand,
  auditCommand,
  rollbackCommand,
  redeployCommand,
];
// Rollback registry: push, prune, delete, config check.
COMMANDS.push(pushCommand, pruneCommand, deleteCommand, configCheckCommand);
// Whole stacks.
COMMANDS.push(stackCommand);
// Shell completion: the scripts, and the hidden command they call.
COMMANDS.push(completionCommand, completeCommandFor(COMMANDS));
