/** The entry of the bundled command line (scripts/build-cli.mjs → dist/cli/fairlisten.mjs). */
import { main } from './_main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`fairlisten: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
