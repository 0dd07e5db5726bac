/** Small helpers shared by the local stand-ins for binding to loopback and closing for real. */
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Loopback address every stand-in binds to: nothing local is reachable from the network. */
export const LOOPBACK = '127.0.0.1';

/** Listens on 127.0.0.1 with an OS-chosen port and returns the `http://127.0.0.1:<port>` endpoint. */
export function listenLoopback(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.off('error', reject);
      resolve(endpointOf(server));
    });
  });
}

/** The `http://127.0.0.1:<port>` endpoint of a listening server. */
export function endpointOf(server: Server): string {
  const address = server.address() as AddressInfo;
  return `http://${LOOPBACK}:${address.port}`;
}

/**
 * Closes a server including idle keep-alive sockets (SDK clients keep them open, which would
 * otherwise keep `close()` waiting). Resolves when the port is released; closing an already
 * closed server is not an error.
 */
export function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

/**
 * The `stop` of a stand-in: destroys its client, closes its server, then runs `after` (removing
 * files); calling it again does nothing.
 */
export function stopper(
  client: { destroy(): void },
  server: Server,
  after: () => Promise<void> = async () => undefined,
): () => Promise<void> {
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    client.destroy();
    await closeServer(server);
    await after();
  };
}

/** The whole body of a request, as UTF-8 text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
