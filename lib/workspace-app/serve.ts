/**
 * `npm run app`: the workspace app against the local API and stand-ins, on http://127.0.0.1:8788
 * (or `--port N`; `--logs` shows the functions' JSON logs). Open it in a browser: the page is a
 * stand-in for the agent workspace. The API is answered by the handlers' bundles, as deployed.
 */
import { startLocalApp } from './local/server';

const i = process.argv.indexOf('--port');
const port = i > 0 ? Number(process.argv[i + 1]) : 8788;
const app = await startLocalApp({ port, functionLogs: process.argv.includes('--logs') });
console.log(`fairlisten workspace app (local run): ${app.url}/
  API: the functions' bundles (${Object.values(app.bundles).join(', ')})
  agent: place a call with the buttons on the left; coach: choose "Coach" at the top left.
  Local only: tokens are unsigned and the server plays the API Gateway authorizer. Ctrl-C stops.`);
const stop = () => void app.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
