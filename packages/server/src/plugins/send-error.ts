import type { FastifyReply } from "fastify";
import { ERROR_STATUS, errorBody, type ErrorCode } from "../errors.js";
import { noteError } from "../timeline/hooks.js";

export interface ErrorReply {
  statusCode: number;
  code: ErrorCode;
  message: string;
}

export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  statusCode: number = ERROR_STATUS[code],
) {
  noteError(reply, statusCode);
  return reply
    .code(statusCode)
    .type("application/json; charset=utf-8")
    .send(errorBody(code, message));
}
