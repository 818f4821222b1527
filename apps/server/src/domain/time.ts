/** Time helpers. */
/** ISO 8601 UTC to the second: 2026-03-07T13:05:22Z. */
export const isoUtc = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;
