/** Sentences the OpenAPI text of several routes shares. */

export const HINTS =
  "Pending answers carry `Retry-After` (seconds), `Poll-After-Ms` (milliseconds) and a `Link` " +
  'header advertising the job\'s event stream (`rel="events"`) and long-polling ' +
  '(`rel="long-poll"`).';

export const LONG_POLL =
  "With `Prefer: wait=N` the request is held until the job changes or N seconds pass (at most " +
  "the server's maximum); the answer then carries `Preference-Applied`.";

export const STREAM =
  "A `text/event-stream`: `progress` events while pending, then one terminal event, after which " +
  "the server closes the stream. Events have ids; reconnect with `Last-Event-ID` to resume. " +
  "Comments keep the connection alive.";
