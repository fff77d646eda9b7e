import { z } from "@hono/zod-openapi";
import { errorBody } from "../protocol";

/** OpenAPI descriptions shared by the routes. */
export const chatIdParam = z.object({
	id: z.string().openapi({ param: { name: "id", in: "path" }, example: "3kTMd9pQ2xLw7Rb1" }),
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
	content: { "application/json": { schema } },
	required: true,
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
	content: { "application/json": { schema } },
	description,
});

export const errorResponse = (description: string) => jsonResponse(errorBody, description);

export const bearerSecurity = [{ bearer: [] }];

/** A server API key (`X-API-Key`): a backend acting as the owner of every chat. */
export const apiKeySecurity = [{ apiKey: [] }];

/** Wherever `?key=` is accepted, the key may come in this header instead (keeping it out of URLs). */
export const chatKeyHeaders = z.object({
	"x-chat-key": z.string().max(200).optional().openapi({
		description: "The chat's invite or owner key; the same as `?key=`, without putting it in the URL",
	}),
});
