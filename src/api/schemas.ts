import { z } from 'zod';

/** Schemas shared by several routes. */
export const wsParams = z.object({ ws: z.string().min(1).max(64) });

export const numberSchema = z
  .object({
    id: z.string(),
    e164: z.string().openapi({ example: '+14155550123' }),
    kind: z.enum(['shared', 'custom', 'byo']),
    type: z.enum(['local', 'toll_free', 'short_code', 'alphanumeric']),
    country: z.string(),
    throughputPerSecond: z.number(),
  })
  .openapi('PhoneNumber');

/**
 * Free text that is trimmed and may not be blank. The `\S` pattern says so in the OpenAPI
 * document too (a bare `minLength: 1` would promise that " " is accepted).
 */
export const text = (max: number) => z.string().regex(/\S/, 'must not be blank').trim().max(max);

export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

/** A whole list in one answer, shaped as a page (`listOf`) with no next one. */
export const unpaged = async <T>(rows: Promise<T[]>) => ({ data: await rows, nextCursor: null });

export const paging = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});
