/** Every command Airlock contributes. A unit test checks this list equals `contributes.commands` in package.json. */
export const COMMAND_IDS = ['airlock.openPolicy', 'airlock.showLog'] as const;

/** One of {@link COMMAND_IDS}. */
export type CommandId = (typeof COMMAND_IDS)[number];
