// Starts a real `medchain-node --dev --tmp` on free ports and stops it again: the harness of
// MedChain's end-to-end tests. The binary comes from $MEDCHAIN_NODE (scripts/test.sh sets it).

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';

/** A TCP port that nothing listens on right now. */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts a dev node. Resolves once its RPC endpoint accepts connections.
 * @returns {{ url: string, stop: () => Promise<void>, log: () => string }}
 */
export async function startDevNode({ binary = process.env.MEDCHAIN_NODE, timeoutMs = 120_000 } = {}) {
  if (!binary) throw new Error('set MEDCHAIN_NODE to the medchain-node binary');
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const args = [
    '--dev', '--tmp',
    '--rpc-port', String(rpcPort),
    '--port', String(p2pPort),
    '--no-prometheus', '--no-telemetry', '--no-mdns',
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk) => { output += chunk.toString(); };
  child.stdout.on('data', append);
  child.stderr.on('data', append);

  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(`medchain-node exited early (code ${code}, signal ${signal}):\n${output}`);
  });
  const ready = (async () => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (output.includes('Running JSON-RPC server')) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`medchain-node did not open its RPC port within ${timeoutMs} ms:\n${output}`);
  })();
  await Promise.race([ready, exited]);
  exited.catch(() => {});

  return {
    url: `ws://127.0.0.1:${rpcPort}`,
    log: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = once(child, 'exit');
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
