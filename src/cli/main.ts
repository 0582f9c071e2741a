// Entry point: `bin/tidemark.js` imports this module.
import { main } from './program.js';

// `tidemark ls … | head`: a reader that went away is not an error.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });

const code = await main(process.argv);
if (code !== 0) process.exitCode = code;
