/** A patch that cannot be read at all. */
export class MalformedPatchError extends Error {}
