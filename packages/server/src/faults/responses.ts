import { errorBody } from "../errors.js";
import type { FaultKind } from "./kinds.js";

/** `Retry-After` on injected 429 and 503 answers, in seconds. */
export const FAULT_RETRY_AFTER_SECONDS = 1;

/** An answer sent instead of the truth. */
export interface FaultResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = "application/json; charset=utf-8";
const HTML_TYPE = "text/html";

// What nginx sends when its upstream is down or overloaded: clients must cope with a body that
// is not JSON.
function proxyPage(status: string): string {
  return (
    `<html>\r\n<head><title>${status}</title></head>\r\n<body>\r\n` +
    `<center><h1>${status}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
  );
}

/** The answer for a fault that replaces the server's, or undefined for the other kinds. */
export function faultResponse(kind: FaultKind): FaultResponse | undefined {
  const retryAfter = String(FAULT_RETRY_AFTER_SECONDS);
  switch (kind) {
    case "500":
      return {
        statusCode: 500,
        headers: { "content-type": JSON_TYPE },
        body: JSON.stringify(errorBody("injected_fault", "Internal server error (injected fault)")),
      };
    case "502":
      return {
        statusCode: 502,
        headers: { "content-type": HTML_TYPE },
        body: proxyPage("502 Bad Gateway"),
      };
    case "503":
      return {
        statusCode: 503,
        headers: { "content-type": HTML_TYPE, "retry-after": retryAfter },
        body: proxyPage("503 Service Temporarily Unavailable"),
      };
    case "429":
      return {
        statusCode: 429,
        headers: { "content-type": JSON_TYPE, "retry-after": retryAfter },
        body: JSON.stringify(
          errorBody("rate_limited", `Too many requests (injected fault); retry in ${retryAfter} s`),
        ),
      };
    default:
      return undefined;
  }
}
