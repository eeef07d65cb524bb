/** This package's version, sent in `User-Agent`; a test keeps it equal to package.json's. */
export const CLIENT_VERSION = "0.1.0";

/**
 * `User-Agent: translation-status/VERSION` on Node (browsers keep their own, so it is not
 * sent there), and `X-Client-Name` when the caller named itself.
 */
export function identityHeaders(clientName: string | undefined): Record<string, string> {
  const runtime = globalThis as { process?: { versions?: { node?: string } } };
  return {
    ...(typeof runtime.process?.versions?.node === "string" && {
      "user-agent": `translation-status/${CLIENT_VERSION}`,
    }),
    ...(clientName !== undefined && { "x-client-name": clientName }),
  };
}
