/** Every command Airlock contributes. A unit test checks this list equals `contributes.commands` in package.json. */
export const COMMAND_IDS = [
  'airlock.openPolicy',
  'airlock.showLog',
  'airlock.showApprovals',
  'airlock.rollbackSession',
  'airlock.undoRollback',
  'airlock.connectAgent',
  'airlock.setAgentTrust',
  'airlock.showAuditLog',
  'airlock.filterAudit',
  'airlock.clearAuditFilter',
  'airlock.exportAudit',
  'airlock.verifyAudit',
  'airlock.refresh',
  'airlock.quickMenu',
  'airlock.openSessionFile',
] as const;

/** One of {@link COMMAND_IDS}. */
export type CommandId = (typeof COMMAND_IDS)[number];
