// Entry point: `bin/tidemark.js` imports this module.
import { main } from './program.js';

const code = await main(process.argv);
if (code !== 0) process.exitCode = code;
