/**
 * A webhook receiver for the simulator, in plain JavaScript (main.ts is the TypeScript form):
 * registers itself, then prints every verified event.
 *
 *   npm run server                      # in one terminal
 *   node examples/webhook-receiver/main.mjs [simulator URL]
 *
 * Then create a job (curl -X POST localhost:8000/jobs) and watch it arrive when it ends.
 * With API_KEY set, it is sent as X-Api-Key. Stop with Ctrl-C (the endpoint is deleted).
 */
import { createServer } from "node:http";
import { webhookHandler } from "./receiver.mjs";

const simulator = (process.argv[2] ?? "http://127.0.0.1:8000").replace(/\/$/, "");
const headers = { "content-type": "application/json" };
if (process.env.API_KEY) headers["x-api-key"] = process.env.API_KEY;

// Listen first, on any free port, so the URL to register is known; the secret comes with the
// registration, so requests that arrive before it (none should) are refused.
const receiver = {};
const server = createServer((request, response) => {
  if (receiver.handle === undefined) response.writeHead(503).end();
  else receiver.handle(request, response);
});
await new Promise((resolve) => server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", resolve));
const url = `http://127.0.0.1:${server.address().port}/webhook`;

const registered = await fetch(`${simulator}/webhooks`, {
  method: "POST",
  headers,
  body: JSON.stringify({ url }),
});
if (registered.status !== 201) {
  console.error(`Registration failed: ${registered.status} ${await registered.text()}`);
  server.close();
  process.exit(1);
}
const endpoint = await registered.json();
receiver.handle = webhookHandler({
  secret: endpoint.secret,
  onEvent: ({ id, payload }) => console.log(`${id} ${JSON.stringify(payload)}`),
  onReject: (reason) => console.error(`refused: ${reason}`),
});
console.log(`listening on ${url} as ${endpoint.id}`);

process.once("SIGINT", () => {
  void fetch(`${simulator}/webhooks/${endpoint.id}`, { method: "DELETE", headers }).finally(() =>
    server.close(),
  );
});
