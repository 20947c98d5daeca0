/** The steps of src/profile/ablation-server.ts, in the order they are added. */
export const ABLATION_STEPS = ['reqid', 'ajv', 'hooks', 'context', 'envelope'] as const

/** One of {@link ABLATION_STEPS}. */
export type AblationStep = (typeof ABLATION_STEPS)[number]
