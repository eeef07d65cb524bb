/** A V8 CPU profile, as `Profiler.stop` (or `--cpu-prof`) gives it. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    hitCount?: number;
    children?: number[];
  }>;
  samples?: number[];
}

type Frame = CpuProfile["nodes"][number]["callFrame"];

/** One line of the breakdown: a share of the sampled busy time. */
export interface ProfileShare {
  category: string;
  percent: number;
}

/** Where a frame's code came from: its URL, or through a source map, the original file. */
export type Locate = (frame: Frame) => string;

interface Owner {
  category: string;
  matches: (url: string, name: string) => boolean;
  /** A narrower category when a caller further up says why the work was done. */
  refine?: (ancestors: ReadonlyArray<{ url: string; name: string }>) => string | undefined;
}

const FASTIFY = /node_modules\/(fastify|find-my-way|avvio|fastq|toad-cache|@fastify)\//;

// Who owns a sample: the first frame from the leaf up that matches one of these. Native frames
// (no URL: writev, structuredClone, JSON.stringify, toISOString) belong to whoever called them;
// so does code generated at run time (serializers, validators), recognised by its name.
const OWNERS: readonly Owner[] = [
  {
    category: "logger: pino (the request line, child logger, writes to stdout)",
    matches: (url) =>
      /node_modules\/(pino|pino-std-serializers|sonic-boom|fast-redact)\/|fastify\/lib\/logger/.test(
        url,
      ),
  },
  {
    category: "response serialization (fast-json-stringify)",
    matches: (url, name) =>
      url.includes("/fast-json-stringify/") || (url === "" && /^anonymous/.test(name)),
  },
  {
    category: "request validation (ajv)",
    matches: (url, name) =>
      /node_modules\/ajv(-formats)?\//.test(url) || (url === "" && /^validate\d*$/.test(name)),
    // fast-json-stringify picks an `anyOf` branch by validating the response with ajv.
    refine: (ancestors) =>
      ancestors.some((a) => a.name === "serialize" && a.url.includes("fastify/lib/reply"))
        ? "response schema anyOf: ajv validates each response to pick a branch"
        : undefined,
  },
  {
    category: "job lookup: MemoryJobStore.get and JobService",
    matches: (url) => /server\/src\/(store|jobs\/service)/.test(url),
    // The hooks call on synchronously into the route, so only the hook's own lookup counts.
    refine: (ancestors) =>
      ancestors.some((a) => a.url.includes("server/src/faults/") && a.name.includes("settingsFor"))
        ? "fault hook: a second job lookup per request (Faults#settingsFor → findJob)"
        : undefined,
  },
  {
    category: "job view: toJobView, ISO dates, estimates",
    matches: (url) => /server\/src\/jobs\/(view|derive|estimate)/.test(url),
  },
  {
    category: "hints and Link header (sendJob, pollHintMs)",
    matches: (url) => /server\/src\/(routes\/job-reply|jobs\/hints)/.test(url),
  },
  {
    category: "our hooks: faults, auth, request id",
    matches: (url) => /server\/src\/(faults|auth|plugins)\//.test(url),
  },
  {
    category: "route handlers, batch, Prefer parsing",
    matches: (url) => /server\/src\/routes\//.test(url),
  },
  {
    category: "Fastify core: routing, hook runner, reply",
    matches: (url) => FASTIFY.test(url),
  },
  {
    category: "module loading",
    matches: (url) => /node_modules\/tsx\/|node:internal\/modules\//.test(url),
  },
];

const IO = "node:http, streams and socket writes";
const IO_URL = /^node:(_http_|net$|internal\/stream|internal\/streams\/|stream$)/;
const NODE_REST = "node internals: event loop, microtasks, timers, crypto";

const SPECIAL: Record<string, string> = {
  "(garbage collector)": "garbage collection",
  "(program)": "V8 and native code outside JS",
};

/**
 * Where a profile's busy time went, by owner, largest first. Idle time is left out, so the
 * shares add up to 100% of the time the process was working.
 */
export function breakdown(profile: CpuProfile, locate: Locate = (f) => f.url): ProfileShare[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const hits = new Map<number, number>();
  if (profile.samples) {
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  } else {
    for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
  }

  const stackOf = (id: number) => {
    const stack: Array<{ url: string; name: string }> = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      stack.push({ url: locate(frame), name: frame.functionName });
    }
    return stack;
  };
  const totals = new Map<string, number>();
  let busy = 0;
  for (const [id, count] of hits) {
    const category = ownerOf(stackOf(id));
    if (category === undefined) continue;
    busy += count;
    totals.set(category, (totals.get(category) ?? 0) + count);
  }
  return [...totals]
    .map(([category, n]) => ({ category, percent: (100 * n) / busy }))
    .sort((a, b) => b.percent - a.percent);
}

/** The category of a sample, from its stack (leaf first); undefined when the process was idle. */
function ownerOf(stack: ReadonlyArray<{ url: string; name: string }>): string | undefined {
  const leaf = stack[0]!.name;
  if (leaf === "(idle)" || leaf === "(root)") return undefined;
  if (SPECIAL[leaf]) return SPECIAL[leaf];
  // Node's HTTP and stream code runs on behalf of a caller: the logger's writes are the
  // logger's, the rest (Fastify's and ours) is the HTTP layer's. Other internals (crypto,
  // events, timers) belong to whoever called them.
  let sawIo = false;
  for (const [i, { url, name }] of stack.entries()) {
    if (IO_URL.test(url)) {
      sawIo = true;
      continue;
    }
    const owner = OWNERS.find((o) => o.matches(url, name));
    if (owner === undefined) continue;
    const { category } = owner;
    if (sawIo && !category.startsWith("logger") && !category.startsWith("module")) return IO;
    return owner.refine?.(stack.slice(i + 1)) ?? category;
  }
  return sawIo ? IO : NODE_REST;
}
