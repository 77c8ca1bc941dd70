/*
 * Every write in this project is a single-document operation guarded by unique indexes, so it is
 * atomic on MongoDB and on FerretDB as scripts/tools.sh builds it (neither transactions nor change
 * streams are used).
 * Optional unique keys are left absent rather than null: a missing field never collides.
 */
export const opts = { versionKey: false as const, timestamps: false };
