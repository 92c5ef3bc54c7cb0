// Where other machines on the LAN can reach this one: for a classroom to join.

import { networkInterfaces } from 'node:os';

/** This machine's IPv4 addresses that are not loopback. */
export function lanAddresses(): string[] {
  const addresses: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv4' && !entry.internal) addresses.push(entry.address);
    }
  }
  return addresses;
}

/** The URLs a class can open: the LAN addresses when listening on every interface, else the one URL. */
export function joinUrls(host: string, port: number, url: string): string[] {
  const everyInterface = host === '0.0.0.0' || host === '::';
  if (!everyInterface) return [url];
  const lan = lanAddresses().map((address) => `http://${address}:${port}`);
  return lan.length > 0 ? lan : [url];
}
