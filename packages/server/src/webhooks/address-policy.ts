import { BlockList, isIP } from "node:net";

/** Why an address is refused as a webhook target. */
export type RefusedClass =
  "loopback" | "private" | "link-local" | "unique-local" | "unspecified" | "reserved";

type Subnet = readonly [network: string, prefix: number];

/** IPv4 ranges by class. 100.64.0.0/10 (carrier-grade NAT) holds Alibaba Cloud's metadata service. */
const IPV4: Record<RefusedClass, readonly Subnet[]> = {
  loopback: [["127.0.0.0", 8]],
  private: [
    ["10.0.0.0", 8],
    ["172.16.0.0", 12],
    ["192.168.0.0", 16],
    ["100.64.0.0", 10],
  ],
  // 169.254.169.254 is the metadata service of AWS, GCP, Azure and others.
  "link-local": [["169.254.0.0", 16]],
  "unique-local": [],
  // 0.0.0.0 reaches the local host on Linux.
  unspecified: [["0.0.0.0", 8]],
  // IETF protocol assignments, benchmarking, multicast, reserved and broadcast.
  reserved: [
    ["192.0.0.0", 24],
    ["198.18.0.0", 15],
    ["224.0.0.0", 3],
  ],
};

/** IPv6 ranges by class; fec0::/10 is the deprecated site-local range. */
const IPV6: Record<RefusedClass, readonly Subnet[]> = {
  loopback: [["::1", 128]],
  private: [["fec0::", 10]],
  "link-local": [["fe80::", 10]],
  // Holds AWS's IPv6 metadata address fd00:ec2::254.
  "unique-local": [["fc00::", 7]],
  unspecified: [["::", 128]],
  reserved: [["ff00::", 8]],
};

/**
 * IPv6 prefixes that carry an IPv4 address in their last 32 bits and may reach it: NAT64
 * (64:ff9b::/96) and the deprecated IPv4-compatible form (::/96). IPv4-mapped addresses
 * (::ffff:0:0/96) need no entry: BlockList matches them against the IPv4 ranges itself.
 */
const EMBEDDING_PREFIXES = ["64:ff9b::", "::"] as const;

const CLASSES = Object.keys(IPV4) as RefusedClass[];

/** What `parseAllowList` accepts, for error messages. */
export const ALLOW_LIST_EXPECTED =
  "IP addresses or CIDR ranges such as 10.1.0.0/16, comma-separated";

/**
 * Which addresses webhooks may be sent to: every address except loopback, private, link-local,
 * unique-local, unspecified and reserved ones (IPv4-mapped, NAT64 and IPv4-compatible IPv6 forms
 * included), unless the address is in the allow-list.
 *
 * @example
 * const policy = new AddressPolicy(parseAllowList(["10.1.0.0/16"]));
 * policy.refusal("169.254.169.254"); // "link-local"
 * policy.refusal("10.1.2.3"); // undefined: allowed
 */
export class AddressPolicy {
  readonly #refused = new Map<RefusedClass, BlockList>();
  readonly #allowed: BlockList;

  constructor(allowed: BlockList = new BlockList()) {
    this.#allowed = allowed;
    for (const name of CLASSES) {
      const list = new BlockList();
      for (const [network, prefix] of IPV4[name]) {
        list.addSubnet(network, prefix, "ipv4");
        for (const embedding of EMBEDDING_PREFIXES) {
          list.addSubnet(embed(embedding, network), 96 + prefix, "ipv6");
        }
      }
      for (const [network, prefix] of IPV6[name]) list.addSubnet(network, prefix, "ipv6");
      this.#refused.set(name, list);
    }
  }

  /** The class that refuses `address` (an IP address, IPv6 without brackets), or undefined. */
  refusal(address: string): RefusedClass | undefined {
    const family = isIP(address);
    if (family === 0) throw new TypeError(`Expected an IP address, got ${address}`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (this.#allowed.check(address, type)) return undefined;
    for (const [name, list] of this.#refused) {
      if (list.check(address, type)) return name;
    }
    return undefined;
  }
}

/**
 * The allow-list `entries` stand for (`10.1.2.3`, `10.1.0.0/16`, `fd12::/16`), or undefined
 * when one is not an address or range.
 */
export function parseAllowList(entries: readonly string[]): BlockList | undefined {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefixText, ...rest] = entry.trim().split("/");
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return undefined;
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefixText === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const prefix = Number(prefixText);
    if (!/^\d{1,3}$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) return undefined;
    list.addSubnet(address, prefix, type);
  }
  return list;
}

/** The address a URL's hostname spells (IPv6 without its brackets), or undefined for a name. */
export function addressLiteral(hostname: string): string | undefined {
  const host = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  return isIP(host) === 0 ? undefined : host;
}

/** "a private address", "an unspecified address". */
export function addressKind(range: RefusedClass): string {
  return `${range === "unspecified" ? "an" : "a"} ${range} address`;
}

/** `prefix` with the IPv4 `address` in its last 32 bits: embed("64:ff9b::", "10.0.0.0"). */
function embed(prefix: string, address: string): string {
  const [a = 0, b = 0, c = 0, d = 0] = address.split(".").map(Number);
  const hex = (high: number, low: number) => ((high << 8) | low).toString(16);
  return `${prefix}${hex(a, b)}:${hex(c, d)}`;
}
