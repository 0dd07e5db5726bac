/** Test helpers for the local stand-ins (lib/local). */
import { connect } from 'node:net';

/** Whether something accepts TCP connections at an `http://host:port` endpoint. */
export function acceptsConnections(endpoint: string): Promise<boolean> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Sets environment variables for the duration of `fn`, then restores the previous values. */
export { withEnv } from '../../lib/simulation/env';
