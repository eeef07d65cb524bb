import type { FastifyReply } from "fastify";
import { ERROR_STATUS, errorBody, type ErrorCode } from "../errors.js";

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
  return reply
    .code(statusCode)
    .type("application/json; charset=utf-8")
    .send(errorBody(code, message));
}
