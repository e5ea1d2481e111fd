/**
 * Property runs random by default, reproducible on demand: every property
 * starts from this seed, printed with any failure; GDSWEEP_PROPERTY_SEED=<seed>
 * replays it.
 */
export const SEED = process.env.GDSWEEP_PROPERTY_SEED !== undefined ? Number(process.env.GDSWEEP_PROPERTY_SEED) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isSafeInteger(SEED)) throw new Error(`GDSWEEP_PROPERTY_SEED must be an integer, got ${process.env.GDSWEEP_PROPERTY_SEED}`);

export async function withSeed(check: () => void | Promise<void>): Promise<void> {
  try {
    await check();
  } catch (err) {
    const note = `property failed with seed ${SEED}: rerun with GDSWEEP_PROPERTY_SEED=${SEED}`;
    process.stderr.write(`${note}\n`);
    if (err instanceof Error) err.message = `${note}\n${err.message}`;
    throw err;
  }
}
